import type { Crash, FacetValue, GroupDetail, Thread } from '../../shared/model';
import type { Db } from './database';
import { groupSummaries, trendStart, windowDays, TREND_DAYS } from './group-queries';
import { GroupNotesStore } from './group-notes';
import { crashingThread } from '../../shared/crashing-thread';

/** Attribute spreads are read from a group's newest crashes, so a huge group stays quick to open. */
const DETAIL_SAMPLE = 20_000;

function attributeSpread(db: Db, groupId: number): Record<string, FacetValue[]> {
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
  return Object.fromEntries(
    Object.entries(attributes).map(([key, counts]) => [
      key,
      [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
    ]),
  );
}

/** The crash that stands for a group: its first. */
export function representativeCrash(db: Db, groupId: number): Crash | null {
  const first = db.prepare('SELECT analysis FROM crashes WHERE group_id = ? ORDER BY timestamp, id LIMIT 1').get(groupId) as
    { analysis: string } | undefined;
  return first ? (JSON.parse(first.analysis) as Crash) : null;
}

function representativeStack(crash: Crash, thread: Thread): NonNullable<GroupDetail['representative']> {
  const onStack = new Set(thread.frames.map((f) => f.module));
  const buildIds = crash.modules.filter((m) => onStack.has(m.path) && m.buildId).map((m) => [m.path, m.buildId as string] as const);
  return { crashId: crash.id, frames: thread.frames, executable: crash.executable, buildIds: Object.fromEntries(buildIds) };
}

export function groupDetail(db: Db, groupId: number, now = Date.now()): GroupDetail {
  const [group] = groupSummaries(db, [groupId], now);
  if (!group) throw new Error(`no group with id ${groupId}`);
  const crash = representativeCrash(db, groupId);
  const thread = crash ? crashingThread(crash) : undefined;
  const start = trendStart(now);
  return {
    group,
    attributes: attributeSpread(db, groupId),
    representative: crash && thread ? representativeStack(crash, thread) : null,
    daily: windowDays(start, TREND_DAYS).map((day, i) => ({ day, count: group.daily[i] ?? 0 })),
    notes: new GroupNotesStore(db).get(groupId),
  };
}
