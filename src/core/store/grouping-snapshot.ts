import { newestVersionKeyOf, type Db } from './database';

type Row = Record<string, unknown>;

/** The whole grouping of a database, as it was before a change of rules: what undoing it puts back. */
export interface GroupingSnapshot {
  groups: Row[];
  links: Row[];
  pins: Row[];
  notes: Row[];
  /** [crash id, group id, fingerprint, fingerprint version] */
  crashes: Array<[string, number | null, string | null, number | string | null]>;
}

export function takeSnapshot(db: Db): GroupingSnapshot {
  return {
    groups: db.prepare('SELECT * FROM groups').all() as Row[],
    links: db.prepare('SELECT * FROM group_links').all() as Row[],
    pins: db.prepare('SELECT * FROM crash_pins').all() as Row[],
    notes: db.prepare('SELECT * FROM group_notes').all() as Row[],
    crashes: (
      db.prepare('SELECT id, group_id, fingerprint, fingerprint_version FROM crashes').all() as Array<{
        id: string;
        group_id: number | null;
        fingerprint: string | null;
        fingerprint_version: number | string | null;
      }>
    ).map((c) => [c.id, c.group_id, c.fingerprint, c.fingerprint_version]),
  };
}

function insertAll(db: Db, table: string, rows: Row[]): void {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  for (const row of rows) insert.run(row);
}

/**
 * Puts a snapshot back, in the caller's transaction. Crashes stored since it was taken are
 * returned: their caller assigns them by the rules put back.
 */
export function restoreSnapshot(db: Db, snapshot: GroupingSnapshot): string[] {
  db.prepare('UPDATE crashes SET group_id = NULL').run();
  for (const table of ['group_notes', 'crash_pins', 'group_links', 'groups']) db.prepare(`DELETE FROM ${table}`).run();
  insertAll(db, 'groups', snapshot.groups);
  insertAll(db, 'group_links', snapshot.links);
  insertAll(db, 'crash_pins', snapshot.pins);
  insertAll(db, 'group_notes', snapshot.notes);
  const put = db.prepare('UPDATE crashes SET group_id = ?, fingerprint = ?, fingerprint_version = ? WHERE id = ?');
  const known = new Set<string>();
  for (const [id, groupId, fingerprint, version] of snapshot.crashes) {
    put.run(groupId, fingerprint, version, id);
    known.add(id);
  }
  // A snapshot taken before the newest version was kept has none: it is worked out again.
  db.prepare(`UPDATE groups SET newest_version_key = (${newestVersionKeyOf('groups.id')})`).run();
  return (db.prepare('SELECT id FROM crashes').all() as Array<{ id: string }>).map((r) => r.id).filter((id) => !known.has(id));
}
