import { FACETS, type Facet, type FacetCounts, type FacetValue, type GroupQuery } from '../../shared/model';
import type { Db } from './database';
import { ftsQuery } from './search-index';

export const FACET_COLUMN: Record<Facet, string> = {
  executable: 'executable',
  version: 'version',
  hostname: 'hostname',
  signal: 'signal_name',
};
const FACET_LIMIT = 25;

export interface CrashFilter {
  /** Conditions on crashes `c`, joined with AND; empty when the query filters nothing. */
  clauses: string[];
  params: Record<string, string>;
}

/** The conditions a query puts on crashes, with their named parameters; `skip` leaves one facet out. */
export function crashFilter(query: GroupQuery, skip?: Facet, skipAttribute?: string): CrashFilter {
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  const fts = query.text ? ftsQuery(query.text) : null;
  if (fts) {
    clauses.push('c.rowid IN (SELECT rowid FROM crash_search WHERE crash_search MATCH @fts)');
    params.fts = fts;
  } else if (query.text?.trim()) {
    // Typed, but no word or name in it (only quotes or punctuation): that matches no crash, rather
    // than silently every crash.
    clauses.push('0');
  }
  if (query.since) {
    clauses.push('c.timestamp >= @since');
    params.since = query.since;
  }
  if (query.until) {
    clauses.push('c.timestamp <= @until');
    params.until = query.until;
  }
  for (const facet of FACETS) {
    const value = query[facet];
    if (value === undefined || facet === skip) continue;
    clauses.push(`c.${FACET_COLUMN[facet]} = @${facet}`);
    params[facet] = value;
  }
  Object.entries(query.attributes ?? {}).forEach(([key, value], i) => {
    if (key === skipAttribute) return;
    clauses.push(`json_extract(c.attributes, @attrPath${i}) = @attrValue${i}`);
    params[`attrPath${i}`] = attributePath(key);
    params[`attrValue${i}`] = value;
  });
  return { clauses, params };
}

/** A JSON path to one attribute key, quoted so keys with dots (uname.release) stay one key. */
export const attributePath = (key: string): string => `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Attributes that have columns of their own (and facets above); the rest are counted as attributes. */
const COLUMN_ATTRIBUTES = new Set(['hostname', 'version']);
const ATTRIBUTE_KEYS = 20;

export const where = (clauses: string[]): string => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

/** Counts of each facet's values among the crashes that match the rest of the query. */
export function queryFacets(db: Db, query: GroupQuery = {}): FacetCounts {
  const facets = { attributes: attributeFacets(db, query) } as FacetCounts;
  for (const facet of FACETS) {
    // Each facet's counts ignore its own selection, so the other values stay visible to switch to.
    const filter = crashFilter(query, facet);
    const column = FACET_COLUMN[facet];
    facets[facet] = db
      .prepare(
        `SELECT c.${column} AS value, COUNT(*) AS count FROM crashes c ${where([...filter.clauses, `c.${column} IS NOT NULL`])}
         GROUP BY c.${column} ORDER BY count DESC, value LIMIT ${FACET_LIMIT}`,
      )
      .all(filter.params) as FacetCounts[Facet];
  }
  return facets;
}

/**
 * Values of every other attribute among the matching crashes, the most common keys first. A key
 * filtered on is counted without its own filter, so its other values stay visible to switch to.
 */
function attributeFacets(db: Db, query: GroupQuery): Record<string, FacetValue[]> {
  const filter = crashFilter(query);
  // Over all crashes the counts are kept as crashes come and go; only a filter needs them counted.
  const counts = (
    filter.clauses.length
      ? db
          .prepare(
            `SELECT j.key AS key, j.value AS value, COUNT(*) AS count FROM crashes c, json_each(c.attributes) j
             ${where(filter.clauses)} GROUP BY j.key, j.value ORDER BY count DESC, value`,
          )
          .all(filter.params)
      : db.prepare('SELECT key, value, count FROM attribute_counts ORDER BY count DESC, value').all()
  ) as Array<{ key: string; value: string; count: number }>;
  const byKey = new Map<string, FacetValue[]>();
  for (const row of counts) {
    if (COLUMN_ATTRIBUTES.has(row.key) || typeof row.value !== 'string') continue;
    const values = byKey.get(row.key) ?? [];
    if (values.length < FACET_LIMIT) values.push({ value: row.value, count: row.count });
    byKey.set(row.key, values);
  }
  // A filtered key would show only its chosen value; count it again without that filter.
  for (const key of Object.keys(query.attributes ?? {})) {
    const other = crashFilter(query, undefined, key);
    byKey.set(
      key,
      db
        .prepare(
          `SELECT json_extract(c.attributes, @path) AS value, COUNT(*) AS count FROM crashes c
           ${where([...other.clauses, 'json_extract(c.attributes, @path) IS NOT NULL'])} GROUP BY value ORDER BY count DESC, value LIMIT ${FACET_LIMIT}`,
        )
        .all({ ...other.params, path: attributePath(key) }) as FacetValue[],
    );
  }
  const total = (values: FacetValue[]) => values.reduce((n, v) => n + v.count, 0);
  return Object.fromEntries([...byKey].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0])).slice(0, ATTRIBUTE_KEYS));
}
