import { useEffect, useRef } from 'react';
import { useGroupsStore } from '../stores/groups-store';

/**
 * The last grouping change, with Undo, until another takes its place or it is dismissed. A new
 * change brings the focus to Undo, so Enter takes it back at once.
 */
export function UndoNotice() {
  const { lastChange, undoLast, dismissChange } = useGroupsStore();
  const undo = useRef<HTMLButtonElement>(null);
  useEffect(() => undo.current?.focus(), [lastChange]);
  if (!lastChange) return null;
  return (
    <div className="undo-notice" role="status">
      {lastChange.summary}.{' '}
      <button ref={undo} onClick={() => void undoLast()}>
        Undo
      </button>
      <button onClick={dismissChange} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
