import { useEffect, useState } from 'react';
import type { GroupNotes } from '../../../shared/model';
import { useGroupsStore } from '../stores/groups-store';

/** Notes and a ticket link on a group, saved on demand; they go into its exports. */
export function GroupNotesEditor({ groupId, notes }: { groupId: number; notes: GroupNotes }) {
  const [text, setText] = useState(notes.text);
  const [ticket, setTicket] = useState(notes.ticket ?? '');
  const [state, setState] = useState<string | null>(null);
  const saveNotes = useGroupsStore((s) => s.saveNotes);
  useEffect(() => {
    setText(notes.text);
    setTicket(notes.ticket ?? '');
  }, [groupId, notes.text, notes.ticket]);
  const changed = text !== notes.text || ticket !== (notes.ticket ?? '');
  const save = (): void => {
    setState('Saving…');
    saveNotes(groupId, { text, ticket: ticket.trim() || null }).then(
      () => setState('Saved'),
      (e: unknown) => setState(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <section className="group-notes" aria-label="Notes">
      <h2>Notes</h2>
      {notes.ticket && (
        <p>
          Ticket:{' '}
          <a href={notes.ticket} target="_blank" rel="noreferrer noopener">
            {notes.ticket}
          </a>
        </p>
      )}
      <textarea
        aria-label="Group notes"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="What is known about this bug…"
      />
      <input
        aria-label="Ticket link"
        type="url"
        value={ticket}
        onChange={(e) => setTicket(e.target.value)}
        placeholder="https://tracker/ISSUE-123"
      />
      <button onClick={save} disabled={!changed}>
        Save notes
      </button>{' '}
      {state && (
        <span className="muted" role="status">
          {state}
        </span>
      )}
      {notes.updatedAt && <p className="muted">Last changed {new Date(notes.updatedAt).toLocaleString()}</p>}
    </section>
  );
}
