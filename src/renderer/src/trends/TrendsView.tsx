import { useEffect, useMemo, useState } from 'react';
import { FACETS, type GroupQuery, type GroupSummary, type Histogram, type Trends } from '../../../shared/model';
import { triageRequests } from '../stores/triage-store';
import { useGroupsStore } from '../stores/groups-store';
import { DailyChart } from '../widgets/DailyChart';
import { plural } from '../widgets/plural';
import { useRovingList } from '../widgets/roving';

const WINDOWS = [7, 30, 90];
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function HistogramBars({ histogram }: { histogram: Histogram }) {
  const rows = [...histogram.values, ...(histogram.missing ? [{ value: '(none)', count: histogram.missing }] : [])];
  const peak = Math.max(1, ...rows.map((r) => r.count));
  return (
    <table className="histogram" aria-label={`Histogram of ${histogram.attribute}`}>
      <tbody>
        {rows.map((r) => (
          <tr key={r.value}>
            <th>{r.value}</th>
            <td>
              <span className="histogram-bar" style={{ width: `${Math.max(1, (r.count / peak) * 100)}%` }} />
            </td>
            <td className="count">{r.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GroupList({ label, groups, onOpen }: { label: string; groups: GroupSummary[]; onOpen(id: number): void }) {
  const { itemProps, selected } = useRovingList(groups.length, (i) => {
    const group = groups[i];
    if (group) onOpen(group.id);
  });
  return (
    <section aria-label={label} className="panel">
      <h2>
        {label} ({groups.length})
      </h2>
      {groups.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul role="listbox" aria-label={label} className="group-list">
          {groups.map((g, i) => (
            <li key={g.id} role="option" aria-selected={i === selected} onClick={() => onOpen(g.id)} {...itemProps(i)}>
              <span className="group-list-title">
                #{g.id} {g.title}
              </span>{' '}
              <span className="muted">
                {plural(g.count, 'crash', 'crashes')} · first {new Date(g.firstSeen).toLocaleDateString()}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** How crashing goes, under the triage view's filters: per day, by attribute, and what is new or back. */
/** The Groups filters in force, in words, or null when none narrows the crashes. */
function describeFilters(query: GroupQuery): string | null {
  const parts = [
    query.text && `search “${query.text}”`,
    query.since && `since ${query.since.slice(0, 10)}`,
    query.until && `until ${query.until.slice(0, 10)}`,
    query.executable && `executable ${query.executable}`,
    query.version && `version ${query.version}`,
    query.hostname && `host ${query.hostname}`,
    query.signal && `signal ${query.signal}`,
    ...Object.entries(query.attributes ?? {}).map(([k, v]) => `${k}=${v}`),
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

export function TrendsView({ onOpenGroup }: { onOpenGroup(): void }) {
  const { query: groupsQuery, facets, openGroup, setQuery } = useGroupsStore();
  // Trends count crashes, whatever their group's triage state: the list's status filter is not theirs.
  const query = useMemo(() => ({ ...groupsQuery, status: undefined }), [groupsQuery]);
  const filters = describeFilters(query);
  const [days, setDays] = useState(30);
  const [attribute, setAttribute] = useState('version');
  const [trends, setTrends] = useState<Trends | null>(null);
  const [histogram, setHistogram] = useState<Histogram | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    Promise.all([triageRequests.getTrends(query, days), triageRequests.getHistogram(query, attribute)]).then(
      ([t, h]) => current && (setTrends(t), setHistogram(h), setError(null)),
      (e: unknown) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [query, days, attribute]);
  const attributes = [...FACETS, ...Object.keys(facets.attributes ?? {})];
  const open = (id: number): void => {
    onOpenGroup();
    void openGroup(id);
  };
  const total = trends?.daily.reduce((n, d) => n + d.count, 0) ?? 0;
  return (
    <main className="trends">
      <div className="trends-controls">
        <label>
          Window{' '}
          <select aria-label="Days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {WINDOWS.map((d) => (
              <option key={d} value={d}>
                last {d} days
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Histogram of{' '}
          <select aria-label="Histogram attribute" value={attribute} onChange={(e) => setAttribute(e.target.value)}>
            {[...new Set(attributes)].map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
      </div>
      {filters && (
        <p className="filters-notice" role="status">
          Counted among the crashes the Groups filters match: {filters}.{' '}
          <button
            onClick={() =>
              setQuery({
                text: undefined,
                since: undefined,
                until: undefined,
                executable: undefined,
                version: undefined,
                hostname: undefined,
                signal: undefined,
                attributes: undefined,
              })
            }
          >
            Clear the filters
          </button>
        </p>
      )}
      {error && (
        <div className="error-bar" role="alert">
          {error}
        </div>
      )}
      {trends && (
        <section aria-label="Crashes per day" className="panel">
          <h2>
            Crashes per day: {plural(total, 'crash', 'crashes')} in the last {days} days
          </h2>
          <DailyChart label="Crashes per day" counts={trends.daily.map((d) => d.count)} days={trends.daily.map((d) => d.day)} />
        </section>
      )}
      {histogram && (
        <section aria-label="Attribute histogram" className="panel">
          <h2>{histogram.attribute}</h2>
          <HistogramBars histogram={histogram} />
        </section>
      )}
      {trends && (
        <div className="trend-groups">
          <GroupList label="New groups" groups={trends.newGroups} onOpen={open} />
          <GroupList label="Regressed groups" groups={trends.regressed} onOpen={open} />
        </div>
      )}
    </main>
  );
}
