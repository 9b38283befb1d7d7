import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type SortingState,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { GROUP_SORTS, type FacetValue, type GroupQuery, type GroupSort, type GroupSummary } from '../../../shared/model';
import { PAGE_SIZE, useGroupsStore } from '../stores/groups-store';
import { Sparkline } from '../widgets/Sparkline';
import { useWidth } from '../widgets/use-width';

const ROW_HEIGHT = 30;
/** Rows before the end of what is loaded at which the next page is asked for. */
const PREFETCH = PAGE_SIZE / 2;
const column = createColumnHelper<GroupSummary>();
/** One formatter for every cell: creating one per call costs more than the whole row. */
const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const date = (iso: string): string => DATE_FORMAT.format(new Date(iso));

/** The status as a word with its colour; it is changed on the group's page, never by a stray arrow key here. */
function StatusBadge({ group }: { group: GroupSummary }) {
  return <span className={`status-badge status-${group.status}`}>{group.status}</span>;
}

/** A group ticked for a bulk action (resolve, merge); a click on it never opens the group. */
function TickBox({ group }: { group: GroupSummary }) {
  const ticked = useGroupsStore((s) => s.ticked.includes(group.id));
  const tick = useGroupsStore((s) => s.tick);
  return (
    <input
      type="checkbox"
      aria-label={`Tick group ${group.id}`}
      checked={ticked}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
      onChange={(e) => tick(group.id, e.target.checked)}
    />
  );
}

/** The most common values, and how many others there are. */
function Spread({ values, count }: { values: FacetValue[]; count: number }) {
  if (count === 0) return <span className="muted">—</span>;
  const rest = count - values.length;
  return (
    <span title={values.map((v) => `${v.value}: ${v.count}`).join('\n')}>
      {values.map((v) => v.value).join(', ')}
      {rest > 0 && <span className="muted"> +{rest}</span>}
    </span>
  );
}

/** The title, after a mark for notes and the ticket as a link: first, so a long title cannot hide them. */
function GroupTitle({ group }: { group: GroupSummary }) {
  return (
    <>
      {group.hasNotes && (
        <span className="notes-mark" title="Has notes" aria-label="has notes">
          ✎{' '}
        </span>
      )}
      {group.ticket && (
        <>
          <a className="ticket-link" href={group.ticket} target="_blank" rel="noreferrer noopener" onClick={(e) => e.stopPropagation()}>
            ticket
          </a>{' '}
        </>
      )}
      {group.title}
    </>
  );
}

// Column ids are the server's sort keys: sorting happens in SQLite over every matching group, not over the loaded rows.
const columns = [
  column.display({
    id: 'tick',
    header: () => <span className="visually-hidden">Tick for a bulk action</span>,
    size: 34,
    enableSorting: false,
    cell: (c) => <TickBox group={c.row.original} />,
  }),
  column.accessor('title', {
    id: 'title',
    header: 'Group',
    size: 340,
    sortDescFirst: false,
    cell: (c) => <GroupTitle group={c.row.original} />,
  }),
  column.accessor('count', { id: 'count', header: 'Crashes', size: 80 }),
  column.accessor('versionCount', {
    id: 'versions',
    header: 'Versions',
    size: 150,
    cell: (c) => <Spread values={c.row.original.versions} count={c.getValue()} />,
  }),
  column.accessor('hostCount', {
    id: 'hosts',
    header: 'Hosts',
    size: 150,
    cell: (c) => <Spread values={c.row.original.hosts} count={c.getValue()} />,
  }),
  column.accessor('daily', {
    id: 'trend',
    header: 'Last 30 days',
    size: 110,
    cell: (c) => <Sparkline counts={c.getValue()} width={90} height={18} />,
  }),
  column.accessor('firstSeen', { id: 'firstSeen', header: 'First seen', cell: (c) => date(c.getValue()), size: 160 }),
  column.accessor('lastSeen', { id: 'lastSeen', header: 'Last seen', cell: (c) => date(c.getValue()), size: 160 }),
  column.accessor('status', { id: 'status', header: 'Status', cell: (c) => <StatusBadge group={c.row.original} />, size: 110 }),
];

/** Columns given up, in this order, when the table is too narrow for a title to be read. */
const DROPPABLE = ['firstSeen', 'hosts', 'trend', 'versions'];
const MIN_TITLE_PX = 280;
const sizeOf = (id: string): number => columns.find((c) => c.id === id)?.size ?? 0;

function visibleColumns(width: number): VisibilityState {
  const visibility: VisibilityState = {};
  let others = columns.filter((c) => c.id !== 'title').reduce((n, c) => n + (c.size ?? 0), 0);
  for (const id of DROPPABLE) {
    if (width === 0 || width - others >= MIN_TITLE_PX) break;
    visibility[id] = false;
    others -= sizeOf(id);
  }
  return visibility;
}

