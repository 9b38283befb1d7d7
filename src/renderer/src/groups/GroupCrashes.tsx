import type { CrashEvent } from '../../../shared/model';
import { useRoving } from '../widgets/roving';
import { useMemo, useState } from 'react';

type SortKey = 'timestamp' | 'signal' | 'source';
const COLUMNS: [SortKey, string][] = [
  ['timestamp', 'When'],
  ['signal', 'Signal'],
  ['source', 'Source'],
];

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
export function GroupCrashes({ events: all, picked, onPick, onOpen, onDiff, onExport, onMoveOut, onBack }: Props) {
  const [focused, setFocused] = useState(0);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'timestamp', desc: true });
  const [filter, setFilter] = useState('');
  // The group's own crashes, sorted and filtered here: a group holds what its page shows.
  const events = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    const kept = all.filter((e) => words.every((w) => `${e.signal} ${e.source} ${e.timestamp}`.toLowerCase().includes(w)));
    const sign = sort.desc ? -1 : 1;
    return [...kept].sort((a, b) => sign * a[sort.key].localeCompare(b[sort.key]));
  }, [all, filter, sort]);
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
    <>
      <input
        type="search"
        className="crash-filter"
        aria-label="Filter the group's crashes"
        placeholder="Filter by signal, file, date…"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {filter && (
        <span className="muted" role="status">
          {' '}
          {events.length} of {all.length}
        </span>
      )}
      <table className="group-crash-table" aria-label="Crashes in group">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Pick</span>
            </th>
            {COLUMNS.map(([key, label]) => (
              <th key={key} scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                <button className="link" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key === 'timestamp' })}>
                  {label}
                  {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
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
    </>
  );
}
