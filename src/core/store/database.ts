import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { backfillSearch } from './search-index';
import { versionKey } from './version-key';

export type Db = Database.Database;

/** Schema steps, applied in order; PRAGMA user_version records how many have run. */
export const MIGRATIONS: Array<string | ((db: Db) => void)> = [
  `CREATE TABLE crashes (
     id TEXT PRIMARY KEY,
     source TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ms INTEGER NOT NULL,
     stored_path TEXT,
     executable TEXT,
     signal_name TEXT NOT NULL,
     explanation TEXT NOT NULL,
     timestamp TEXT NOT NULL,
     analyzed_at TEXT NOT NULL,
     analysis_error TEXT,
     analysis TEXT NOT NULL
   );
   CREATE INDEX crashes_source ON crashes(source);
   CREATE TABLE recent_files (
     path TEXT PRIMARY KEY,
     crash_id TEXT NOT NULL REFERENCES crashes(id) ON DELETE CASCADE,
     opened_at TEXT NOT NULL
   );
   CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  `CREATE TABLE groups (
     id INTEGER PRIMARY KEY,
     fingerprint TEXT NOT NULL UNIQUE,
     version INTEGER NOT NULL,
     title TEXT NOT NULL,
     mechanism TEXT NOT NULL,
     frames TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ongoing', 'resolved', 'regressed')),
     resolved_at TEXT,
     created_at TEXT NOT NULL
   );
   ALTER TABLE crashes ADD COLUMN group_id INTEGER REFERENCES groups(id);
   ALTER TABLE crashes ADD COLUMN fingerprint TEXT;
   ALTER TABLE crashes ADD COLUMN fingerprint_version INTEGER;
   ALTER TABLE crashes ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
   CREATE INDEX crashes_group ON crashes(group_id, timestamp);`,
  // Counts and dates per group, kept with each crash's insert so listing 5,000 groups of
  // 100,000 crashes does not aggregate them all every time.
  `ALTER TABLE groups ADD COLUMN crash_count INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE groups ADD COLUMN first_seen TEXT;
   ALTER TABLE groups ADD COLUMN last_seen TEXT;
   UPDATE groups SET
     crash_count = (SELECT COUNT(*) FROM crashes c WHERE c.group_id = groups.id),
     first_seen = (SELECT MIN(timestamp) FROM crashes c WHERE c.group_id = groups.id),
     last_seen = (SELECT MAX(timestamp) FROM crashes c WHERE c.group_id = groups.id);`,
  // Facets and full-text search; a crash's search row shares the crash's rowid.
  `ALTER TABLE crashes ADD COLUMN hostname TEXT GENERATED ALWAYS AS (json_extract(attributes, '$.hostname')) VIRTUAL;
   ALTER TABLE crashes ADD COLUMN version TEXT GENERATED ALWAYS AS (json_extract(attributes, '$.version')) VIRTUAL;
   CREATE INDEX crashes_timestamp ON crashes(timestamp);
   CREATE INDEX crashes_executable ON crashes(executable);
   CREATE INDEX crashes_signal ON crashes(signal_name);
   CREATE INDEX crashes_hostname ON crashes(hostname);
   CREATE INDEX crashes_version ON crashes(version);
   CREATE VIRTUAL TABLE crash_search USING fts5(body, tokenize = "unicode61 tokenchars '_'");`,
  (db) => backfillSearch(db),
  // Triage decisions that outlive regrouping: fingerprints merged into a group, crashes moved out.
  `CREATE TABLE group_links (fingerprint TEXT PRIMARY KEY, group_id INTEGER NOT NULL REFERENCES groups(id));
   CREATE TABLE crash_pins (crash_id TEXT PRIMARY KEY REFERENCES crashes(id), group_id INTEGER NOT NULL REFERENCES groups(id));`,
  // Versions, hosts and days per group for the triage table, read from indexes alone; the
  // distinct counts are kept like crash_count so sorting 5,000 groups by them aggregates nothing.
  `CREATE INDEX crashes_group_spread ON crashes(group_id, version, hostname, timestamp);
   CREATE INDEX crashes_group_host ON crashes(group_id, hostname);
   ALTER TABLE groups ADD COLUMN version_count INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE groups ADD COLUMN host_count INTEGER NOT NULL DEFAULT 0;
   UPDATE groups SET
     version_count = (SELECT COUNT(DISTINCT version) FROM crashes c WHERE c.group_id = groups.id),
     host_count = (SELECT COUNT(DISTINCT hostname) FROM crashes c WHERE c.group_id = groups.id);`,
  // Objects synced from S3, by URL and ETag: a sync downloads only what is new or changed.
  `CREATE TABLE s3_objects (url TEXT PRIMARY KEY, etag TEXT NOT NULL, local_path TEXT NOT NULL, synced_at TEXT NOT NULL);`,
  // Crashes pulled from reporters are kept the same way (URL and sha256), so one table holds both.
  `ALTER TABLE s3_objects RENAME TO remote_objects;`,
  // What people write on a group; carried along when the group is merged or emptied by a regroup.
  `CREATE TABLE group_notes (
     group_id INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
     text TEXT NOT NULL,
     ticket TEXT,
     updated_at TEXT NOT NULL
   );`,
  // Search also finds a crash by every module it had loaded: the index is built again.
  (db) => {
    db.exec('DELETE FROM crash_search');
    backfillSearch(db);
  },
  // What it takes to undo a person's grouping change (merge, move-out, status), newest last.
  `CREATE TABLE grouping_undo (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL, created_at TEXT NOT NULL);`,
  // Every attribute value's count over all crashes, kept by triggers: the facets of an unfiltered
  // list read them instead of parsing each crash's attributes (300 ms at 100,000 crashes). And the
  // facet columns indexed with the time, so a histogram over the last days reads one index alone.
  `CREATE TABLE attribute_counts (key TEXT NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (key, value)) WITHOUT ROWID;
   CREATE TRIGGER crashes_attributes_in AFTER INSERT ON crashes BEGIN
     INSERT INTO attribute_counts (key, value, count)
       SELECT key, value, 1 FROM json_each(NEW.attributes) WHERE type = 'text'
       ON CONFLICT (key, value) DO UPDATE SET count = count + 1;
   END;
   CREATE TRIGGER crashes_attributes_out AFTER DELETE ON crashes BEGIN
     UPDATE attribute_counts SET count = count - 1
       WHERE (key, value) IN (SELECT key, value FROM json_each(OLD.attributes) WHERE type = 'text');
     DELETE FROM attribute_counts WHERE count <= 0;
   END;
   CREATE TRIGGER crashes_attributes_change AFTER UPDATE OF attributes ON crashes BEGIN
     UPDATE attribute_counts SET count = count - 1
       WHERE (key, value) IN (SELECT key, value FROM json_each(OLD.attributes) WHERE type = 'text');
     INSERT INTO attribute_counts (key, value, count)
       SELECT key, value, 1 FROM json_each(NEW.attributes) WHERE type = 'text'
       ON CONFLICT (key, value) DO UPDATE SET count = count + 1;
     DELETE FROM attribute_counts WHERE count <= 0;
   END;
   INSERT INTO attribute_counts (key, value, count)
     SELECT j.key, j.value, COUNT(*) FROM crashes c, json_each(c.attributes) j WHERE j.type = 'text' GROUP BY j.key, j.value;
   DROP INDEX crashes_executable;
   DROP INDEX crashes_signal;
   DROP INDEX crashes_hostname;
   DROP INDEX crashes_version;
   CREATE INDEX crashes_executable ON crashes(executable, timestamp);
   CREATE INDEX crashes_signal ON crashes(signal_name, timestamp);
   CREATE INDEX crashes_hostname ON crashes(hostname, timestamp);
   CREATE INDEX crashes_version ON crashes(version, timestamp);`,
  // Each group's newest version (as versions sort), kept like its counts: sorting 5,000 groups by
  // it asked version_key of every one of 100,000 crashes (500 ms).
  `ALTER TABLE groups ADD COLUMN newest_version TEXT;
   UPDATE groups SET newest_version = (${newestVersionKeyOf('groups.id')});`,
  // What that column holds is the version's sort key (version_key), not a version to show.
  `ALTER TABLE groups RENAME COLUMN newest_version TO newest_version_key;`,
];

/** The sort key of the newest version among a group's crashes; each distinct version is keyed once. */
export function newestVersionKeyOf(group: string): string {
  return `SELECT MAX(version_key(v)) FROM (SELECT DISTINCT version AS v FROM crashes WHERE group_id = ${group})`;
}

export const SCHEMA_VERSION = MIGRATIONS.length;

export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.function('version_key', { deterministic: true }, (v: unknown) => versionKey(typeof v === 'string' ? v : null));
  migrate(db, path);
  return db;
}

function migrate(db: Db, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `${path} was written by a newer Crash Workbench (schema ${current}, this one knows ${MIGRATIONS.length}); update the app`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      const step = MIGRATIONS[version];
      if (typeof step === 'function') step(db);
      else if (step) db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
