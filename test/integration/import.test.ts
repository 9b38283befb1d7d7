import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { NOT_A_CRASH } from '../../src/core/sources/registry';

const fixtures = inject('fixtures');
const root = inject('fixtureRoot');
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');
const crashwb = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
const coreCount = Object.keys(fixtures).length;

interface EventJson {
  id: string;
  groupId: number;
  fingerprint: string;
  source: string;
  signal: string;
  executable: string;
  timestamp: string;
  attributes: Record<string, string>;
}
interface GroupJson {
  id: number;
  title: string;
  fingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  status: string;
}

function countCrashes(db: string): number {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare('SELECT COUNT(*) AS n FROM crashes').get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0;
  }
}

describe('crashwb import, events and groups', () => {
  it('imports a folder of cores, groups them, and lists events and groups as JSON', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'crashwb-import-')), 'wb.db');
    const first = crashwb('import', '--db', db, '--debug-dir', fixtures.stripped.debugDir ?? '', '--attr', 'host=ci-1', root);
    expect(first.stdout).toMatch(new RegExp(`imported ${coreCount}, already present 0, failed 0`));
    expect(first.status).toBe(0);

    const events = JSON.parse(crashwb('events', '--db', db, '--json').stdout) as EventJson[];
    expect(events).toHaveLength(coreCount);
    expect(events.map((e) => e.source).sort()).toEqual(
      Object.values(fixtures)
        .map((f) => f.core)
        .sort(),
    );
    expect(events[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      attributes: { host: 'ci-1' },
    });

    const groups = JSON.parse(crashwb('groups', '--db', db, '--json').stdout) as GroupJson[];
    // The stripped build, symbolized from its debug dir, is the same bug as the plain null dereference.
    expect(groups).toHaveLength(coreCount - 1);
    const nullDeref = groups.find((g) => /read_retries/.test(g.title));
    expect(nullDeref).toMatchObject({ count: 2, status: 'new' });
    expect(groups.find((g) => /check_invariant/.test(g.title))?.title).toMatch(/^abort in check_invariant/);

    const table = crashwb('groups', '--db', db).stdout.split('\n');
    expect(table[0]).toMatch(/^\s+id\s+count\s+status\s+versions\s+hosts\s+title$/);
    expect(table.find((line) => /read_retries/.test(line))).toMatch(/^\s+\d+\s+2\s+new\s+-\s+-\s+SIGSEGV in read_retries/);

    // --status shows one triage state; a state that does not exist is a usage error that names the ones that do.
    expect(JSON.parse(crashwb('groups', '--db', db, '--status', 'new', '--json').stdout)).toHaveLength(groups.length);
    expect(JSON.parse(crashwb('groups', '--db', db, '--status', 'resolved', '--json').stdout)).toEqual([]);
    const wrong = crashwb('groups', '--db', db, '--status', 'fixed');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--status fixed: give one of new, ongoing, resolved, regressed/);

    const again = crashwb('import', '--db', db, root);
    expect(again.stdout).toMatch(new RegExp(`imported 0, already present ${coreCount}, failed 0`));
    expect(JSON.parse(crashwb('events', '--db', db, '--json').stdout)).toHaveLength(coreCount);
  });

  it('reports files that are not cores and exits non-zero, keeping what it imported', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'crashwb-import-')), 'wb.db');
    const result = crashwb('import', '--db', db, fixtures.nullDeref.core, fixtures.nullDeref.source, '/nonexistent/core');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/imported 1, already present 0, failed 2/);
    // Named by the crash sources themselves: a new format is named in it too.
    expect(result.stdout).toContain(`null_deref.c: not a crash: ${NOT_A_CRASH}`);
    expect(NOT_A_CRASH).toMatch(/^none of crash snapshot, .*, apport report, minidump, compressed core, core, runtime crash output$/);
    expect(result.stdout).toMatch(/\/nonexistent\/core: cannot read it: ENOENT/);
    expect(countCrashes(db)).toBe(1);
  });

  it('survives SIGKILL mid-import: the database stays whole and a rerun imports the rest', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'crashwb-import-')), 'wb.db');
    const child = spawn(process.execPath, [BIN, 'import', '--db', db, '--jobs', '1', root], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (countCrashes(db) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const partial = countCrashes(db);
    expect(partial).toBeGreaterThanOrEqual(1);
    expect(partial).toBeLessThan(coreCount);

    const conn = new Database(db);
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((conn.prepare('SELECT COUNT(*) AS n FROM crashes WHERE group_id IS NULL').get() as { n: number }).n).toBe(0);
    conn.close();

    const rerun = crashwb('import', '--db', db, root);
    expect(rerun.stdout).toMatch(new RegExp(`imported ${coreCount - partial}, already present ${partial}, failed 0`));
    expect(countCrashes(db)).toBe(coreCount);
  });

  it('regroups crashes fingerprinted by an older algorithm and drops groups left empty', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'crashwb-import-')), 'wb.db');
    crashwb('import', '--db', db, fixtures.abort.core, fixtures.nullDeref.core);
    expect(crashwb('regroup', '--db', db).stdout).toMatch(/regrouped 0 crashes; removed 0 empty groups/);
    const conn = new Database(db);
    conn.exec(`INSERT INTO groups (fingerprint, version, title, mechanism, frames, created_at) VALUES ('old', 0, 'old', 'abort', '[]', '2020-01-01');
               UPDATE crashes SET group_id = (SELECT id FROM groups WHERE fingerprint = 'old'), fingerprint = 'old', fingerprint_version = 0
               WHERE source = '${fixtures.abort.core}';
               UPDATE groups SET crash_count = (SELECT COUNT(*) FROM crashes c WHERE c.group_id = groups.id)`);
    conn.close();
    expect(crashwb('regroup', '--db', db).stdout).toMatch(/regrouped 1 crashes; removed 1 empty groups/);
    const groups = JSON.parse(crashwb('groups', '--db', db, '--json').stdout) as GroupJson[];
    expect(groups.map((g) => g.title).sort()).toEqual([
      expect.stringMatching(/^SIGSEGV in read_retries/),
      expect.stringMatching(/^abort in check_invariant/),
    ]);
  });
});
