import type { Crash } from '../../shared/model';
// The database's own type, not database.ts's alias of it: database.ts runs the backfill as it migrates.
import type { Database as Db } from 'better-sqlite3';
import { crashingThread } from '../../shared/crashing-thread';

/**
 * What full-text search finds a crash by: its group title, the crashing stack's functions, files
 * and modules, every module the process had loaded, and its attributes.
 */
export function searchText(crash: Crash, title: string): string {
  const thread = crashingThread(crash);
  const parts = [title, crash.signal.name, crash.executable ?? '', crash.source];
  for (const f of thread?.frames ?? []) parts.push(f.function ?? '', f.file ?? '', f.module ?? '');
  for (const m of crash.modules ?? []) parts.push(m.path);
  for (const [k, v] of Object.entries(crash.attributes)) parts.push(`${k} ${v}`);
  return [...new Set(parts.filter(Boolean))].join('\n');
}

export function indexCrash(db: Db, crash: Crash, title: string): void {
  const row = db.prepare('SELECT rowid FROM crashes WHERE id = ?').get(crash.id) as { rowid: number } | undefined;
  if (!row) throw new Error(`cannot index crash ${crash.id}: it is not stored`);
  db.prepare('DELETE FROM crash_search WHERE rowid = ?').run(row.rowid);
  db.prepare('INSERT INTO crash_search (rowid, body) VALUES (?, ?)').run(row.rowid, searchText(crash, title));
}

/** Indexes crashes stored before search existed, a page at a time (no open cursor while writing). */
export function backfillSearch(db: Db): void {
  const page = db.prepare(
    'SELECT c.rowid AS rowid, c.analysis, c.attributes, g.title FROM crashes c LEFT JOIN groups g ON g.id = c.group_id WHERE c.rowid > ? ORDER BY c.rowid LIMIT 500',
  );
  for (let after = 0; ;) {
    const rows = page.all(after) as Array<{ rowid: number; analysis: string; attributes: string; title: string | null }>;
    if (rows.length === 0) return;
    for (const row of rows) {
      const crash = JSON.parse(row.analysis) as Crash;
      indexCrash(db, { ...crash, attributes: JSON.parse(row.attributes) as Record<string, string> }, row.title ?? '');
    }
    after = rows.at(-1)?.rowid ?? after;
  }
}

/** Turns what a user typed into an FTS5 query: every word must match, as a prefix, nothing is syntax. */
export function ftsQuery(text: string): string | null {
  // A term written with punctuation inside (web-2, libc.so.6, main.c:42) is its words in that
  // order, as a phrase, rather than each word anywhere.
  const terms = text
    .split(/\s+/)
    .map((term) => term.match(/[\p{L}\p{N}_]+/gu) ?? [])
    .filter((words) => words.length > 0);
  return terms.length ? terms.map((words) => `"${words.join(' ')}"*`).join(' ') : null;
}
