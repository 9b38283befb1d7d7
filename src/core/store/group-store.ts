import { versionTag, type Fingerprint } from '../fingerprint/fingerprint';
import type { CrashEvent, FingerprintVersion, GroupListing, GroupPage, GroupQuery, GroupStatus, Histogram } from '../../shared/model';
import { queryGroups } from './group-queries';
import { groupHistograms } from './trends';
import { newestVersionKeyOf, type Db } from './database';
import { GroupNotesStore } from './group-notes';

/** A stored crash where it is: its group and the group's title, its fingerprint, its analysis as stored. */
export interface Membership {
  crashId: string;
  groupId: number | null;
  title: string;
  fingerprint: string | null;
  analysis: string;
}

/**
 * Whether a crash counts against a resolution. Crash times are often known to the second only
 * (minidumps, AppScope's info) or from the kernel's coarse file clock, a few milliseconds behind
 * the one that stamped the resolution: a crash in the very second a group was resolved counts as
 * after it, since a regression missed is worse than one shown that a person can resolve again.
 */
export function crashedSinceResolved(timestamp: string, resolvedAt: string): boolean {
  const crashed = Date.parse(timestamp);
  const resolved = Date.parse(resolvedAt);
  if (!Number.isFinite(crashed) || !Number.isFinite(resolved)) return timestamp > resolvedAt;
  return Math.floor(crashed / 1000) >= Math.floor(resolved / 1000);
}

/** All SQL about groups and the crashes in them. Counts and dates are derived, never stored twice. */
export class GroupStore {
  readonly notes: GroupNotesStore;

  constructor(private readonly db: Db) {
    this.notes = new GroupNotesStore(db);
  }

  /**
   * The group for a crash: the one a person pinned it to, else the one its fingerprint was
   * merged into, else the fingerprint's own group, made on first sight. A resolved group hit by
   * a newer crash regresses.
   */
  assign(crashId: string, fp: Fingerprint, timestamp: string): number {
    this.db
      .prepare(
        `INSERT INTO groups (fingerprint, version, title, mechanism, frames, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(fingerprint) DO NOTHING`,
      )
      .run(fp.hash, versionTag(fp), fp.title, fp.mechanism, JSON.stringify(fp.frames), new Date().toISOString());
    const groupId =
      (this.db.prepare('SELECT group_id FROM crash_pins WHERE crash_id = ?').get(crashId) as { group_id: number } | undefined)?.group_id ??
      (this.db.prepare('SELECT group_id FROM group_links WHERE fingerprint = ?').get(fp.hash) as { group_id: number } | undefined)
        ?.group_id ??
      (this.db.prepare('SELECT id FROM groups WHERE fingerprint = ?').get(fp.hash) as { id: number }).id;
    const group = this.db.prepare('SELECT id, status, resolved_at FROM groups WHERE id = ?').get(groupId) as {
      id: number;
      status: GroupStatus;
      resolved_at: string | null;
    };
    if (group.status === 'resolved' && group.resolved_at !== null && crashedSinceResolved(timestamp, group.resolved_at)) {
      this.db.prepare("UPDATE groups SET status = 'regressed' WHERE id = ?").run(group.id);
    }
    this.db.prepare('UPDATE crashes SET fingerprint = ?, fingerprint_version = ? WHERE id = ?').run(fp.hash, versionTag(fp), crashId);
    this.place(crashId, group.id, timestamp);
    return group.id;
  }

