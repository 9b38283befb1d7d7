import { useGroupsStore } from '../stores/groups-store';

/** The last grouping change, with Undo, until another takes its place or it is dismissed. */
export function UndoNotice() {
  const { lastChange, undoLast, dismissChange } = useGroupsStore();
  if (!lastChange) return null;
  return (
    <div className="undo-notice" role="status">
      {lastChange.summary}.{' '}
      <button onClick={() => void undoLast()} aria-keyshortcuts="Control+Z">
        Undo
      </button>
      <button onClick={dismissChange} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
