import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBreakpadSymbols } from '../../src/core/breakpad/sym-locate';
import { readMinidump } from '../../src/core/minidump/minidump-file';
import { walkMinidump } from '../../src/core/minidump/minidump-stacks';
import type { CoreModule } from '../../src/core/elf/core-file';
import type { Frame } from '../../src/shared/model';
import { sharedStackDump } from '../fixtures/shared-stack-dump';
import { KERNEL32_BASE, macArm64, windowsAmd64, windowsX86, WIN_DEBUG_ID, type Scenario } from '../fixtures/stackwalk-scenarios';

const dir = mkdtempSync(join(tmpdir(), 'crashwb-stackwalk-'));

async function walk(scenario: Scenario, debugDirs = [scenario.symbols]) {
  const core = await readMinidump(scenario.dump);
  const { found, warnings } = await loadBreakpadSymbols(core.modules, { debugDirs, servers: [], cache: null });
  const { stacks, frameRegisters } = await walkMinidump(scenario.dump, core.modules, found);
  return { core, stacks, frameRegisters, warnings, found };
}

const brief = (frames: Frame[] | undefined) =>
  (frames ?? []).map((f) => ({
    function: f.function ?? `${f.module} + ${f.moduleOffset}`,
    where: f.file ? `${f.file.split(/[\\/]/).pop()}:${f.line}` : null,
    trust: f.trust,
    inline: f.inline,
  }));

describe('walking a minidump’s stacks from its memory, named by Breakpad symbols', () => {
  it('walks a Windows amd64 crash by CFI and scan (no frame pointers on Windows x64), with inlined frames, files and lines', async () => {
    const { core, stacks, frameRegisters, warnings } = await walk(windowsAmd64(join(dir, 'win64')));
    expect(warnings).toEqual([]);
    expect(core.signal).toMatchObject({ name: 'EXCEPTION_ACCESS_VIOLATION_WRITE', faultAddress: '0x45' });
    expect(core.uptimeSeconds).toBe(3725);
    expect(core.pid).toBe(5150);
    expect(core.threads[0]?.registers.rip).toBe('0x7ff612341015');
    expect(brief(stacks.get(4242))).toEqual([
      { function: 'CrashFunction()', where: 'test_app.cc:58', trust: 'context', inline: false },
      { function: 'helper_write(int*)', where: 'test_app.cc:71', trust: 'cfi', inline: true },
      { function: 'main', where: 'test_app.cc:65', trust: 'cfi', inline: false },
      // Windows x64 code keeps no frame pointer chain: Breakpad scans there, and so does the walk.
      { function: 'mainCRTStartup', where: null, trust: 'scan', inline: false },
      { function: 'C:\\Windows\\System32\\kernel32.dll + 0x1234', where: null, trust: 'scan', inline: false },
    ]);
    // main's registers as CFI restored them: %rsp past CrashFunction's frame, %rbp from its save slot.
    expect(frameRegisters.get(4242)?.['2']).toMatchObject({ rip: '0x7ff612341131', rsp: '0xe81f000010', rbp: '0xe81f000040' });
    expect(frameRegisters.get(4242)?.['1']).toBeUndefined();
    expect(stacks.get(4242)?.[4]).toMatchObject({ address: `0x${(KERNEL32_BASE + 0x1234n).toString(16)}`, moduleOffset: '0x1234' });
    // A thread in a module without symbols still says where it is, never a bare address.
    expect(brief(stacks.get(4243))).toEqual([
      { function: 'C:\\Windows\\System32\\kernel32.dll + 0x500', where: null, trust: 'context', inline: false },
    ]);
  });

  it('walks a Windows x86 crash by STACK WIN frame data: a program, then FPO sizes', async () => {
    const { stacks } = await walk(windowsX86(join(dir, 'win32')));
    expect(brief(stacks.get(12))).toEqual([
      { function: 'parse_header', where: 'parse.c:12', trust: 'context', inline: false },
      { function: 'read_config', where: 'parse.c:30', trust: 'cfi', inline: false },
      { function: 'main', where: 'parse.c:44', trust: 'cfi', inline: false },
    ]);
  });

  it('walks a macOS arm64 leaf crash through the link register and signed frame records', async () => {
    const { core, stacks } = await walk(macArm64(join(dir, 'mac')));
    expect(core.signal.name).toBe('EXC_BAD_ACCESS');
    expect(brief(stacks.get(259))).toEqual([
      { function: 'leaf_crash', where: 'main.m:9', trust: 'context', inline: false },
      { function: 'caller', where: 'main.m:15', trust: 'frame-pointer', inline: false },
      { function: 'main', where: 'main.m:22', trust: 'frame-pointer', inline: false },
      { function: '/usr/lib/dyld + 0x6f10', where: null, trust: 'frame-pointer', inline: false },
    ]);
  });

  it('without symbols, names every frame by module and offset, and trusts no CFI it does not have', async () => {
    const { stacks } = await walk(windowsAmd64(join(dir, 'win64-bare')), []);
    const frames = stacks.get(4242) ?? [];
    expect(frames[0]).toMatchObject({ function: null, module: 'C:\\test_app\\test_app.exe', moduleOffset: '0x1015', trust: 'context' });
    expect(frames.every((f) => f.function !== null || f.moduleOffset !== undefined)).toBe(true);
    expect(frames.some((f) => f.trust === 'cfi')).toBe(false);
  });

  it('uses a symbol file only when its MODULE line names the module’s debug id', async () => {
    const scenario = windowsAmd64(join(dir, 'win64-other'));
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const other = join(dir, 'win64-other', 'other-build');
    mkdirSync(join(other, 'test_app.pdb', WIN_DEBUG_ID), { recursive: true });
    writeFileSync(
      join(other, 'test_app.pdb', WIN_DEBUG_ID, 'test_app.sym'),
      'MODULE windows x86_64 0123456789ABCDEF0123456789ABCDEF1 test_app.pdb\nFUNC 1000 40 0 Wrong\n',
    );
    const { stacks, warnings } = await walk(scenario, [other]);
    expect(stacks.get(4242)?.[0]?.function).toBeNull();
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /test_app\.sym was not used for C:\\test_app\\test_app\.exe: its debug id is 0123456789ABCDEF0123456789ABCDEF1, the module's is 33221100554477668899AABBCCDDEEFF1/,
      ),
    ]);
  });
});

describe('a minidump whose threads all point at one stack', () => {
  it('walks in proportion to the file, not to threads × stack: identical threads once, all under a frame budget', async () => {
    const path = sharedStackDump(join(mkdtempSync(join(tmpdir(), 'crashwb-shared-stack-')), 'shared.dmp'), 2000, 16_000);
    const size = statSync(path).size;
    const app = { path: 'C:\\app\\app.exe', start: 0x400000n, end: 0x410000n } as CoreModule;
    const walked = await walkMinidump(path, [app], new Map());
    const frames = [...walked.stacks.values()].reduce((sum, stack) => sum + stack.length, 0);
    // Unbounded, this dump of ~230 KB walked 2,048,000 frames in 22 s and 2.6 GB.
    expect(walked.stacks.size).toBe(2000);
    expect(frames).toBeLessThanOrEqual(Math.max(16_384, size / 16) + 2000);
    expect([...walked.stacks.values()].every((stack) => stack.length >= 1)).toBe(true);
    expect(walked.cut.size).toBeGreaterThan(1900);
    // The first threads are walked whole, as a real dump's would be.
    expect(walked.stacks.get(1)).toHaveLength(1024);
  });
});
