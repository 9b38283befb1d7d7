import { copyFileSync, mkdtempSync, openSync, closeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { readMinidump } from '../../src/core/minidump/minidump-file';
import { walkWithSymbols } from '../../src/core/minidump/minidump-analysis';
import { Workbench } from '../../src/core/workbench';
import { writeMinidump } from '../fixtures/minidumps';
import { windowsDump, writeSyntheticMinidump, writeViolation } from '../fixtures/minidump-writer';

const fixtures = inject('fixtures');
const dir = mkdtempSync(join(tmpdir(), 'crashwb-dmp-'));
let dump: string;
let wb: Workbench;

beforeAll(() => {
  const written = writeMinidump(fixtures.workerThread.executable, join(dir, 'dumps'));
  if (!written) throw new Error('lldb could not write a minidump here (lldb --batch -o "process save-core --plugin-name=minidump" failed)');
  dump = written;
  wb = new Workbench({ databasePath: join(dir, 'wb.db') });
}, 120_000);
afterAll(() => wb?.close());

describe('minidumps from Windows and macOS', () => {
  it('imports a Windows dump with its reason, address and system, and groups it', async () => {
    const path = writeSyntheticMinidump(
      join(dir, 'windows.dmp'),
      windowsDump({
        exception: writeViolation(9, 0x140001000n, 0x45n),
        modules: [{ name: 'C:\\app\\test_app.exe', base: 0x140000000n, size: 0x20000 }],
      }),
    );
    const own = new Workbench({ databasePath: join(dir, 'windows.db') });
    try {
      const report = await own.importPaths({ paths: [path] });
      expect(report.failed).toEqual([]);
      const event = own.groups.listEvents().find((e) => e.source === path);
      const crash = await own.getCrash(event!.id);
      expect(crash.signal).toMatchObject({ name: 'EXCEPTION_ACCESS_VIOLATION_WRITE', faultAddress: '0x45' });
      expect(crash.system).toEqual({ os: 'Windows NT', osVersion: '10.0.19045', cpu: 'amd64' });
      expect(event!.groupId).not.toBeNull();
    } finally {
      own.close();
    }
  });
});

describe('minidumps (Breakpad / Crashpad .dmp), through lldb', () => {
  it('reads the crashing thread, the signal and the modules with their build-ids from the dump itself', async () => {
    const info = await readMinidump(dump);
    expect(info.signal.name).toBe('SIGSEGV');
    expect(info.signal.explanation).not.toMatch(/kill/);
    expect(info.threads).toHaveLength(4);
    expect(info.threads.find((t) => t.tid === info.crashingThreadId)?.signal).toBe(11);
    expect(info.executablePath).toBe(fixtures.workerThread.executable);
    expect(info.modules[0]?.buildId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('analyses a dump with lldb into the same stack as the ELF core of the same crash', async () => {
    const crash = await analyzeCore(dump, { debugger: 'gdb' });
    expect(crash.debugger).toBe('lldb');
    const crashed = crash.threads.find((t) => t.crashed);
    expect(crashed?.frames.slice(0, 2).map((f) => [f.function, f.line])).toEqual([
      ['store_result', 12],
      ['crashing_worker', 20],
    ]);
    expect(crash.modules.find((m) => m.path === fixtures.workerThread.executable)).toMatchObject({ symbols: 'debug-info' });
  });

  it('walks the real dump’s stacks itself as lldb unwinds them, where frame pointers lead', async () => {
    const info = await readMinidump(dump);
    const hostPaths = new Map(info.modules.map((m) => [m.path, m.path]));
    const { walked } = await walkWithSymbols(dump, info.modules, { debugDirs: [], servers: [], cache: null }, hostPaths);
    const crash = await analyzeCore(dump, {});
    const lldbFrames = crash.threads.find((t) => t.crashed)?.frames ?? [];
    const mine = walked.get(info.crashingThreadId) ?? [];
    // The program is built -O0, so store_result → crashing_worker is a frame-pointer chain; glibc's
    // start_thread keeps none, so the record above it may hold no frame pointer, and the walk then
    // scans to the same return address, as Breakpad does.
    expect(mine.slice(0, 2).map((f) => [f.address, f.trust])).toEqual([
      [lldbFrames[0]?.address, 'context'],
      [lldbFrames[1]?.address, 'frame-pointer'],
    ]);
    expect(mine[2]).toMatchObject({ address: lldbFrames[2]?.address, trust: expect.stringMatching(/^(frame-pointer|scan)$/) });
    // lldb names them from the program's own debug info, so its stack is the one kept.
    expect(lldbFrames[0]).toMatchObject({ function: 'store_result' });
    expect(lldbFrames.some((f) => f.trust !== undefined)).toBe(false);
  });

  it('imports a dump next to cores and groups it with the ELF core of the same bug', async () => {
    copyFileSync(fixtures.workerThread.core, join(dir, 'dumps', 'core'));
    const report = await wb.importPaths({ paths: [join(dir, 'dumps')] });
    expect(report.failed).toEqual([]);
    expect(report.imported).toHaveLength(2);
    const { groups } = await wb.listGroups();
    expect(groups).toEqual([expect.objectContaining({ count: 2, title: expect.stringMatching(/SIGSEGV in store_result/) })]);
  });

  it('opens an lldb console on a dump', async () => {
    const [event] = (await wb.listGroupEvents((await wb.listGroups()).groups[0]?.id ?? 0)).filter((e) => e.source === dump);
    const opened = await wb.openConsole(event?.id ?? '', { cols: 100, rows: 30 });
    expect(opened.debugger).toBe('lldb');
    const crash = await wb.getCrash(event?.id ?? '');
    const thread = crash.threads.find((t) => t.crashed)?.number ?? 0;
    expect((await wb.disassemble(opened.sessionId, thread, 0)).function).toMatch(/^store_result/);
    await wb.closeConsole(opened.sessionId);
  });

  it('says a cut-off dump is cut off, naming the file', async () => {
    const cut = join(dir, 'cut.dmp');
    copyFileSync(dump, cut);
    const fd = openSync(cut, 'r+');
    ftruncateSync(fd, 64);
    closeSync(fd);
    await expect(readMinidump(cut)).rejects.toThrow(new RegExp(`${cut}: the minidump is cut off in its stream directory`));
    await expect(wb.openCore({ path: cut })).rejects.toThrow(/cut off/);
  });
});
