import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { watchFolders } from '../../src/core/jobs/watch';
import { Workbench } from '../../src/core/workbench';
import { scopeCrashDir } from '../fixtures/bundles';

const fixtures = inject('fixtures');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `crashwb watch DIR` into DB, its output (stdout and stderr) as it comes. */
function startWatch(db: string, dir: string): { child: ChildProcessByStdio<null, Readable, Readable>; out(): string } {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), 'watch', '--db', db, '--settle-ms', '300', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

describe('watched folders', () => {
  it('hands over a file only once it has stopped growing, and only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-watch-'));
    const core = readFileSync(fixtures.nullDeref.core);
    const handed: Array<{ path: string; size: number }> = [];
    const watcher = watchFolders([dir], {
      settleMs: 400,
      scanMs: 100,
      onReady: async (paths) => {
        for (const path of paths) handed.push({ path, size: statSync(path).size });
      },
    });
    try {
      const target = join(dir, 'core.app.1000');
      const third = Math.ceil(core.length / 3);
      for (let i = 0; i < 3; i++) {
        appendFileSync(target, core.subarray(i * third, (i + 1) * third));
        await sleep(250);
        expect(handed).toEqual([]);
      }
      await expect.poll(() => handed, { timeout: 5_000, interval: 50 }).toEqual([{ path: target, size: core.length }]);
      await sleep(600);
      expect(handed).toHaveLength(1);
    } finally {
      watcher.stop();
    }
  });

  it('imports cores and AppScope directories that land in the folder, with `crashwb watch`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-watch-'));
    const db = join(mkdtempSync(join(tmpdir(), 'crashwb-watch-db-')), 'wb.db');
    copyFileSync(fixtures.abort.core, join(dir, 'already-there'));
    const { child, out } = startWatch(db, dir);
    try {
      await expect.poll(out, { timeout: 20_000 }).toMatch(/imported .*already-there/);
      copyFileSync(fixtures.workerThread.core, join(dir, 'core.worker.1000'));
      scopeCrashDir(
        dir,
        77,
        1_700_000_000,
        'backtrace info: signal 11 errno 0 fault address 0x0\nSIGSEGV\n--- backtrace\n#0 0x1 handler + 0x2\n',
      );
      await expect.poll(out, { timeout: 20_000 }).toMatch(/imported .*core\.worker\.1000/);
      await expect.poll(out, { timeout: 20_000 }).toMatch(new RegExp(`imported ${join(dir, '77')}`));
      writeFileSync(join(dir, 'notes.txt'), 'not a crash');
      await expect.poll(out, { timeout: 20_000 }).toMatch(/failed: .*notes\.txt: .*not a crash/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(child.exitCode).toBe(0);
    const wb = new Workbench({ databasePath: db });
    expect((await wb.listGroups()).crashes).toBe(3);
    wb.close();
  });
});

describe('a watched folder with hostile files', () => {
  it('skips a FIFO in a crash folder and a line that backtracks, imports what comes next, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-watch-'));
    const db = join(mkdtempSync(join(tmpdir(), 'crashwb-watch-db-')), 'wb.db');
    // A FIFO under an AppView part's name: opening it for reading waits for a writer for ever.
    const fifoCrash = join(dir, '80');
    mkdirSync(fifoCrash);
    execFileSync('mkfifo', [join(fifoCrash, 'info_1700000001')]);
    writeFileSync(join(fifoCrash, 'backtrace_1700000001'), 'backtrace info: signal 11 errno 0 fault address 0x0\n#0 0x1 handler + 0x2\n');
    // Lines that cost a backtracking parser minutes: 30 KB of spaces.
    scopeCrashDir(dir, 81, 1_700_000_002, `backtrace info: signal 11 errno 0 fault address 0x0\n#0 0x1 ${' '.repeat(30_000)}x\n`);
    appendFileSync(join(dir, '81', 'info_1700000002'), `Process name:${' '.repeat(30_000)}x\n`);
    const { child, out } = startWatch(db, dir);
    try {
      await expect.poll(out, { timeout: 20_000 }).toMatch(new RegExp(`imported ${join(dir, '80')}\\n`));
      await expect.poll(out, { timeout: 20_000 }).toMatch(new RegExp(`imported ${join(dir, '81')}\\n`));
      copyFileSync(fixtures.abort.core, join(dir, 'core.after'));
      await expect.poll(out, { timeout: 20_000 }).toMatch(/imported .*core\.after/);
    } finally {
      const stopped = Date.now();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(Date.now() - stopped, out()).toBeLessThan(5_000);
    }
    expect(child.exitCode).toBe(0);
    const wb = new Workbench({ databasePath: db });
    const groups = (await wb.listGroups()).groups;
    const crashes = (await Promise.all(groups.map((g) => wb.listGroupEvents(g.id)))).flat();
    const fifo = crashes.find((c) => c.source === fifoCrash);
    expect(fifo).toBeDefined();
    const crash = await wb.getCrash(fifo?.id ?? '');
    expect(crash.attachments?.find((a) => a.name === 'skipped')?.text).toMatch(/not being regular files .*info_1700000001/);
    wb.close();
  }, 60_000);
});

describe('watched folders from the settings', () => {
  it('imports into the workbench while it is open, and refuses a folder that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-watch-'));
    const wb = new Workbench({
      databasePath: join(mkdtempSync(join(tmpdir(), 'crashwb-watch-db-')), 'wb.db'),
      watchFolders: true,
      watchSettleMs: 200,
    });
    try {
      await expect(wb.updateSettings({ watchedFolders: ['/no/such/folder'] })).rejects.toThrow(
        /cannot watch \/no\/such\/folder: it is not a folder/,
      );
      expect((await wb.updateSettings({ watchedFolders: [dir] })).watchedFolders).toEqual([dir]);
      copyFileSync(fixtures.cpp.core, join(dir, 'core.shop.1000'));
      await expect.poll(async () => (await wb.listGroups()).crashes, { timeout: 20_000 }).toBe(1);
      await wb.updateSettings({ watchedFolders: [] });
      copyFileSync(fixtures.abort.core, join(dir, 'core.later.1000'));
      await sleep(800);
      expect((await wb.listGroups()).crashes).toBe(1);
    } finally {
      wb.close();
    }
  });
});
