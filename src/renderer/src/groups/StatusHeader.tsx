import type { GroupStatus } from '../../../shared/model';
import { useGroupsStore } from '../stores/groups-store';

/** What needs attention first, the order the list's header gives them in. */
const SHOWN: Array<[GroupStatus | undefined, string]> = [
  [undefined, 'All'],
  ['new', 'New'],
  ['regressed', 'Regressed'],
  ['ongoing', 'Ongoing'],
  ['resolved', 'Resolved'],
];

/** The list's header: how many groups are new and regressed among those matching, and a switch to show only them. */
export function StatusHeader() {
  const { byStatus, query, setQuery } = useGroupsStore();
  const all = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return (
    <div className="status-header" role="group" aria-label="Show groups by status">
      {SHOWN.map(([status, label]) => {
        const count = status ? byStatus[status] : all;
        return (
          <button
            key={label}
            className={`status-tab${status ? ` status-${status}` : ''}`}
            aria-pressed={query.status === status}
            onClick={() => setQuery({ status })}
          >
            {label} <span className="count">{count}</span>
          </button>
        );
      })}
    </div>
  );
}
