import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import type { ProgressEvent } from '../../src/shared/model';
import { SCHEMA_VERSION } from '../../src/core/store/database';
import { Workbench } from '../../src/core/workbench';

const fixtures = inject('fixtures');
const newDb = (): string => join(mkdtempSync(join(tmpdir(), 'crashwb-db-')), 'workbench.db');

describe('the workbench façade', () => {
  it('opens a core, reports progress, stores it and lists it as recent', async () => {
    const databasePath = newDb();
    const wb = new Workbench({ databasePath });
    const events: ProgressEvent[] = [];
    wb.onEvent((e) => {
      if (e.type === 'progress') events.push(e);
    });
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    expect(events.map((e) => e.stage)).toEqual(expect.arrayContaining(['reading-core', 'locating-files', 'debugging', 'storing', 'done']));
    expect(new Set(events.map((e) => e.jobId)).size).toBe(1);
    expect(await wb.getCrash(crash.id)).toEqual(crash);
    expect((await wb.listRecent()).map((r) => r.source)).toEqual([fixtures.nullDeref.core]);
    wb.close();

    const reopened = new Workbench({ databasePath });
    expect((await reopened.getCrash(crash.id)).signal.explanation).toBe(crash.signal.explanation);
    reopened.close();
  });

  it('stores the core by reference (path, size, sha256) in a WAL database at the current schema', async () => {
    const databasePath = newDb();
    const wb = new Workbench({ databasePath });
    const crash = await wb.openCore({ path: fixtures.abort.core });
    wb.close();
    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const row = db.prepare('SELECT id, source, size, stored_path FROM crashes').get() as Record<string, unknown>;
    expect(row).toEqual({ id: crash.sha256, source: fixtures.abort.core, size: crash.size, stored_path: null });
    expect(crash.sha256).toMatch(/^[0-9a-f]{64}$/);
    db.close();
  });

  it('treats the same core opened twice as one crash', async () => {
    const wb = new Workbench({ databasePath: newDb() });
    const a = await wb.openCore({ path: fixtures.nullDeref.core });
    const b = await wb.openCore({ path: fixtures.nullDeref.core, debugger: 'lldb' });
    expect(b.id).toBe(a.id);
    expect(await wb.listRecent()).toHaveLength(1);
    expect((await wb.getCrash(a.id)).debugger).toBe('lldb');
    wb.close();
  });

  it('counts two copies of one core imported together as one imported and one already present', async () => {
    const wb = new Workbench({ databasePath: newDb() });
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-twins-'));
    for (const name of ['a.core', 'b.core']) copyFileSync(fixtures.abort.core, join(dir, name));
    const report = await wb.importPaths({ paths: [dir] });
    expect([report.imported.length, report.existing.length]).toEqual([1, 1]);
    expect((await wb.listGroups()).crashes).toBe(1);
    wb.close();
  });

  it('finds sources moved away from their build path once the folder is named', async () => {
    const wb = new Workbench({ databasePath: newDb() });
    const missing = await wb.readSource('/build/somewhere/else/null_deref.c');
    expect(missing).toMatchObject({ found: false });
    if (!missing.found) expect(missing.message).toMatch(/Source not found.*Point at the folder/);
    const folder = join(fixtures.nullDeref.source, '..');
    expect(await wb.addSourceFolder(folder)).toEqual([folder]);
    const found = await wb.readSource('/build/somewhere/else/null_deref.c');
    expect(found).toMatchObject({ found: true, path: fixtures.nullDeref.source, language: 'c' });
    await expect(wb.addSourceFolder('/nonexistent/folder')).rejects.toThrow(/is not a folder/);
    wb.close();
  });

  it('names the database when a crash id is unknown', async () => {
    const databasePath = newDb();
    const wb = new Workbench({ databasePath });
    await expect(wb.getCrash('0'.repeat(64))).rejects.toThrow(databasePath);
    wb.close();
  });
});
