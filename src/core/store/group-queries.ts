import {
  GROUP_STATUSES,
  type FacetValue,
  type GroupListing,
  type GroupPage,
  type GroupQuery,
  type GroupSort,
  type GroupStatus,
  type GroupSummary,
} from '../../shared/model';
import { crashFilter, where, type CrashFilter } from './crash-filter';
import type { Db } from './database';

export const DAY_MS = 86_400_000;
export const TREND_DAYS = 30;
/** How many of a group's versions and hosts a summary names; the rest are counted. */
const TOP_VALUES = 3;

export interface GroupRow {
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

const GROUP_COLUMNS = 'g.id, g.title, g.fingerprint, g.version, g.mechanism, g.frames, g.status';
/** A GroupRow over all of a group's crashes, from its kept counts and dates. */
export const GROUP_ROW = `${GROUP_COLUMNS}, g.crash_count AS count, g.first_seen, g.last_seen`;

/** Status order for sorting: what needs attention first. */
const STATUS_RANK = `CASE status WHEN 'regressed' THEN 0 WHEN 'new' THEN 1 WHEN 'ongoing' THEN 2 ELSE 3 END`;

const SORT_KEY: Record<GroupSort, string> = {
  title: 'title COLLATE NOCASE',
  count: 'count',
  firstSeen: 'first_seen',
  lastSeen: 'last_seen',
  status: STATUS_RANK,
  // By the newest version a group was seen in (as versions sort: 2.10 after 2.9), then by how many.
  versions: 'newest, versions',
  hosts: 'hosts',
  trend: 'trend',
};

const NEEDS_AGGREGATES = new Set<GroupSort>(['versions', 'hosts', 'trend']);

/** The first day of a window of `days` days ending today, midnight UTC: by default the sparkline's 30. */
export function trendStart(now: number, days = TREND_DAYS): number {
  return Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
}

/** The groups whose crashes match the query: all of them, or a sorted window when `page` is given. */
export function queryGroups(db: Db, query: GroupQuery = {}, page?: GroupPage, now = Date.now()): GroupListing {
  const sort = page?.sort ?? 'lastSeen';
  const filter = crashFilter(query);
  const params: Record<string, string | number> = { ...filter.params, recent: new Date(trendStart(now)).toISOString() };
  const aggregates = NEEDS_AGGREGATES.has(sort);
  const matched = filter.clauses.length
    ? `SELECT ${GROUP_COLUMNS}, COUNT(*) AS count, MIN(c.timestamp) AS first_seen, MAX(c.timestamp) AS last_seen
              ${aggregates ? ', COUNT(DISTINCT c.version) AS versions, COUNT(DISTINCT c.hostname) AS hosts, SUM(c.timestamp >= @recent) AS trend, MAX(version_key(c.version)) AS newest' : ''}
       FROM crashes c JOIN groups g ON g.id = c.group_id ${where(filter.clauses)} GROUP BY g.id`
    : sort === 'trend'
      ? `SELECT ${GROUP_COLUMNS}, g.crash_count AS count, g.first_seen, g.last_seen, COALESCE(t.trend, 0) AS trend
         FROM groups g LEFT JOIN (SELECT group_id, COUNT(*) AS trend FROM crashes WHERE timestamp >= @recent GROUP BY group_id) t
           ON t.group_id = g.id
         WHERE g.crash_count > 0`
      : `SELECT ${GROUP_COLUMNS}, g.crash_count AS count, g.first_seen, g.last_seen, g.version_count AS versions, g.host_count AS hosts
                ${sort === 'versions' ? ', g.newest_version_key AS newest' : ''}
         FROM groups g WHERE g.crash_count > 0`;
  let window = '';
  if (page) {
    window = 'LIMIT @limit OFFSET @offset';
    params.limit = page.limit;
    params.offset = page.offset;
  }
  if (query.status) params.status = query.status;
  const shown = query.status ? 'WHERE status = @status' : '';
  const rows = db
    .prepare(
      `WITH matched AS (${matched})
       SELECT *, COUNT(*) OVER () AS total, SUM(count) OVER () AS crashes FROM matched ${shown}
       ORDER BY ${SORT_KEY[sort]
         .split(', ')
         .map((key) => `${key} ${page?.desc === false ? 'ASC' : 'DESC'}`)
         .join(', ')}, id ${window}`,
    )
    .all(params) as Array<GroupRow & { total: number; crashes: number }>;
  let total = rows[0]?.total ?? 0;
  let crashes = rows[0]?.crashes ?? 0;
  if (rows.length === 0 && page && page.offset > 0) {
    // A window past the end says nothing of the whole; count it apart.
    const whole = db
      .prepare(`WITH matched AS (${matched}) SELECT COUNT(*) AS total, SUM(count) AS crashes FROM matched ${shown}`)
      .get(params) as {
      total: number;
      crashes: number | null;
    };
    total = whole.total;
    crashes = whole.crashes ?? 0;
  }
  const byStatus = Object.fromEntries(GROUP_STATUSES.map((status) => [status, 0])) as Record<GroupStatus, number>;
  // Counted over the matching groups alone, without the columns a sort needed (a second pass over every crash for the trend).
  const statuses = db
    .prepare(
      filter.clauses.length
        ? `SELECT g.status, COUNT(DISTINCT g.id) AS n FROM crashes c JOIN groups g ON g.id = c.group_id ${where(filter.clauses)} GROUP BY g.status`
        : 'SELECT status, COUNT(*) AS n FROM groups WHERE crash_count > 0 GROUP BY status',
    )
    .all(filter.params) as Array<{ status: GroupStatus; n: number }>;
  for (const { status, n } of statuses) byStatus[status] = n;
  return { groups: summarize(db, rows, filter, now), total, crashes, byStatus };
}

/** The dates (YYYY-MM-DD) of `days` days from `start` on. */
export function windowDays(start: number, days: number): string[] {
  return Array.from({ length: days }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}

/** The summaries of the given groups, over all their crashes, in the order given; unknown ids are left out. */
export function groupSummaries(db: Db, ids: number[], now = Date.now()): GroupSummary[] {
  const rows = db
    .prepare(`SELECT ${GROUP_ROW} FROM groups g WHERE g.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as GroupRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return summarize(
    db,
    ids.flatMap((id) => byId.get(id) ?? []),
    { clauses: [], params: {} },
    now,
  );
}

/** Turns group rows into summaries with their versions, hosts and last 30 days, among the crashes that match. */
export function summarize(db: Db, rows: GroupRow[], filter: CrashFilter, now = Date.now()): GroupSummary[] {
  if (rows.length === 0) return [];
  const params = { ...filter.params, ids: JSON.stringify(rows.map((r) => r.id)), start: new Date(trendStart(now)).toISOString() };
  const inPage = ['c.group_id IN (SELECT value FROM json_each(@ids))', ...filter.clauses];
  const spread = (column: string) => {
    const byGroup = new Map<number, FacetValue[]>();
    const values = db
      .prepare(
        `SELECT c.group_id AS id, c.${column} AS value, COUNT(*) AS count FROM crashes c
         ${where([...inPage, `c.${column} IS NOT NULL`])} GROUP BY c.group_id, c.${column} ORDER BY count DESC, value`,
      )
      .all(params) as Array<FacetValue & { id: number }>;
    for (const v of values) {
      const list = byGroup.get(v.id) ?? [];
      list.push({ value: v.value, count: v.count });
      byGroup.set(v.id, list);
    }
    return byGroup;
  };
  const versions = spread('version');
  const hosts = spread('hostname');
  const daily = new Map<number, number[]>();
  const start = trendStart(now);
  const days = db
    .prepare(
      `SELECT c.group_id AS id, substr(c.timestamp, 1, 10) AS day, COUNT(*) AS count FROM crashes c
       ${where([...inPage, 'c.timestamp >= @start'])} GROUP BY c.group_id, day`,
    )
    .all(params) as Array<{ id: number; day: string; count: number }>;
  for (const d of days) {
    const index = Math.round((Date.parse(`${d.day}T00:00:00Z`) - start) / DAY_MS);
    if (index < 0 || index >= TREND_DAYS) continue;
    const counts = daily.get(d.id) ?? new Array<number>(TREND_DAYS).fill(0);
    counts[index] = (counts[index] ?? 0) + d.count;
    daily.set(d.id, counts);
  }
  const notes = new Map(
    (
      db.prepare('SELECT group_id AS id, ticket, text FROM group_notes WHERE group_id IN (SELECT value FROM json_each(@ids))').all({
        ids: params.ids,
      }) as Array<{ id: number; ticket: string | null; text: string }>
    ).map((n) => [n.id, n]),
  );
  return rows.map((r) => {
    const v = versions.get(r.id) ?? [];
    const h = hosts.get(r.id) ?? [];
    return {
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
      versions: v.slice(0, TOP_VALUES),
      versionCount: v.length,
      hosts: h.slice(0, TOP_VALUES),
      hostCount: h.length,
      daily: daily.get(r.id) ?? new Array<number>(TREND_DAYS).fill(0),
      ticket: notes.get(r.id)?.ticket ?? null,
      hasNotes: Boolean(notes.get(r.id)?.text.trim()),
    };
  });
}
