import type { DayCount, GroupQuery, Histogram, Trends } from '../../shared/model';
import { FACET_COLUMN, attributePath, crashFilter, where } from './crash-filter';
import type { Db } from './database';
import { GROUP_ROW, summarize, trendStart, windowDays, type GroupRow } from './group-queries';

const HISTOGRAM_VALUES = 50;

/** Crashes per day over the last `days` days (today included), days without crashes as zeros. */
function dailyCounts(db: Db, query: GroupQuery, days: number, now: number): DayCount[] {
  const start = trendStart(now, days);
  const filter = crashFilter(query);
  const rows = db
    .prepare(
      `SELECT substr(c.timestamp, 1, 10) AS day, COUNT(*) AS count FROM crashes c
       ${where([...filter.clauses, 'c.timestamp >= @trendStart'])} GROUP BY day`,
    )
    .all({ ...filter.params, trendStart: new Date(start).toISOString() }) as DayCount[];
  const counts = new Map(rows.map((r) => [r.day, r.count]));
  return windowDays(start, days).map((day) => ({ day, count: counts.get(day) ?? 0 }));
}

/** At most this many groups are listed as new, and as regressed, in one window. */
const MAX_LISTED = 500;

/** The trend over a window: per day, the groups that first crashed in it, and the regressed ones that crashed in it. */
export function trends(db: Db, query: GroupQuery, days: number, now = Date.now()): Trends {
  const since = new Date(trendStart(now, days)).toISOString();
  // Whether a group is new is its first crash ever, so candidates come from the groups' own dates.
  const candidates = db
    .prepare(
      `SELECT ${GROUP_ROW} FROM groups g WHERE g.crash_count > 0 AND (g.first_seen >= @since OR (g.status = 'regressed' AND g.last_seen >= @since))
       ORDER BY g.last_seen DESC LIMIT ${2 * MAX_LISTED}`,
    )
    .all({ since }) as GroupRow[];
  const filter = crashFilter({ ...query, since: query.since && query.since > since ? query.since : since });
  // Under the view's filters, a group counts when one of its crashes in the window matches them.
  const matching = new Set(
    (
      db
        .prepare(
          `SELECT DISTINCT c.group_id AS id FROM crashes c ${where([...filter.clauses, 'c.group_id IN (SELECT value FROM json_each(@trendGroups))'])}`,
        )
        .all({ ...filter.params, trendGroups: JSON.stringify(candidates.map((g) => g.id)) }) as Array<{ id: number }>
    ).map((r) => r.id),
  );
  const listed = summarize(
    db,
    candidates.filter((g) => matching.has(g.id)),
    filter,
    now,
  );
  return {
    days,
    daily: dailyCounts(db, query, days, now),
    newGroups: listed.filter((g) => g.status !== 'regressed').slice(0, MAX_LISTED),
    regressed: listed.filter((g) => g.status === 'regressed').slice(0, MAX_LISTED),
  };
}

/** Which SQL gives an attribute's value: a column for the facets, the JSON attributes otherwise. */
function valueSql(attribute: string): { sql: string; params: Record<string, string> } {
  return Object.hasOwn(FACET_COLUMN, attribute)
    ? { sql: `c.${FACET_COLUMN[attribute as keyof typeof FACET_COLUMN]}`, params: {} }
    : { sql: 'json_extract(c.attributes, @histogramPath)', params: { histogramPath: attributePath(attribute) } };
}

/** Values of one attribute among the crashes that match, most common first. */
export function histogram(db: Db, query: GroupQuery, attribute: string): Histogram {
  const filter = crashFilter(query);
  const value = valueSql(attribute);
  const rows = db
    .prepare(
      `SELECT ${value.sql} AS value, COUNT(*) AS count FROM crashes c ${where(filter.clauses)}
       GROUP BY value ORDER BY count DESC, value`,
    )
    .all({ ...filter.params, ...value.params }) as Array<{ value: string | number | null; count: number }>;
  return {
    attribute,
    values: rows
      .filter((r) => r.value !== null)
      .slice(0, HISTOGRAM_VALUES)
      .map((r) => ({ value: String(r.value), count: r.count })),
    missing: rows.find((r) => r.value === null)?.count ?? 0,
  };
}

/** The histogram of an attribute inside each of the given groups, for `crashwb groups --histogram`. */
export function groupHistograms(db: Db, query: GroupQuery, attribute: string, groupIds: number[]): Map<number, Histogram> {
  const filter = crashFilter(query);
  const value = valueSql(attribute);
  const rows = db
    .prepare(
      `SELECT c.group_id AS id, ${value.sql} AS value, COUNT(*) AS count FROM crashes c
       ${where([...filter.clauses, 'c.group_id IN (SELECT value FROM json_each(@histogramGroups))'])}
       GROUP BY c.group_id, value ORDER BY count DESC, value`,
    )
    .all({ ...filter.params, ...value.params, histogramGroups: JSON.stringify(groupIds) }) as Array<{
    id: number;
    value: string | number | null;
    count: number;
  }>;
  const out = new Map<number, Histogram>(groupIds.map((id) => [id, { attribute, values: [], missing: 0 }]));
  for (const r of rows) {
    const h = out.get(r.id);
    if (!h) continue;
    if (r.value === null) h.missing += r.count;
    else if (h.values.length < HISTOGRAM_VALUES) h.values.push({ value: String(r.value), count: r.count });
  }
  return out;
}
