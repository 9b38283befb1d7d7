import { useState } from 'react';
import { useGroupsStore } from '../stores/groups-store';
import { ConfirmDialog } from '../widgets/ConfirmDialog';
import { plural } from '../widgets/plural';

/** What can be done to every ticked group at once: resolve, reopen, merge into one of them. */
export function BulkActions() {
  const { ticked, groups, bulkStatus, bulkMerge, clearTicks } = useGroupsStore();
  const [target, setTarget] = useState('');
  const [confirming, setConfirming] = useState(false);
  if (ticked.length === 0) return null;
  const tickedGroups = ticked.map((id) => groups.find((g) => g.id === id)).filter((g) => g !== undefined);
  const into = tickedGroups.find((g) => g.id === Number(target));
  return (
    <div className="bulk-actions" role="toolbar" aria-label="Ticked groups">
      <strong>{plural(ticked.length, 'group')} ticked</strong>
      <button onClick={() => void bulkStatus('resolved')}>Resolve</button>
      <button onClick={() => void bulkStatus('ongoing')}>Mark ongoing</button>
      <select aria-label="Group to merge the ticked ones into" value={target} onChange={(e) => setTarget(e.target.value)}>
        <option value="">merge into…</option>
        {tickedGroups.map((g) => (
          <option key={g.id} value={g.id}>
            #{g.id} {g.title}
          </option>
        ))}
      </select>
      <button disabled={!into || ticked.length < 2} onClick={() => setConfirming(true)}>
        Merge…
      </button>
      <button onClick={clearTicks}>Clear</button>
      {confirming && into && (
        <ConfirmDialog
          title="Merge groups"
          message={`Merge ${plural(ticked.length - 1, 'group')} into #${into.id} “${into.title}”? Their crashes go there from now on. You can undo this.`}
          confirm="Merge"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            setTarget('');
            void bulkMerge(into.id);
          }}
        />
      )}
    </div>
  );
}
