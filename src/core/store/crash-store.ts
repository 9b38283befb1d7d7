import { SNAPSHOT_ORIGIN, type Crash, type CrashSummary } from '../../shared/model';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

interface CrashRow {
  id: string;
  source: string;
  executable: string | null;
  signal_name: string;
  explanation: string;
  timestamp: string;
  analyzed_at: string;
}

const toSummary = (r: CrashRow): CrashSummary => ({
  id: r.id,
  source: r.source,
  executable: r.executable,
  signalName: r.signal_name,
  explanation: r.explanation,
  timestamp: r.timestamp,
  analyzedAt: r.analyzed_at,
});

/** All SQL about crashes, recent files and settings. */
export class CrashStore {
  private getStatement: Statement | null = null;

  constructor(private readonly db: Db) {}

  /** The digest of a file already seen at this path with this size and mtime, if any. */
  knownDigest(source: string, size: number, mtimeMs: number): string | null {
    const row = this.db
      .prepare('SELECT id FROM crashes WHERE source = ? AND size = ? AND mtime_ms = ?')
      .get(source, size, Math.trunc(mtimeMs)) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /** Stores an analysed crash; the core stays where it is (referenced by path, size and sha256). */
  /**
   * Stores a crash. `origin` describes the file it was imported from when that is not the core
   * itself (a bundle, a compressed core): its size, for recognising it again, and where the
   * core taken out of it is kept.
   */
  save(crash: Crash, mtimeMs: number, origin: { size: number; storedPath: string | null } = { size: crash.size, storedPath: null }): void {
    this.db
      .prepare(
        `INSERT INTO crashes (id, source, size, mtime_ms, stored_path, executable, signal_name, explanation, timestamp, analyzed_at, analysis_error, analysis, attributes)
         VALUES (@id, @source, @size, @mtime, @storedPath, @executable, @signal, @explanation, @timestamp, @analyzedAt, @error, @analysis, @attributes)
         ON CONFLICT(id) DO UPDATE SET source = excluded.source, mtime_ms = excluded.mtime_ms, executable = excluded.executable,
           analyzed_at = excluded.analyzed_at, analysis_error = excluded.analysis_error, analysis = excluded.analysis`,
      )
      .run({
        id: crash.id,
        source: crash.source,
        size: origin.size,
        storedPath: origin.storedPath,
        mtime: Math.trunc(mtimeMs),
        executable: crash.executable,
        signal: crash.signal.name,
        explanation: crash.signal.explanation,
        timestamp: crash.timestamp,
        analyzedAt: crash.analyzedAt,
        error: crash.analysisError,
        analysis: JSON.stringify(crash),
        attributes: JSON.stringify(crash.attributes),
      });
  }

  /** The crash whose id starts with what a person typed (the 12 characters `crashwb events` shows). */
  idByPrefix(prefix: string): string {
    if (!/^[0-9a-f]{4,64}$/.test(prefix)) throw new Error(`${prefix} is not a crash id: give at least 4 of its hex digits`);
    const rows = this.db.prepare("SELECT id FROM crashes WHERE id >= ? AND id < ? || 'g' LIMIT 2").all(prefix, prefix) as Array<{
      id: string;
    }>;
    if (rows.length === 0) throw new Error(`no crash with an id starting ${prefix}; crashwb events lists them`);
    if (rows.length > 1) throw new Error(`more than one crash has an id starting ${prefix}; give more of it`);
    return (rows[0] as { id: string }).id;
  }

  has(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM crashes WHERE id = ?').get(id) !== undefined;
  }

  /** A crash known only from a snapshot made on its host: its core, when it comes, replaces it. */
  awaitsCore(id: string): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM crashes WHERE id = ? AND json_extract(analysis, '$.origin') LIKE ?`).get(id, `${SNAPSHOT_ORIGIN}%`) !==
      undefined
    );
  }

  /** Saves a crash over the snapshot that stood for it, taking the core's size, place and signal. */
  replaceSnapshot(crash: Crash, mtimeMs: number, origin: { size: number; storedPath: string | null }): void {
    this.save(crash, mtimeMs, origin);
    this.db
      .prepare('UPDATE crashes SET size = ?, stored_path = ?, signal_name = ?, explanation = ? WHERE id = ?')
      .run(origin.size, origin.storedPath, crash.signal.name, crash.signal.explanation, crash.id);
  }

  get(id: string): Crash | null {
    // Prepared once: a regroup or a rules check reads every stored crash through here.
    this.getStatement ??= this.db.prepare('SELECT analysis FROM crashes WHERE id = ?');
    const row = this.getStatement.get(id) as { analysis: string } | undefined;
    return row ? (JSON.parse(row.analysis) as Crash) : null;
  }

  touchRecent(path: string, crashId: string): void {
    this.db
      .prepare(
        'INSERT INTO recent_files (path, crash_id, opened_at) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET crash_id = excluded.crash_id, opened_at = excluded.opened_at',
      )
      .run(path, crashId, new Date().toISOString());
  }

  recent(limit = 20): CrashSummary[] {
    const rows = this.db
      .prepare(
        `SELECT c.id, r.path AS source, c.executable, c.signal_name, c.explanation, c.timestamp, c.analyzed_at
         FROM recent_files r JOIN crashes c ON c.id = r.crash_id ORDER BY r.opened_at DESC LIMIT ?`,
      )
      .all(limit) as CrashRow[];
    return rows.map(toSummary);
  }

  getSetting<T>(key: string, fallback: T): T {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : fallback;
  }

  setSetting(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }

  /** What a previous sync downloaded for a remote object (in S3 or at a reporter), by its URL. */
  remoteSynced(url: string): { etag: string; localPath: string } | null {
    const row = this.db.prepare('SELECT etag, local_path FROM remote_objects WHERE url = ?').get(url) as
      { etag: string; local_path: string } | undefined;
    return row ? { etag: row.etag, localPath: row.local_path } : null;
  }

  markRemoteSynced(url: string, etag: string, localPath: string): void {
    this.db
      .prepare(
        `INSERT INTO remote_objects (url, etag, local_path, synced_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, local_path = excluded.local_path, synced_at = excluded.synced_at`,
      )
      .run(url, etag, localPath, new Date().toISOString());
  }
}