  /** Puts a crash in a group, keeping both groups' counts and dates right. */
  private place(crashId: string, groupId: number, timestamp: string): void {
    const previous = this.db.prepare('SELECT group_id FROM crashes WHERE id = ?').get(crashId) as { group_id: number | null } | undefined;
    if (previous?.group_id === groupId) return;
    this.db.prepare('UPDATE crashes SET group_id = ? WHERE id = ?').run(groupId, crashId);
    if (previous?.group_id != null) this.refreshStats(previous.group_id);
    // A value counts as new to the group when no other crash of the group has it (indexes on (group_id, value)).
    this.db
      .prepare(
        `UPDATE groups SET
           version_count = version_count + (SELECT c.version IS NOT NULL AND NOT EXISTS
             (SELECT 1 FROM crashes o WHERE o.group_id = @group AND o.version = c.version AND o.id != c.id) FROM crashes c WHERE c.id = @crash),
           host_count = host_count + (SELECT c.hostname IS NOT NULL AND NOT EXISTS
             (SELECT 1 FROM crashes o WHERE o.group_id = @group AND o.hostname = c.hostname AND o.id != c.id) FROM crashes c WHERE c.id = @crash),
           newest_version_key = (SELECT CASE WHEN k IS NULL OR newest_version_key >= k THEN newest_version_key ELSE k END
             FROM (SELECT version_key(c.version) AS k FROM crashes c WHERE c.id = @crash))
         WHERE id = @group`,
      )
      .run({ group: groupId, crash: crashId });
    this.db
      .prepare(
        `UPDATE groups SET crash_count = crash_count + 1,
           first_seen = CASE WHEN first_seen IS NULL OR ? < first_seen THEN ? ELSE first_seen END,
           last_seen = CASE WHEN last_seen IS NULL OR ? > last_seen THEN ? ELSE last_seen END
         WHERE id = ?`,
      )
      .run(timestamp, timestamp, timestamp, timestamp, groupId);
  }

  /** Merges one group into another, for good: its fingerprints lead to the target from now on. */
  merge(sourceId: number, targetId: number): void {
    if (sourceId === targetId) throw new Error('a group cannot be merged into itself');
    const source = this.db.prepare('SELECT fingerprint FROM groups WHERE id = ?').get(sourceId) as { fingerprint: string } | undefined;
    if (!source) throw new Error(`no group with id ${sourceId}`);
    if (!this.db.prepare('SELECT 1 FROM groups WHERE id = ?').get(targetId)) throw new Error(`no group with id ${targetId}`);
    this.db
      .prepare(
        'INSERT INTO group_links (fingerprint, group_id) VALUES (?, ?) ON CONFLICT(fingerprint) DO UPDATE SET group_id = excluded.group_id',
      )
      .run(source.fingerprint, targetId);
    this.db.prepare('UPDATE group_links SET group_id = ? WHERE group_id = ?').run(targetId, sourceId);
    this.db.prepare('UPDATE crash_pins SET group_id = ? WHERE group_id = ?').run(targetId, sourceId);
    this.db.prepare('UPDATE crashes SET group_id = ? WHERE group_id = ?').run(targetId, sourceId);
    this.notes.carry(sourceId, targetId);
    this.refreshStats(sourceId);
    this.refreshStats(targetId);
  }

  /** Moves a crash out of its group into a new group of its own, and keeps it there. */
  moveToNewGroup(crashId: string): number {
    const crash = this.db
      .prepare('SELECT c.timestamp, g.title, g.mechanism, g.frames FROM crashes c JOIN groups g ON g.id = c.group_id WHERE c.id = ?')
      .get(crashId) as { timestamp: string; title: string; mechanism: string; frames: string } | undefined;
    if (!crash) throw new Error(`no grouped crash with id ${crashId}`);
    const created = this.db
      .prepare('INSERT INTO groups (fingerprint, version, title, mechanism, frames, created_at) VALUES (?, 0, ?, ?, ?, ?)')
      .run(`manual:${crashId}`, `${crash.title} (split off)`, crash.mechanism, crash.frames, new Date().toISOString());
    const groupId = Number(created.lastInsertRowid);
    this.db
      .prepare('INSERT INTO crash_pins (crash_id, group_id) VALUES (?, ?) ON CONFLICT(crash_id) DO UPDATE SET group_id = excluded.group_id')
      .run(crashId, groupId);
    this.place(crashId, groupId, crash.timestamp);
    return groupId;
  }

