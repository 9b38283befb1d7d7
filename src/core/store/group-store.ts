import type { Fingerprint } from '../fingerprint/fingerprint';
import type { CrashEvent, GroupListing, GroupQuery, GroupStatus } from '../../shared/model';
import { listGroups } from './group-queries';
import type { Db } from './database';

/** All SQL about groups and the crashes in them. Counts and dates are derived, never stored twice. */
export class GroupStore {
  constructor(private readonly db: Db) {}

  /** The group for a fingerprint, made on first sight; a resolved group hit by a newer crash regresses. */
  assign(crashId: string, fp: Fingerprint, timestamp: string): number {
    this.db
      .prepare(
        `INSERT INTO groups (fingerprint, version, title, mechanism, frames, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(fingerprint) DO NOTHING`,
      )
      .run(fp.hash, fp.version, fp.title, fp.mechanism, JSON.stringify(fp.frames), new Date().toISOString());
    const group = this.db.prepare('SELECT id, status, resolved_at FROM groups WHERE fingerprint = ?').get(fp.hash) as {
      id: number;
      status: GroupStatus;
      resolved_at: string | null;
    };
    if (group.status === 'resolved' && group.resolved_at !== null && timestamp > group.resolved_at) {
      this.db.prepare("UPDATE groups SET status = 'regressed' WHERE id = ?").run(group.id);
    }
    const previous = this.db.prepare('SELECT group_id FROM crashes WHERE id = ?').get(crashId) as { group_id: number | null } | undefined;
    this.db
      .prepare('UPDATE crashes SET group_id = ?, fingerprint = ?, fingerprint_version = ? WHERE id = ?')
      .run(group.id, fp.hash, fp.version, crashId);
    if (previous?.group_id !== group.id) {
      if (previous?.group_id != null) this.refreshStats(previous.group_id);
      this.db
        .prepare(
          `UPDATE groups SET crash_count = crash_count + 1,
             first_seen = CASE WHEN first_seen IS NULL OR ? < first_seen THEN ? ELSE first_seen END,
             last_seen = CASE WHEN last_seen IS NULL OR ? > last_seen THEN ? ELSE last_seen END
           WHERE id = ?`,
        )
        .run(timestamp, timestamp, timestamp, timestamp, group.id);
    }
    return group.id;
  }

  /** Recounts a group a crash left; the index on (group_id, timestamp) keeps it to the group's own rows. */
  private refreshStats(groupId: number): void {
    this.db
      .prepare(
        `UPDATE groups SET crash_count = (SELECT COUNT(*) FROM crashes WHERE group_id = @id),
           first_seen = (SELECT MIN(timestamp) FROM crashes WHERE group_id = @id),
           last_seen = (SELECT MAX(timestamp) FROM crashes WHERE group_id = @id)
         WHERE id = @id`,
      )
      .run({ id: groupId });
  }

  setStatus(groupId: number, status: GroupStatus): void {
    const resolvedAt = status === 'resolved' ? new Date().toISOString() : null;
    const changed = this.db.prepare('UPDATE groups SET status = ?, resolved_at = ? WHERE id = ?').run(status, resolvedAt, groupId);
    if (changed.changes === 0) throw new Error(`no group with id ${groupId}`);
  }

  list(query: GroupQuery = {}): GroupListing {
    return listGroups(this.db, query);
  }

  /** Every crash, or those of one group. */
  events(groupId?: number): CrashEvent[] {
    const columns = 'id, group_id, fingerprint, source, signal_name, executable, timestamp, attributes';
    const query =
      groupId === undefined
        ? this.db.prepare(`SELECT ${columns} FROM crashes ORDER BY timestamp, id`)
        : this.db.prepare(`SELECT ${columns} FROM crashes WHERE group_id = ? ORDER BY timestamp, id`);
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

  /** Crashes whose fingerprint was made by another algorithm version: what `crashwb regroup` redoes. */
  staleCrashIds(version: number): string[] {
    return (this.db.prepare('SELECT id FROM crashes WHERE fingerprint_version IS NOT ? ').all(version) as Array<{ id: string }>).map(
      (r) => r.id,
    );
  }

  /** Groups left without crashes after a regroup. */
  dropEmptyGroups(): number {
    return this.db.prepare('DELETE FROM groups WHERE id NOT IN (SELECT DISTINCT group_id FROM crashes WHERE group_id IS NOT NULL)').run()
      .changes;
  }
}
