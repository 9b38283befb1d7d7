import { useEffect, useState } from 'react';
import { FACETS, type Facet } from '../../../shared/model';
import { useGroupsStore } from '../stores/groups-store';
import { plural } from '../widgets/plural';
import { GroupingRulesButton } from './GroupingRulesDialog';

const RANGES: Array<[label: string, hours: number | null]> = [
  ['All time', null],
  ['Last 24 hours', 24],
  ['Last 7 days', 24 * 7],
  ['Last 30 days', 24 * 30],
];
const FACET_LABEL: Record<Facet, string> = { executable: 'Executable', version: 'Version', hostname: 'Host', signal: 'Signal' };

/** Full-text search, a time range and facets with their counts. */
export function GroupFilters() {
  const { query, facets, setQuery, matching, total } = useGroupsStore();
  const [text, setText] = useState(query.text ?? '');
  const [range, setRange] = useState<number | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => {
      if (text !== (query.text ?? '')) setQuery({ text });
    }, 200);
    return () => clearTimeout(timer);
  }, [text, query.text, setQuery]);

  return (
    <div className="group-filters" role="search">
      <input
        type="search"
        aria-label="Search crashes"
        placeholder="Search functions, files, modules, attributes…"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <select
        aria-label="Time range"
        value={range ?? ''}
        onChange={(e) => {
          const hours = e.target.value ? Number(e.target.value) : null;
          setRange(hours);
          setQuery({ since: hours ? new Date(Date.now() - hours * 3_600_000).toISOString() : undefined });
        }}
      >
        {RANGES.map(([label, hours]) => (
          <option key={label} value={hours ?? ''}>
            {label}
          </option>
        ))}
      </select>
      {FACETS.map((facet) => (
        <select
          key={facet}
          aria-label={FACET_LABEL[facet]}
          value={query[facet] ?? ''}
          onChange={(e) => setQuery({ [facet]: e.target.value || undefined })}
        >
          <option value="">{FACET_LABEL[facet]}: any</option>
          {(facets[facet] ?? []).map((v) => (
            <option key={v.value} value={v.value}>
              {v.value} ({v.count})
            </option>
          ))}
        </select>
      ))}
      {Object.entries(facets.attributes ?? {}).map(([key, values]) => (
        <select
          key={`attr-${key}`}
          aria-label={`Attribute ${key}`}
          value={query.attributes?.[key] ?? ''}
          onChange={(e) => {
            const attributes = { ...query.attributes };
            if (e.target.value) attributes[key] = e.target.value;
            else delete attributes[key];
            setQuery({ attributes: Object.keys(attributes).length ? attributes : undefined });
          }}
        >
          <option value="">{key}: any</option>
          {values.map((v) => (
            <option key={v.value} value={v.value}>
              {v.value} ({v.count})
            </option>
          ))}
        </select>
      ))}
      <span className="muted" role="status" aria-label="Matching">
        {plural(total, 'group')} · {plural(matching, 'crash', 'crashes')}
      </span>
      <GroupingRulesButton />
    </div>
  );
}
