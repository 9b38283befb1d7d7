import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import type { ConsoleEvent, WorkbenchEvent } from '../../src/shared/model';
import { DUMP_TIME } from '../fixtures/minidump-writer';
import { windowsAmd64, type Scenario } from '../fixtures/stackwalk-scenarios';
import { writeSyntheticMinidump } from '../fixtures/minidump-writer';

const root = mkdtempSync(join(tmpdir(), 'crashwb-dmp-platforms-'));
let wb: Workbench;
let win: Scenario;
const events: ConsoleEvent[] = [];

beforeAll(() => {
  win = windowsAmd64(join(root, 'win'));
  wb = new Workbench({ databasePath: join(root, 'wb.db') });
  wb.onEvent((event: WorkbenchEvent) => {
    if (event.type.startsWith('console-')) events.push(event as ConsoleEvent);
  });
});
afterAll(() => {
  wb.close();
  rmSync(root, { recursive: true, force: true });
});

/** The same dump with other stale words where a scan looks: the same crash, as a second machine would send it. */
function withOtherJunk(from: string, to: string): string {
  const bytes = readFileSync(from);
  const stale = Buffer.alloc(8);
  stale.writeBigUInt64LE(0x7ffb_0000_0000n + 0x1234n);
  const at = bytes.indexOf(stale);
  if (at < 0) throw new Error('the scanned word is not in the dump');
  bytes.writeBigUInt64LE(0x7ffb_0000_0000n + 0x4444n, at);
  writeFileSync(to, bytes);
  return to;
}

describe('Windows minidumps everywhere minidumps go', () => {
  it('imports them with their symbols, groups two of one bug despite other scanned frames, and titles the group by name', async () => {
    const second = withOtherJunk(win.dump, join(root, 'second.dmp'));
    const report = await wb.importPaths({ paths: [win.dump, second], debugDirs: [win.symbols] });
    expect(report.failed).toEqual([]);
    const { groups } = await wb.listGroups();
    expect(groups).toEqual([
      expect.objectContaining({ count: 2, title: expect.stringMatching(/^EXCEPTION_ACCESS_VIOLATION_WRITE in CrashFunction/) }),
    ]);
    const [a, b] = await wb.listGroupEvents(groups[0]?.id ?? 0);
    const crash = await wb.getCrash(a?.id ?? '');
    expect(crash.timestamp).toBe(new Date(DUMP_TIME * 1000).toISOString());
    const kernelFrames = crash.threads.find((t) => t.crashed)?.frames.filter((f) => f.trust === 'scan' && f.module?.includes('kernel32'));
    expect(kernelFrames?.length).toBe(1);
    const comparison = await wb.compareCrashes(a?.id ?? '', b?.id ?? '');
    expect(comparison.explanation.sameGroup).toBe(true);
    expect(comparison.stack.filter((r) => r.kind === 'same').length).toBeGreaterThanOrEqual(4);
  });

  it('exports a report with named frames, files and lines, and module + offset for the rest', async () => {
    const [event] = await wb.listGroupEvents((await wb.listGroups()).groups[0]?.id ?? 0);
    const file = await wb.exportReport({ target: { kind: 'crash', id: event?.id ?? '' }, format: 'md', redact: false });
    const text = Buffer.from(file.base64, 'base64').toString('utf8');
    expect(text).toContain('EXCEPTION_ACCESS_VIOLATION_WRITE at 0x45');
    expect(text).toMatch(/CrashFunction\(\).*c:\\test_app\\test_app\.cc:58/);
    expect(text).toMatch(/kernel32\.dll \+ 0x(1234|4444)/);
  });

  it('opens the lldb console with the symbol files loaded, so it names what the views name', async () => {
    const [event] = await wb.listGroupEvents((await wb.listGroups()).groups[0]?.id ?? 0);
    const opened = await wb.openConsole(event?.id ?? '', { cols: 120, rows: 30 });
    expect(opened.debugger).toBe('lldb');
    const output = () =>
      events
        .filter((e) => e.type === 'console-output' && e.sessionId === opened.sessionId)
        .map((e) => (e.type === 'console-output' ? e.data : ''))
        .join('');
    await expect.poll(output, { timeout: 20_000 }).toMatch(/test_app\.sym' has been added to/);
    await wb.writeConsole(opened.sessionId, 'bt\n');
    await expect.poll(output, { timeout: 20_000 }).toMatch(/CrashFunction\(\) at test_app\.cc:58/);
    await wb.closeConsole(opened.sessionId);
  });

  it('says plainly that there is no console on a dump lldb cannot read, and keeps the walked stacks', async () => {
    const odd = join(root, 'ppc.dmp');
    const bytes = readFileSync(
      writeSyntheticMinidump(join(root, 'odd.dmp'), {
        platform: 'linux',
        arch: 'amd64',
        osVersion: [5, 10, 0],
        exception: { threadId: 5, code: 11, flags: 1, address: 0n },
        threads: [{ id: 5, registers: { rip: 0x10400n, rsp: 0x7ff000n } }],
        modules: [{ name: '/bin/app', base: 0x10000n, size: 0x4000 }],
      }),
    );
    // A PowerPC dump: lldb knows no such minidump architecture.
    const directory = bytes.readUInt32LE(12);
    for (let i = 0; i < bytes.readUInt32LE(8); i++)
      if (bytes.readUInt32LE(directory + i * 12) === 7) bytes.writeUInt16LE(3, bytes.readUInt32LE(directory + i * 12 + 8));
    writeFileSync(odd, bytes);
    const crash = await wb.openCore({ path: odd });
    expect(crash.analysisError).toMatch(/lldb failed while loading the core: unsupported minidump architecture/);
    expect(crash.signal.name).toBe('SIGSEGV');
    await expect(wb.openConsole(crash.id, { cols: 100, rows: 30 })).rejects.toThrow(
      /lldb cannot read this minidump \(.*\), so there is no console on it\. The stacks shown were walked by the workbench/,
    );
  });
});

describe('a dump the engine cannot make sense of', () => {
  it('keeps what the dump says when its stacks lead nowhere: a frame-pointer loop ends, never hangs', async () => {
    const sp = 0x1000_0000n;
    // Each frame record points to itself: a walk that trusted it would never end.
    const words = [sp, 0x1_4000_1100n, sp, 0x1_4000_1100n];
    const path = writeSyntheticMinidump(join(root, 'loop.dmp'), {
      platform: 'windows',
      arch: 'amd64',
      osVersion: [10, 0, 1],
      exception: { threadId: 1, code: 0xc0000005, flags: 0, address: 0x1_4000_1000n, parameters: [0n, 0n] },
      threads: [{ id: 1, registers: { rip: 0x1_4000_1000n, rsp: sp, rbp: sp }, stack: { base: sp, words } }],
      modules: [{ name: 'C:\\app\\loop.exe', base: 0x1_4000_0000n, size: 0x10000 }],
    });
    copyFileSync(path, join(root, 'loop-copy.dmp'));
    const crash = await wb.openCore({ path: join(root, 'loop-copy.dmp') });
    const frames = crash.threads[0]?.frames ?? [];
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.length).toBeLessThan(10);
  });
});
