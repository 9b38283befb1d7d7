import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readCore } from '../../src/core/elf/core-file';
import { NT_FILE, NT_PRPSINFO, NT_PRSTATUS, NT_SIGINFO } from '../../src/core/elf/notes';
import { buildCore, elfHeader, fileNote, prpsinfo, prstatus, siginfo } from '../fixtures/elf-builder';

const dir = mkdtempSync(join(tmpdir(), 'crashwb-elf-'));
let n = 0;
const write = (bytes: Buffer): string => {
  const path = join(dir, `file-${n++}`);
  writeFileSync(path, bytes);
  return path;
};

const twoThreads = [
  { name: 'CORE', type: NT_PRSTATUS, desc: prstatus(4242, 11, 0x401136n, 0x7ffd0000n) },
  { name: 'CORE', type: NT_PRPSINFO, desc: prpsinfo(4240, 'server', '/usr/bin/server --port 80') },
  { name: 'CORE', type: NT_SIGINFO, desc: siginfo(11, 1, 0x10n) },
  { name: 'CORE', type: NT_PRSTATUS, desc: prstatus(4240, 0, 0x401000n, 0x7ffe0000n) },
  { name: 'CORE', type: NT_FILE, desc: fileNote([{ start: 0x400000n, end: 0x402000n, page: 0n, path: '/usr/bin/server' }]) },
];

describe('ELF core reader on hand-made cores', () => {
  it('reads signal, fault address, pid, command line and threads from the notes', async () => {
    const core = await readCore(write(buildCore(twoThreads)));
    expect(core.signal).toMatchObject({ number: 11, name: 'SIGSEGV', code: 1, codeName: 'SEGV_MAPERR', faultAddress: '0x10' });
    expect(core.pid).toBe(4240);
    expect(core.commandLine).toBe('/usr/bin/server --port 80');
    expect(core.threads.map((t) => t.tid)).toEqual([4242, 4240]);
    expect(core.crashingThreadId).toBe(4242);
    expect(core.threads[0]?.registers.rip).toBe('0x401136');
    expect(core.mappings).toEqual([{ start: 0x400000n, end: 0x402000n, fileOffset: 0n, path: '/usr/bin/server' }]);
  });

  it('reports a core cut short after its notes as truncated, with both sizes', async () => {
    const core = await readCore(write(buildCore(twoThreads, { loadBytes: 1 << 20 })));
    expect(core.truncation).not.toBeNull();
    expect(core.truncation?.expected).toBeGreaterThan(core.truncation?.actual ?? Infinity);
  });

  it('refuses a core cut inside its notes, saying it was cut off', async () => {
    const whole = buildCore(twoThreads);
    await expect(readCore(write(whole.subarray(0, whole.length - 40)))).rejects.toThrow(/truncated.*cut off/);
  });

  it('refuses an empty file, naming it and the likely cause', async () => {
    const path = write(Buffer.alloc(0));
    await expect(readCore(path)).rejects.toThrow(new RegExp(`${path}: the file is empty.*ulimit`));
  });

  it('refuses a file that is not ELF and suggests decompressing', async () => {
    await expect(readCore(write(Buffer.from('\x28\xb5\x2f\xfd zstd frame')))).rejects.toThrow(/not an ELF file.*decompress/);
  });

  it('refuses an executable given in place of a core and says to pass it as --exe', async () => {
    await expect(readCore(write(elfHeader(3, 0)))).rejects.toThrow(/not a core dump; pass it as --exe/);
  });

  it('refuses big-endian files and an ELF class that is neither 32- nor 64-bit explicitly', async () => {
    const odd = elfHeader(4, 0);
    odd[4] = 3;
    await expect(readCore(write(odd))).rejects.toThrow(/class 3 is neither 32- nor 64-bit/);
    const be = elfHeader(4, 0);
    be[5] = 2;
    await expect(readCore(write(be))).rejects.toThrow(/big-endian/);
  });

  it('refuses a core without thread notes', async () => {
    await expect(readCore(write(buildCore([twoThreads[1]!])))).rejects.toThrow(/no thread status notes/);
  });

  it('refuses a header cut short', async () => {
    await expect(readCore(write(elfHeader(4, 1).subarray(0, 40)))).rejects.toThrow(/shorter than an ELF header/);
  });
});

describe('ELF core reader on real cores', () => {
  const fixtures = inject('fixtures');

  it('finds the executable and the build-ids of the executable and libc', async () => {
    const fx = fixtures.nullDeref;
    const core = await readCore(fx.core);
    expect(core.executablePath).toBe(fx.executable);
    expect(core.signal.explanation).toMatch(/^SIGSEGV at 0x8: address not mapped — a NULL pointer dereference \(a field 0x8 bytes/);
    const exe = core.modules.find((m) => m.path === fx.executable);
    expect(exe?.buildId).toMatch(/^[0-9a-f]{40}$/);
    expect(core.modules.find((m) => /libc\.so/.test(m.path))?.buildId).toMatch(/^[0-9a-f]{40}$/);
    expect(core.truncation).toBeNull();
  });

  it('marks the worker thread, not the main thread, as the crashing one', async () => {
    const core = await readCore(fixtures.workerThread.core);
    expect(core.threads).toHaveLength(4);
    expect(core.crashingThreadId).not.toBe(core.pid);
  });

  it('reads an abort as SIGABRT sent by the process to itself', async () => {
    const core = await readCore(fixtures.abort.core);
    expect(core.signal).toMatchObject({ name: 'SIGABRT', codeName: 'SI_TKILL', senderPid: core.pid });
  });
});
