import { useState } from 'react';
import type { GroupSummary } from '../../../shared/model';
import { useGroupsStore } from '../stores/groups-store';
import { useReportStore } from '../stores/report-store';
import { GroupDetailView } from './GroupDetailView';
import { GroupNotesEditor } from './GroupNotesEditor';
import { SimilarGroups } from './SimilarGroups';
import { StackDiffView } from './StackDiffView';

const date = (iso: string): string => new Date(iso).toLocaleString();

/** A choice of another group that acts as soon as one is picked. */
function GroupPicker({ label, groups, onPick }: { label: string; groups: GroupSummary[]; onPick(id: number): void }) {
  return (
    <label>
      {label}{' '}
      <select
        aria-label={`${label} group`}
        value=""
        onChange={(e) => {
          if (e.target.value) onPick(Number(e.target.value));
        }}
      >
        <option value="">choose a group…</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            #{g.id} {g.title}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The selected group: its signature, spread, notes, crashes, and the triage actions on them. */
export function GroupPanel({ onOpen }: { onOpen(id: string): void }) {
  const { events, selectedGroupId, groups, merge, moveOut, detail, diff, showDiff, closeDiff, reprocessGroup } = useGroupsStore();
  const { openExport, compareCrashes, compareGroups } = useReportStore();
  const [picked, setPicked] = useState<string[]>([]);
  const [reprocessed, setReprocessed] = useState<{ groupId: number; text: string } | null>(null);
  const reprocess = (groupId: number): void => {
    setReprocessed({ groupId, text: 'Analysing again…' });
    void reprocessGroup(groupId).then((r) =>
      setReprocessed(
        r && {
          groupId,
          text: `Analysed ${r.reanalyzed.length} of ${r.checked} again (those lacking symbols); ${r.improved.length} now have more frames named${r.failed.length ? `; ${r.failed.length} failed: ${r.failed[0]?.error}` : ''}.`,
        },
      ),
    );
  };
  const group = detail?.group.id === selectedGroupId ? detail?.group : groups.find((g) => g.id === selectedGroupId);
  if (!group) return null;
  const others = groups.filter((g) => g.id !== group.id);
  const pick = (id: string, on: boolean): void =>
    setPicked((p) => (on ? [...p.filter((x) => x !== id), id].slice(-2) : p.filter((x) => x !== id)));
  return (
    <section className="panel group-crashes" aria-label="Crashes in group">
      <h2>
        {group.title} — {group.count} crashes{' '}
        <button onClick={() => openExport({ kind: 'group', id: group.id })} aria-label="Export group report">
          Export…
        </button>
      </h2>
      <p className="muted">
        Signature: {group.mechanism.replace(/^signal:/, '')} · {group.frames.join(' → ')}
      </p>
      {detail?.group.id === group.id && <GroupDetailView detail={detail} />}
      {detail?.group.id === group.id && <GroupNotesEditor groupId={group.id} notes={detail.notes} />}
      <SimilarGroups groupId={group.id} count={group.count} />
      <div className="group-actions">
        <GroupPicker label="Merge into" groups={others} onPick={(id) => void merge(group.id, id)} />{' '}
        <GroupPicker label="Compare with" groups={others} onPick={(id) => void compareGroups(group.id, id)} />{' '}
        <button
          disabled={picked.length !== 2}
          onClick={() => picked[0] && picked[1] && void compareCrashes(picked[0], picked[1])}
          title="Tick two crashes below"
        >
          Compare the two ticked crashes
        </button>{' '}
        <button
          onClick={() => reprocess(group.id)}
          title="Analyse the crashes whose program lacked debug info or whose libraries were not found again, with the folders and symbol servers set now"
        >
          Analyse again for symbols
        </button>
        {reprocessed?.groupId === group.id && (
          <span role="status" className="muted">
            {' '}
            {reprocessed.text}
          </span>
        )}
      </div>
      {diff && <StackDiffView diff={diff} onClose={closeDiff} />}
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            <input
              type="checkbox"
              aria-label={`Pick ${e.source} to compare`}
              checked={picked.includes(e.id)}
              onChange={(ev) => pick(e.id, ev.target.checked)}
            />
            <button onClick={() => onOpen(e.id)}>
              {e.signal} · {date(e.timestamp)} · {e.source}
            </button>
            <button aria-label={`Diff ${e.source} against the representative`} onClick={() => void showDiff(e.id)}>
              Diff
            </button>
            <button aria-label={`Export ${e.source}`} onClick={() => openExport({ kind: 'crash', id: e.id })}>
              Export
            </button>
            {group.count > 1 && (
              <button className="move-out" aria-label={`Move ${e.source} to a group of its own`} onClick={() => void moveOut(e.id)}>
                Move out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
