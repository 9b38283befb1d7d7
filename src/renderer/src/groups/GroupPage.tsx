import { useEffect, useRef, useState } from 'react';
import type { GroupStatus, GroupSummary } from '../../../shared/model';
import { useGroupsStore } from '../stores/groups-store';
import { useReportStore } from '../stores/report-store';
import { ConfirmDialog } from '../widgets/ConfirmDialog';
import { plural } from '../widgets/plural';
import { useCommands } from '../stores/command-store';
import { GroupCrashes } from './GroupCrashes';
import { GroupDetailView } from './GroupDetailView';
import { RepresentativeStack } from './RepresentativeStack';
import { GroupNotesEditor } from './GroupNotesEditor';
import { SimilarGroups } from './SimilarGroups';
import { StackDiffView } from './StackDiffView';

/** The status changes a group offers from where it is: buttons, so no arrow key ever changes one. */
const NEXT_STATUS: Record<GroupStatus, [GroupStatus, string][]> = {
  new: [
    ['ongoing', 'Mark ongoing'],
    ['resolved', 'Resolve'],
  ],
  ongoing: [['resolved', 'Resolve']],
  regressed: [
    ['ongoing', 'Mark ongoing'],
    ['resolved', 'Resolve'],
  ],
  resolved: [['ongoing', 'Reopen']],
};

/** Another group, picked from a list without acting; the button next to it acts. */
function GroupChoice({
  label,
  groups,
  value,
  onChange,
}: {
  label: string;
  groups: GroupSummary[];
  value: string;
  onChange(v: string): void;
}) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">choose a group…</option>
      {groups.map((g) => (
        <option key={g.id} value={g.id}>
          #{g.id} {g.title}
        </option>
      ))}
    </select>
  );
}

type Pending = { kind: 'merge'; target: number } | { kind: 'move-out'; crashId: string; source: string };