  /** Recounts a group a crash left; the index on (group_id, timestamp) keeps it to the group's own rows. */
  refreshStats(groupId: number): void {
    this.db
      .prepare(
        `UPDATE groups SET crash_count = (SELECT COUNT(*) FROM crashes WHERE group_id = @id),
           first_seen = (SELECT MIN(timestamp) FROM crashes WHERE group_id = @id),
           last_seen = (SELECT MAX(timestamp) FROM crashes WHERE group_id = @id),
           version_count = (SELECT COUNT(DISTINCT version) FROM crashes WHERE group_id = @id),
           host_count = (SELECT COUNT(DISTINCT hostname) FROM crashes WHERE group_id = @id),
           newest_version_key = (${newestVersionKeyOf('@id')})
         WHERE id = @id`,
      )
      .run({ id: groupId });
  }

  setStatus(groupId: number, status: GroupStatus): void {
    const resolvedAt = status === 'resolved' ? new Date().toISOString() : null;
    const changed = this.db.prepare('UPDATE groups SET status = ?, resolved_at = ? WHERE id = ?').run(status, resolvedAt, groupId);
    if (changed.changes === 0) throw new Error(`no group with id ${groupId}`);
  }

  list(query: GroupQuery = {}, page?: GroupPage): GroupListing {
    return queryGroups(this.db, query, page);
  }

  /** One attribute's values inside each group, among the crashes that match the query. */
  histograms(query: GroupQuery, attribute: string, groupIds: number[]): Map<number, Histogram> {
    return groupHistograms(this.db, query, attribute, groupIds);
  }

  title(groupId: number): string {
    const row = this.db.prepare('SELECT title FROM groups WHERE id = ?').get(groupId) as { title: string } | undefined;
    if (!row) throw new Error(`no group with id ${groupId}`);
    return row.title;
  }

  /** The group a crash is in and the fingerprint that put it there. */
  groupOf(crashId: string): { groupId: number | null; fingerprint: string | null; fingerprintVersion: FingerprintVersion | null } {
    const row = this.db.prepare('SELECT group_id, fingerprint, fingerprint_version FROM crashes WHERE id = ?').get(crashId) as
      { group_id: number | null; fingerprint: string | null; fingerprint_version: FingerprintVersion | null } | undefined;
    if (!row) throw new Error(`no crash with id ${crashId}`);
    return { groupId: row.group_id, fingerprint: row.fingerprint, fingerprintVersion: row.fingerprint_version };
  }

  /** Every crash, or those of one group (oldest first), or its `newest` crashes (newest first). */
  events(groupId?: number, newest?: number): CrashEvent[] {
    const columns = 'id, group_id, fingerprint, source, signal_name, executable, timestamp, attributes';
    const query =
      groupId === undefined
        ? this.db.prepare(`SELECT ${columns} FROM crashes ORDER BY timestamp, id`)
        : newest === undefined
          ? this.db.prepare(`SELECT ${columns} FROM crashes WHERE group_id = ? ORDER BY timestamp, id`)
          : this.db.prepare(
              `SELECT ${columns} FROM crashes WHERE group_id = ? ORDER BY timestamp DESC, id DESC LIMIT ${Math.trunc(newest)}`,
            );
    const rows = (groupId === undefined ? query.all() : query.all(groupId)) as Array<{
      id: string;
      group_id: number | null;
      fingerprint: string | null;
      source: string;
      signal_name: string;
      executable: string | null;
      timestamp: string;
      attributes: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      groupId: r.group_id,
      fingerprint: r.fingerprint,
      source: r.source,
      signal: r.signal_name,
      executable: r.executable,
      timestamp: r.timestamp,
      attributes: JSON.parse(r.attributes) as Record<string, string>,
    }));
  }

  /** Every crash with its group, that group's title, its stored fingerprint and analysis, read in one pass: what a regroup goes through. */
  membershipsWithAnalyses(): IterableIterator<Membership> {
    return this.db
      .prepare(
        "SELECT c.id AS crashId, c.group_id AS groupId, COALESCE(g.title, '') AS title, c.fingerprint, c.analysis FROM crashes c LEFT JOIN groups g ON g.id = c.group_id",
      )
      .iterate() as IterableIterator<Membership>;
  }

  /** Groups left without crashes after a regroup. */
  dropEmptyGroups(): number {
    return this.db.prepare('DELETE FROM groups WHERE id NOT IN (SELECT DISTINCT group_id FROM crashes WHERE group_id IS NOT NULL)').run()
      .changes;
  }
}
