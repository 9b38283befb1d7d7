import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { GroupStatus, GroupSummary } from '../../../shared/model';
import { useCrashStore } from '../stores/crash-store';
import { useGroupsStore } from '../stores/groups-store';
import { ImportPanel } from './ImportPanel';
import { GroupFilters } from './GroupFilters';
import { GroupDetailView } from './GroupDetailView';

const STATUSES: GroupStatus[] = ['new', 'ongoing', 'resolved', 'regressed'];
const ROW_HEIGHT = 30;
const column = createColumnHelper<GroupSummary>();
const date = (iso: string): string => new Date(iso).toLocaleString();

function StatusSelect({ group }: { group: GroupSummary }) {
  const setStatus = useGroupsStore((s) => s.setStatus);
  return (
    <select
      aria-label={`Status of group ${group.id}`}
      value={group.status}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => void setStatus(group.id, e.target.value as GroupStatus)}
    >
      {STATUSES.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </select>
  );
}

const columns = [
  column.accessor('title', { header: 'Group', size: 360 }),
  column.accessor('count', { header: 'Crashes', size: 90 }),
  column.accessor('firstSeen', { header: 'First seen', cell: (c) => date(c.getValue()), size: 170 }),
  column.accessor('lastSeen', { header: 'Last seen', cell: (c) => date(c.getValue()), size: 170 }),
  column.accessor('status', { header: 'Status', cell: (c) => <StatusSelect group={c.row.original} />, size: 120 }),
];

function GroupCrashes({ onOpen }: { onOpen(id: string): void }) {
  const { events, selectedGroupId, groups, merge, moveOut, detail } = useGroupsStore();
  const group = groups.find((g) => g.id === selectedGroupId);
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
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            <button onClick={() => onOpen(e.id)}>
              {e.signal} · {date(e.timestamp)} · {e.source}
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

/** The triage table: every group, sortable by each column, rendered only where it is visible. */
export function GroupsView({ onOpenCrash }: { onOpenCrash(): void }) {
  const { groups, refresh, selectGroup, selectedGroupId, error } = useGroupsStore();
  const show = useCrashStore((s) => s.show);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'lastSeen', desc: true }]);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const table = useReactTable({
    data: groups,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <main className="groups">
      <ImportPanel />
      {error && (
        <div className="error-bar" role="alert">
          {error}
        </div>
      )}
      <GroupFilters />
      <div className="groups-table" ref={scroller}>
        <table aria-label="Crash groups">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => (
                  <th
                    key={h.id}
                    style={{ width: h.getSize() }}
                    aria-sort={h.column.getIsSorted() === 'asc' ? 'ascending' : h.column.getIsSorted() === 'desc' ? 'descending' : 'none'}
                  >
                    <button onClick={h.column.getToggleSortingHandler()}>
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      {{ asc: ' ▲', desc: ' ▼' }[h.column.getIsSorted() as string] ?? ''}
                    </button>
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && <tr style={{ height: padTop }} aria-hidden />}
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <tr
                  key={row.id}
                  style={{ height: ROW_HEIGHT }}
                  aria-selected={row.original.id === selectedGroupId}
                  onClick={() => void selectGroup(row.original.id)}
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
        {groups.length === 0 && <p className="empty">No crash groups yet: import a folder of cores.</p>}
      </div>
      <GroupCrashes
        onOpen={(id) => {
          void show(id).then(onOpenCrash);
        }}
      />
    </main>
  );
}
