import { FACETS, type Facet, type FacetCounts, type GroupQuery } from '../../shared/model';
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
export function crashFilter(query: GroupQuery, skip?: Facet): CrashFilter {
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  const fts = query.text ? ftsQuery(query.text) : null;
  if (fts) {
    clauses.push('c.rowid IN (SELECT rowid FROM crash_search WHERE crash_search MATCH @fts)');
    params.fts = fts;
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
  return { clauses, params };
}

export const where = (clauses: string[]): string => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

/** Counts of each facet's values among the crashes that match the rest of the query. */
export function queryFacets(db: Db, query: GroupQuery = {}): FacetCounts {
  const facets = {} as FacetCounts;
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
