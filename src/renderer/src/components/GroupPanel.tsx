import { useGroupsStore } from '../stores/groups-store';
import { GroupDetailView } from './GroupDetailView';
import { StackDiffView } from './StackDiffView';

const date = (iso: string): string => new Date(iso).toLocaleString();

/** The selected group: its signature, spread, crashes, and the triage actions on them. */
export function GroupPanel({ onOpen }: { onOpen(id: string): void }) {
  const { events, selectedGroupId, groups, merge, moveOut, detail, diff, showDiff, closeDiff } = useGroupsStore();
  const group = detail?.group.id === selectedGroupId ? detail?.group : groups.find((g) => g.id === selectedGroupId);
  if (!group) return null;
  return (
    <section className="panel group-crashes" aria-label="Crashes in group">
      <h2>
        {group.title} — {group.count} crashes
      </h2>
      <p className="muted">
        Signature: {group.mechanism.replace(/^signal:/, '')} · {group.frames.join(' → ')}
      </p>
      {detail?.group.id === group.id && <GroupDetailView detail={detail} />}
      <label>
        Merge into{' '}
        <select
          aria-label="Merge into group"
          value=""
          onChange={(e) => {
            if (e.target.value) void merge(group.id, Number(e.target.value));
          }}
        >
          <option value="">choose a group…</option>
          {groups
            .filter((g) => g.id !== group.id)
            .map((g) => (
              <option key={g.id} value={g.id}>
                {g.title}
              </option>
            ))}
        </select>
      </label>
      {diff && <StackDiffView diff={diff} onClose={closeDiff} />}
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            <button onClick={() => onOpen(e.id)}>
              {e.signal} · {date(e.timestamp)} · {e.source}
            </button>
            <button aria-label={`Diff ${e.source} against the representative`} onClick={() => void showDiff(e.id)}>
              Diff
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
