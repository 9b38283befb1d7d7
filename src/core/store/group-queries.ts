import {
  FACETS,
  type Crash,
  type Facet,
  type FacetValue,
  type GroupDetail,
  type GroupListing,
  type GroupQuery,
  type GroupStatus,
  type GroupSummary,
} from '../../shared/model';
import type { Db } from './database';
import { ftsQuery } from './search-index';

const FACET_COLUMN: Record<Facet, string> = { executable: 'executable', version: 'version', hostname: 'hostname', signal: 'signal_name' };
const FACET_LIMIT = 25;

interface GroupRow {
  id: number;
  title: string;
  fingerprint: string;
  version: number;
  mechanism: string;
  frames: string;
  status: GroupStatus;
  count: number;
  first_seen: string;
  last_seen: string;
}

const toSummary = (r: GroupRow): GroupSummary => ({
  id: r.id,
  title: r.title,
  fingerprint: r.fingerprint,
  version: r.version,
  mechanism: r.mechanism,
  frames: JSON.parse(r.frames) as string[],
  count: r.count,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  status: r.status,
});

/** WHERE clause over crashes `c` for a query, with its named parameters. */
function crashFilter(query: GroupQuery, skip?: Facet): { where: string; params: Record<string, string> } {
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
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * Groups for the triage view. Without filters the per-group counts kept on insert answer at
 * once; with filters, counts and dates are those of the matching crashes.
 */
export function listGroups(db: Db, query: GroupQuery = {}): GroupListing {
  const groups = queryGroups(db, query);
  return { groups, facets: queryFacets(db, query), crashes: groups.reduce((n, g) => n + g.count, 0) };
}

export function queryGroups(db: Db, query: GroupQuery = {}): GroupSummary[] {
  const filtered = Boolean(
    (query.text && ftsQuery(query.text)) || query.since || query.until || FACETS.some((f) => query[f] !== undefined),
  );
  const { where, params } = crashFilter(query);
  const rows = filtered
    ? (db
        .prepare(
          `SELECT g.id, g.title, g.fingerprint, g.version, g.mechanism, g.frames, g.status,
                  COUNT(*) AS count, MIN(c.timestamp) AS first_seen, MAX(c.timestamp) AS last_seen
           FROM crashes c JOIN groups g ON g.id = c.group_id ${where}
           GROUP BY g.id ORDER BY last_seen DESC`,
        )
        .all(params) as GroupRow[])
    : (db
        .prepare(
          `SELECT id, title, fingerprint, version, mechanism, frames, status, crash_count AS count, first_seen, last_seen
           FROM groups WHERE crash_count > 0 ORDER BY last_seen DESC`,
        )
        .all() as GroupRow[]);
  return rows.map(toSummary);
}

/** Counts of each facet's values among the crashes that match the rest of the query. */
export function queryFacets(db: Db, query: GroupQuery = {}): Record<Facet, FacetValue[]> {
  const facets = {} as Record<Facet, FacetValue[]>;
  for (const facet of FACETS) {
    // Each facet's counts ignore its own selection, so the other values stay visible to switch to.
    const other = crashFilter(query, facet);
    const column = FACET_COLUMN[facet];
    facets[facet] = db
      .prepare(
        `SELECT c.${column} AS value, COUNT(*) AS count FROM crashes c ${other.where}${other.where ? ' AND' : ' WHERE'} c.${column} IS NOT NULL
         GROUP BY c.${column} ORDER BY count DESC, value LIMIT ${FACET_LIMIT}`,
      )
      .all(other.params) as FacetValue[];
  }
  return facets;
}

const DAY_MS = 86_400_000;
const DETAIL_SAMPLE = 20_000;

export function groupDetail(db: Db, groupId: number, now = Date.now()): GroupDetail {
  const row = db
    .prepare(
      `SELECT id, title, fingerprint, version, mechanism, frames, status, crash_count AS count, first_seen, last_seen FROM groups WHERE id = ?`,
    )
    .get(groupId) as GroupRow | undefined;
  if (!row) throw new Error(`no group with id ${groupId}`);
  const attributes: Record<string, Map<string, number>> = {};
  const rows = db
    .prepare('SELECT attributes FROM crashes WHERE group_id = ? ORDER BY timestamp DESC LIMIT ?')
    .all(groupId, DETAIL_SAMPLE) as Array<{
    attributes: string;
  }>;
  for (const r of rows) {
    for (const [key, value] of Object.entries(JSON.parse(r.attributes) as Record<string, string>)) {
      const counts = (attributes[key] ??= new Map());
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  const first = db.prepare('SELECT analysis FROM crashes WHERE group_id = ? ORDER BY timestamp, id LIMIT 1').get(groupId) as
    { analysis: string } | undefined;
  const crash = first ? (JSON.parse(first.analysis) as Crash) : null;
  const thread = crash?.threads.find((t) => t.crashed) ?? crash?.threads[0];
  const start = new Date(Math.floor(now / DAY_MS) * DAY_MS - 29 * DAY_MS);
  const perDay = new Map(
    (
      db
        .prepare(
          'SELECT substr(timestamp, 1, 10) AS day, COUNT(*) AS count FROM crashes WHERE group_id = ? AND timestamp >= ? GROUP BY day',
        )
        .all(groupId, start.toISOString()) as Array<{ day: string; count: number }>
    ).map((d) => [d.day, d.count]),
  );
  const daily = Array.from({ length: 30 }, (_, i) => {
    const day = new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    return { day, count: perDay.get(day) ?? 0 };
  });
  return {
    group: toSummary(row),
    attributes: Object.fromEntries(
      Object.entries(attributes).map(([key, counts]) => [
        key,
        [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
      ]),
    ),
    representative: crash && thread ? { crashId: crash.id, frames: thread.frames } : null,
    daily,
  };
}
