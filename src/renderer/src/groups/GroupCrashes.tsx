import type { CrashEvent } from '../../../shared/model';
import { useRoving } from '../widgets/roving';
import { useState } from 'react';

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

interface Props {
  events: CrashEvent[];
  picked: string[];
  onPick(id: string, on: boolean): void;
  onOpen(id: string): void;
  onDiff(id: string): void;
  onExport(id: string): void;
  /** Absent when the group has one crash: there is nothing to move it out of. */
  onMoveOut?(id: string): void;
  onBack(): void;
}

/** The group's crashes as a table: arrows walk them, Enter opens one, Escape goes back to the groups. */
export function GroupCrashes({ events, picked, onPick, onOpen, onDiff, onExport, onMoveOut, onBack }: Props) {
  const [focused, setFocused] = useState(0);
  const { itemProps } = useRoving({
    count: events.length,
    selected: Math.min(focused, Math.max(0, events.length - 1)),
    onSelect: setFocused,
    onOpen: (i) => {
      const e = events[i];
      if (e) onOpen(e.id);
    },
    onBack,
  });
  const full = picked.length >= 2;
  return (
    <table className="group-crash-table" aria-label="Crashes in group">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Pick</span>
          </th>
          <th scope="col">When</th>
          <th scope="col">Signal</th>
          <th scope="col">Source</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {events.map((e, i) => (
          <tr key={e.id} aria-selected={i === focused} onClick={() => setFocused(i)} onDoubleClick={() => onOpen(e.id)} {...itemProps(i)}>
            <td>
              <input
                type="checkbox"
                aria-label={`Pick ${e.source} to compare`}
                checked={picked.includes(e.id)}
                disabled={full && !picked.includes(e.id)}
                title={full && !picked.includes(e.id) ? 'Two crashes are ticked: untick one to pick another' : undefined}
                onChange={(ev) => onPick(e.id, ev.target.checked)}
                onClick={(ev) => ev.stopPropagation()}
              />
            </td>
            <td>{DATE.format(new Date(e.timestamp))}</td>
            <td>{e.signal}</td>
            <td className="source-cell" title={e.source}>
              <button className="link" onClick={() => onOpen(e.id)}>
                {e.source}
              </button>
            </td>
            <td className="row-actions">
              <button aria-label={`Diff ${e.source} against the representative`} onClick={() => onDiff(e.id)}>
                Diff
              </button>
              <button aria-label={`Export ${e.source}`} onClick={() => onExport(e.id)}>
                Export
              </button>
              {onMoveOut && (
                <button className="move-out" aria-label={`Move ${e.source} to a group of its own`} onClick={() => onMoveOut(e.id)}>
                  Move out…
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
