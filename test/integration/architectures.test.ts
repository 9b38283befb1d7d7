import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { CrashAnalysis } from '../../src/shared/model';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import { analyzeCore } from '../../src/core/intake/analyze';
import { readCore } from '../../src/core/elf/core-file';
import { EM_ARM } from '../../src/core/elf/machines';
import { crashwbAsync } from '../fixtures/cli';

const fixtures = inject('fixtures');
const i386 = fixtures.i386;
const crashed = (c: CrashAnalysis) => c.threads.find((t) => t.crashed);
const names = (c: CrashAnalysis) => (crashed(c)?.frames ?? []).map((f) => f.function);

describe.skipIf(!i386)('a 32-bit (i386) core made here (skipped: gcc cannot build 32-bit programs; apt-get install gcc-multilib)', () => {
  it('reads its 32-bit notes: pid, the crashing worker, its registers and its fault', async () => {
    const core = await readCore(i386!.core);
    expect(core.machine).toBe(3);
    expect(core.threads).toHaveLength(4);
    expect(core.crashingThreadId).not.toBe(core.pid);
    expect(core.signal).toMatchObject({ name: 'SIGSEGV', faultAddress: '0x0' });
    const registers = core.threads[0]?.registers ?? {};
    expect(Object.keys(registers)).toEqual(expect.arrayContaining(['eip', 'esp', 'ebp', 'eax']));
    expect(BigInt(registers.eip ?? '0')).toBeLessThan(1n << 32n);
    expect(core.modules.find((m) => m.path === i386!.executable)?.buildId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('lists the vdso among the modules, read from the core, and names frames in it', async () => {
    const crash = await analyzeCore(i386!.core);
    const vdso = crash.modules.find((m) => m.path === '[vdso]');
    expect(vdso).toMatchObject({ hostPath: null, symbols: 'symbols', origin: { file: { kind: 'core-memory' } } });
    expect(vdso?.buildId).toMatch(/^[0-9a-f]+$/);
    // 32-bit Linux enters the kernel through the vdso: the waiting threads' innermost frame is in it.
    const waiting = crash.threads.filter((t) => !t.crashed).map((t) => t.frames[0]);
    expect(waiting.some((f) => f?.module === '[vdso]' && f.function === '__kernel_vsyscall')).toBe(true);
    expect(crash.warnings.map((w) => w.message).join('\n')).not.toMatch(/\[vdso\]/);
  }, 60_000);

  it('reads the same stack with gdb and lldb, start-up frames marked, and groups it once', async () => {
    const [gdb, lldb] = await Promise.all([analyzeCore(i386!.core, { debugger: 'gdb' }), analyzeCore(i386!.core, { debugger: 'lldb' })]);
    expect(names(gdb).slice(0, 2)).toEqual(['store_result', 'crashing_worker']);
    expect(names(lldb).slice(0, 2)).toEqual(names(gdb).slice(0, 2));
    expect(crashed(gdb)?.frames[0]).toMatchObject({ file: expect.stringMatching(/worker_thread\.c$/), line: 12 });
    // lldb stops the waiting threads in the vdso (it unwinds no further on i386); gdb goes on to _start.
    expectStartUpMarked(gdb);
    expect(fingerprint(lldb).hash).toBe(fingerprint(gdb).hash);
    // The 32-bit C library has no symbols: its thread-start frames at the stack's end are no crash machinery.
    expect(fingerprint(gdb).title).toBe('SIGSEGV in store_result (worker_thread.c:12)');
  }, 90_000);
});

/** The thread that ran main goes on past it to `_start`, and only those frames are marked as start-up. */
function expectStartUpMarked(crash: CrashAnalysis): void {
  const frames = crash.threads.find((t) => t.frames.some((f) => f.function === 'main'))?.frames ?? [];
  const at = frames.findIndex((f) => f.function === 'main');
  expect(at).toBeGreaterThanOrEqual(0);
  expect(frames.at(-1)?.function).toBe('_start');
  expect(frames.slice(at + 1).every((f) => f.pastMain)).toBe(true);
  expect(frames.slice(0, at + 1).some((f) => f.pastMain)).toBe(false);
}

describe('frames past main', () => {
  it('are shown to _start by gdb and lldb alike, marked, and left out of the fingerprint', async () => {
    const core = fixtures.nullDeref.core;
    const [gdb, lldb] = await Promise.all([analyzeCore(core, { debugger: 'gdb' }), analyzeCore(core, { debugger: 'lldb' })]);
    expectStartUpMarked(gdb);
    expectStartUpMarked(lldb);
    expect(fingerprint(lldb).hash).toBe(fingerprint(gdb).hash);
    const cut = { ...gdb, threads: gdb.threads.map((t) => ({ ...t, frames: t.frames.filter((f) => !f.pastMain) })) };
    expect(fingerprint(cut).hash).toBe(fingerprint(gdb).hash);
  }, 90_000);
});

describe.skipIf(!i386)('a core no installed debugger reads (skipped: no i386 core to relabel; apt-get install gcc-multilib)', () => {
  /** The i386 core relabelled as 32-bit Arm, and a PATH whose only debugger is the machine's own gdb. */
  function armCoreWithOnlyGdb(): { core: string; path: string } {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-arch-'));
    const core = join(dir, 'core');
    const bytes = readFileSync(i386!.core);
    bytes.writeUInt16LE(EM_ARM, 18);
    writeFileSync(core, bytes);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync('/usr/bin/gdb', join(bin, 'gdb'));
    return { core, path: bin };
  }

  it('is refused in words that say what to install, with what the notes say shown', async () => {
    const { core, path } = armCoreWithOnlyGdb();
    const result = await crashwbAsync(['analyze', core, '--json'], { PATH: path });
    const crash = JSON.parse(result.stdout) as CrashAnalysis;
    expect(crash.analysisError).toMatch(/no installed debugger reads 32-bit Arm cores: install gdb-multiarch .* or lldb/);
    expect(crash.threads).toHaveLength(4);
    const top = crashed(crash)?.frames[0];
    expect(top).toMatchObject({ index: 0, trust: 'context' });
    expect(top?.address).toBe(crashed(crash)?.registers.pc);
    expect(result.status).not.toBe(0);
  }, 60_000);
});