/** Whether the search or any filter narrows the groups: an empty table then says so, not "no groups yet". */
const hasFilters = (query: GroupQuery): boolean =>
  Object.values(query).some((v) => (typeof v === 'string' ? v !== '' : v !== undefined && Object.keys(v).length > 0));

const isSort = (id: string): id is GroupSort => (GROUP_SORTS as readonly string[]).includes(id);

/** The triage table: every matching group, sorted by the database, loaded and rendered only where it is seen. */
export function GroupsTable() {
  const { groups, total, sort, setSort, loadThrough, highlightGroup, openGroup, selectedGroupId, query } = useGroupsStore();
  const scroller = useRef<HTMLDivElement>(null);
  const [, width] = useWidth(scroller);
  const sorting: SortingState = [{ id: sort.id, desc: sort.desc }];

  const table = useReactTable({
    data: groups,
    columns,
    state: { sorting, columnVisibility: visibleColumns(width) },
    manualSorting: true,
    // Numbers and dates biggest or newest first; the title A→Z first.
    sortDescFirst: true,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first && isSort(first.id)) setSort(first.id, first.desc);
      else setSort(sort.id, !sort.desc);
    },
    getCoreRowModel: getCoreRowModel(),
  });
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (lastVisible >= groups.length - PREFETCH) void loadThrough(lastVisible + PREFETCH);
  }, [lastVisible, groups.length, loadThrough]);
  const selectedIndex = Math.max(
    0,
    groups.findIndex((g) => g.id === selectedGroupId),
  );
  // Arrows move the highlighted row (scrolling it into view and giving it the focus), Enter opens it.
  const moveTo = (index: number): void => {
    const to = Math.max(0, Math.min(total - 1, index));
    void loadThrough(to).then(() => {
      const group = useGroupsStore.getState().groups[to];
      if (!group) return;
      highlightGroup(group.id);
      virtualizer.scrollToIndex(to);
      requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`tr[data-index="${to}"]`)?.focus());
    });
  };
  const onRowKey = (event: KeyboardEvent, index: number, id: number): void => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (event.key in moves) moveTo(index + (moves[event.key] ?? 0));
    else if (event.key === 'Home') moveTo(0);
    else if (event.key === 'End') moveTo(total - 1);
    else if (event.key === 'Enter') void openGroup(id);
    else return;
    event.preventDefault();
  };
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <div className="groups-table" ref={scroller}>
      <table aria-label="Crash groups" aria-rowcount={total + 1}>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th
                  key={h.id}
                  style={{ width: h.column.id === 'title' ? undefined : h.getSize() }}
                  aria-sort={
                    !h.column.getCanSort()
                      ? undefined
                      : h.column.getIsSorted() === 'asc'
                        ? 'ascending'
                        : h.column.getIsSorted() === 'desc'
                          ? 'descending'
                          : 'none'
                  }
                >
                  {h.column.getCanSort() ? (
                    <button onClick={h.column.getToggleSortingHandler()}>
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      {{ asc: ' ▲', desc: ' ▼' }[h.column.getIsSorted() as string] ?? ''}
                    </button>
                  ) : (
                    flexRender(h.column.columnDef.header, h.getContext())
                  )}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {padTop > 0 && <tr style={{ height: padTop }} aria-hidden />}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) {
              return (
                <tr key={`loading-${item.index}`} style={{ height: ROW_HEIGHT }} className="loading-row" aria-hidden>
                  <td colSpan={table.getVisibleLeafColumns().length}>…</td>
                </tr>
              );
            }
            return (
              <tr
                key={row.id}
                style={{ height: ROW_HEIGHT }}
                aria-rowindex={item.index + 2}
                aria-selected={row.original.id === selectedGroupId}
                data-index={item.index}
                tabIndex={item.index === selectedIndex ? 0 : -1}
                onClick={() => {
                  highlightGroup(row.original.id);
                  void openGroup(row.original.id);
                }}
                onKeyDown={(e) => onRowKey(e, item.index, row.original.id)}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            );
          })}
          {padBottom > 0 && <tr style={{ height: padBottom }} aria-hidden />}
        </tbody>
      </table>
      {total === 0 && (
        <p className="empty">
          {query.text?.trim() && !/[\p{L}\p{N}_]/u.test(query.text)
            ? `The search “${query.text.trim()}” has no word or name to look for: type a function, file, module or attribute.`
            : hasFilters(query)
              ? 'No group matches the search and filters. Clear them to see every group.'
              : 'No crash groups yet: import a folder of cores.'}
        </p>
      )}
    </div>
  );
}