/** A group's own page: what it is, where it happens, its crashes, notes, and what can be done with it. */
export function GroupPage({ onOpenCrash }: { onOpenCrash(id: string): void }) {
  const { events, openGroupId, groups, merge, moveOut, setStatus, detail, diff, showDiff, closeDiff, reprocessGroup, closeGroup } =
    useGroupsStore();
  const { openExport, compareCrashes, compareGroups } = useReportStore();
  const [picked, setPicked] = useState<string[]>([]);
  const [mergeTarget, setMergeTarget] = useState('');
  const [compareTarget, setCompareTarget] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [reprocessed, setReprocessed] = useState<string | null>(null);
  const back = useRef<HTMLButtonElement>(null);
  // A group opened takes the focus to its page, unless it is there to be undone (after a merge).
  useEffect(() => {
    if (!document.activeElement?.closest('.undo-notice')) back.current?.focus();
  }, [openGroupId]);
  const group = detail?.group.id === openGroupId ? detail.group : groups.find((g) => g.id === openGroupId);
  useCommands(
    group
      ? [
          ...NEXT_STATUS[group.status].map(([status, label]) => ({
            id: `group.status.${status}`,
            title: `${label} this group`,
            section: 'Group',
          })),
          { id: 'group.export', title: 'Export a report of this group…', section: 'Group' },
          { id: 'group.back', title: 'Back to the groups', section: 'Group' },
        ]
      : [],
    (id) => {
      if (!group) return;
      if (id === 'group.export') openExport({ kind: 'group', id: group.id });
      else if (id === 'group.back') closeGroup();
      else void setStatus(group.id, id.replace('group.status.', '') as GroupStatus);
    },
  );
  if (!group) return <p className="muted page-loading">Loading the group…</p>;
  // One entry per group however the pages of the table were loaded.
  const others = [...new Map(groups.filter((g) => g.id !== group.id).map((g) => [g.id, g])).values()];
  const target = others.find((g) => g.id === Number(mergeTarget));
  const reprocess = (): void => {
    setReprocessed('Analysing again…');
    void reprocessGroup(group.id).then((r) =>
      setReprocessed(
        r &&
          `Analysed ${r.reanalyzed.length} of ${r.checked} again (those lacking symbols); ${r.improved.length} now have more frames named${r.failed.length ? `; ${r.failed.length} failed: ${r.failed[0]?.error}` : ''}.`,
      ),
    );
  };
  return (
    <main
      className="group-page"
      aria-label={`Group ${group.id}`}
      onKeyDown={(e) => {
        const typing =
          e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
        if (e.key === 'Escape' && !typing && !pending) closeGroup();
      }}
    >
      <header className="group-page-head">
        <button ref={back} onClick={closeGroup} aria-label="Back to the groups">
          ← Groups
        </button>
        <h1>
          <span className={`status-badge status-${group.status}`}>{group.status}</span> {group.title}
        </h1>
        <span className="muted">
          #{group.id} · {plural(group.count, 'crash', 'crashes')}
        </span>
        <span className="spacer" />
        {NEXT_STATUS[group.status].map(([status, label]) => (
          <button key={status} onClick={() => void setStatus(group.id, status)}>
            {label}
          </button>
        ))}
        <button onClick={() => openExport({ kind: 'group', id: group.id })} aria-label="Export group report">
          Export…
        </button>
      </header>
      <div className="group-page-body">
        <section className="panel" aria-label="Summary">
          <h2>Summary</h2>
          <p className="muted">
            Signature: {group.mechanism.replace(/^signal:/, '')} · {group.frames.join(' → ')}
          </p>
          {detail?.group.id === group.id && <GroupDetailView detail={detail} />}
        </section>
        <section className="panel" aria-label="Notes and actions">
          {detail?.group.id === group.id && <GroupNotesEditor groupId={group.id} notes={detail.notes} />}
          <h2>Merge and compare</h2>
          <div className="group-actions">
            <GroupChoice label="Group to merge into" groups={others} value={mergeTarget} onChange={setMergeTarget} />
            <button disabled={!target} onClick={() => target && setPending({ kind: 'merge', target: target.id })}>
              Merge…
            </button>
          </div>
          <div className="group-actions">
            <GroupChoice label="Group to compare with" groups={others} value={compareTarget} onChange={setCompareTarget} />
            <button disabled={!compareTarget} onClick={() => void compareGroups(group.id, Number(compareTarget))}>
              Compare
            </button>
          </div>
          <div className="group-actions">
            <button
              disabled={picked.length !== 2}
              onClick={() => picked[0] && picked[1] && void compareCrashes(picked[0], picked[1])}
              title="Tick two crashes below"
            >
              Compare the two ticked crashes
            </button>
            <button
              onClick={reprocess}
              title="Analyse the crashes whose program lacked debug info or whose libraries were not found again, with the folders and symbol servers set now"
            >
              Analyse again for symbols
            </button>
          </div>
          {reprocessed && (
            <p role="status" className="muted">
              {reprocessed}
            </p>
          )}
          <SimilarGroups groupId={group.id} count={group.count} />
        </section>
        {detail?.group.id === group.id && detail.representative && (
          <RepresentativeStack key={detail.representative.crashId} representative={detail.representative} />
        )}
        <section className="panel group-crashes" aria-label="Crashes">
          <h2>{plural(events.length, 'crash', 'crashes')}</h2>
          {diff && <StackDiffView diff={diff} onClose={closeDiff} />}
          <GroupCrashes
            events={events}
            picked={picked}
            onPick={(id, on) => setPicked((p) => (on ? [...p, id].slice(0, 2) : p.filter((x) => x !== id)))}
            onOpen={onOpenCrash}
            onDiff={(id) => void showDiff(id)}
            onExport={(id) => openExport({ kind: 'crash', id })}
            onMoveOut={
              group.count > 1
                ? (id) => setPending({ kind: 'move-out', crashId: id, source: events.find((e) => e.id === id)?.source ?? id })
                : undefined
            }
            onBack={closeGroup}
          />
        </section>
      </div>
      {pending?.kind === 'merge' && (
        <ConfirmDialog
          title="Merge groups"
          message={`Merge group #${group.id} (${plural(group.count, 'crash', 'crashes')}) into #${pending.target} “${others.find((g) => g.id === pending.target)?.title ?? ''}”? Crashes with its fingerprint will go there from now on. You can undo this.`}
          confirm="Merge"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setPending(null);
            setMergeTarget('');
            void merge(group.id, pending.target);
          }}
        />
      )}
      {pending?.kind === 'move-out' && (
        <ConfirmDialog
          title="Move a crash out"
          message={`Move ${pending.source} out of group #${group.id} into a group of its own? It stays there through regrouping. You can undo this.`}
          confirm="Move out"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setPending(null);
            void moveOut(pending.crashId);
          }}
        />
      )}
    </main>
  );
}
