import { useEffect, useState } from 'react';
import type { SimilarGroup } from '../../../shared/model';
import { triageRequests } from '../stores/triage-store';
import { useGroupsStore } from '../stores/groups-store';
import { useReportStore } from '../stores/report-store';
import { plural } from '../widgets/plural';
import { useRovingList } from '../widgets/roving';
import { ConfirmDialog } from '../widgets/ConfirmDialog';

/** Groups whose stacks are near this one's, offered for comparing and merging; nothing merges by itself. */
export function SimilarGroups({ groupId, count }: { groupId: number; count: number }) {
  const [similar, setSimilar] = useState<SimilarGroup[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [merging, setMerging] = useState<SimilarGroup | null>(null);
  const merge = useGroupsStore((s) => s.merge);
  const compareGroups = useReportStore((s) => s.compareGroups);
  useEffect(() => {
    let current = true;
    setSimilar(null);
    triageRequests.similarGroups(groupId).then(
      (found) => current && setSimilar(found),
      (e: unknown) => current && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
    // The count changes when crashes join, which may change the representative's neighbours.
  }, [groupId, count]);
  // Enter on a similar group compares it with this one; merging always asks first.
  const { itemProps, innerTabIndex } = useRovingList(similar?.length ?? 0, (i) => {
    const other = similar?.[i];
    if (other) void compareGroups(groupId, other.group.id);
  });
  if (error) return <p className="muted">Similar groups: {error}</p>;
  if (!similar || similar.length === 0) return null;
  return (
    <section className="similar-groups" aria-label="Similar groups">
      <h2>Similar groups</h2>
      <ul>
        {similar.map((s, i) => (
          <li key={s.group.id} {...itemProps(i)}>
            <span className="similarity">{Math.round(s.similarity * 100)}%</span> #{s.group.id} {s.group.title}{' '}
            <span className="muted">
              ({plural(s.group.count, 'crash', 'crashes')}; {s.reason})
            </span>{' '}
            <button
              tabIndex={innerTabIndex(i)}
              onClick={() => void compareGroups(groupId, s.group.id)}
              aria-label={`Compare with group ${s.group.id}`}
            >
              Compare
            </button>{' '}
            <button tabIndex={innerTabIndex(i)} onClick={() => setMerging(s)} aria-label={`Merge group ${s.group.id} into this one`}>
              Merge into this…
            </button>
          </li>
        ))}
      </ul>
      {merging && (
        <ConfirmDialog
          title="Merge groups"
          message={`Merge group #${merging.group.id} “${merging.group.title}” (${plural(merging.group.count, 'crash', 'crashes')}) into this one? Crashes with its fingerprint will come here from now on. You can undo this.`}
          confirm="Merge"
          onCancel={() => setMerging(null)}
          onConfirm={() => {
            setMerging(null);
            void merge(merging.group.id, groupId);
          }}
        />
      )}
    </section>
  );
}
