import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMinidump } from '../../src/core/minidump/minidump-file';
import { windowsDump, writeSyntheticMinidump, writeViolation } from '../fixtures/minidump-writer';

const dir = mkdtempSync(join(tmpdir(), 'crashwb-dmp-platforms-'));
const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

describe('minidumps from other platforms: the crash reason as the platform gives it', () => {
  it('names a Windows access violation with its kind and address, as minidump-stackwalk does', async () => {
    const path = writeSyntheticMinidump(
      join(dir, 'win64.dmp'),
      windowsDump({
        exception: writeViolation(4242, 0x7ff6_1234_5678n, 0x45n),
        threads: [4240, 4242],
        modules: [
          { name: 'C:\\test_app\\test_app.exe', base: 0x7ff6_1234_0000n, size: 0x10000, pdb: { guid, age: 1, file: 'test_app.pdb' } },
        ],
      }),
    );
    const info = await readMinidump(path);
    expect(info.signal).toMatchObject({
      name: 'EXCEPTION_ACCESS_VIOLATION_WRITE',
      faultAddress: '0x45',
      codeName: 'EXCEPTION_ACCESS_VIOLATION',
    });
    expect(info.signal.explanation).toBe(
      'EXCEPTION_ACCESS_VIOLATION_WRITE at 0x45: writing memory the process may not touch — a NULL pointer dereference (a field 0x45 bytes into a NULL object)',
    );
    expect(info.signal.explanation).not.toMatch(/kill/);
    expect(info.crashingThreadId).toBe(4242);
    expect(info.system).toEqual({ os: 'Windows NT', osVersion: '10.0.19045', cpu: 'amd64' });
    expect(info.executablePath).toBe('C:\\test_app\\test_app.exe');
    // The symbol store's name for it: GUID fields as little-endian numbers, then the age.
    expect(info.modules[0]).toMatchObject({ debugId: '33221100554477668899AABBCCDDEEFF1', debugName: 'test_app.pdb', buildId: null });
  });

  it('names other Windows exceptions, and says so for a code it does not know', async () => {
    const divide = await readMinidump(
      writeSyntheticMinidump(join(dir, 'win32.dmp'), {
        platform: 'windows',
        arch: 'x86',
        osVersion: [6, 1, 7601],
        exception: { threadId: 7, code: 0xc0000094, flags: 0, address: 0x401020n },
        threads: [7],
        modules: [],
      }),
    );
    expect(divide.signal.name).toBe('EXCEPTION_INT_DIVIDE_BY_ZERO');
    expect(divide.signal.explanation).toMatch(/^EXCEPTION_INT_DIVIDE_BY_ZERO at 0x401020: an integer division by zero/);
    expect(divide.system?.cpu).toBe('x86');
    const unknown = await readMinidump(
      writeSyntheticMinidump(
        join(dir, 'win-unknown.dmp'),
        windowsDump({ osVersion: [10, 0, 1], exception: { threadId: 1, code: 0xc0001234, flags: 0, address: 0x1000n } }),
      ),
    );
    expect(unknown.signal.name).toBe('EXCEPTION_0xc0001234');
  });

  it('names a macOS Mach exception with its code, and the address of a bad access', async () => {
    const info = await readMinidump(
      writeSyntheticMinidump(join(dir, 'mac.dmp'), {
        platform: 'macos',
        arch: 'arm64',
        osVersion: [14, 4, 0],
        exception: { threadId: 259, code: 1, flags: 1, address: 0x10n },
        threads: [259],
        modules: [{ name: '/Applications/Test.app/Contents/MacOS/Test', base: 0x1_0000_0000n, size: 0x8000 }],
      }),
    );
    expect(info.signal).toMatchObject({ name: 'EXC_BAD_ACCESS', codeName: 'KERN_INVALID_ADDRESS', faultAddress: '0x10' });
    expect(info.signal.explanation).toBe(
      'EXC_BAD_ACCESS / KERN_INVALID_ADDRESS at 0x10: the address is not mapped — a NULL pointer dereference (a field 0x10 bytes into a NULL object)',
    );
    expect(info.system).toEqual({ os: 'Mac OS X', osVersion: '14.4.0', cpu: 'arm64' });
  });

  it('keeps reading a Linux dump as signals', async () => {
    const info = await readMinidump(
      writeSyntheticMinidump(join(dir, 'linux.dmp'), {
        platform: 'linux',
        arch: 'amd64',
        osVersion: [6, 1, 0],
        exception: { threadId: 5, code: 11, flags: 1, address: 0n },
        threads: [5],
        modules: [],
      }),
    );
    expect(info.signal.name).toBe('SIGSEGV');
    expect(info.system?.os).toBe('Linux');
  });
});

describe('minidumps that lie about themselves', () => {
  const base = () =>
    writeSyntheticMinidump(
      join(dir, `lying-${Math.random().toString(36).slice(2)}.dmp`),
      windowsDump({
        exception: writeViolation(1, 0x1000n, 0x45n),
        threads: [
          { id: 1, registers: { rip: 0x1000n, rsp: 0x2000n } },
          { id: 2, registers: { rip: 0x1100n, rsp: 0x3000n } },
        ],
        modules: [{ name: 'C:\\app.exe', base: 0x1000n, size: 0x1000 }],
      }),
    );
  const streamAt = (bytes: Buffer, type: number): number => {
    const directory = bytes.readUInt32LE(12);
    for (let i = 0; i < bytes.readUInt32LE(8); i++)
      if (bytes.readUInt32LE(directory + i * 12) === type) return bytes.readUInt32LE(directory + i * 12 + 8);
    throw new Error(`no stream ${type}`);
  };
  const rewrite = (path: string, edit: (bytes: Buffer) => void): string => {
    const bytes = readFileSync(path);
    edit(bytes);
    writeFileSync(path, bytes);
    return path;
  };

  it('reads the threads and modules its lists hold when their counts claim more, and says so', async () => {
    const path = rewrite(base(), (b) => {
      b.writeUInt32LE(1_000_000, streamAt(b, 3));
      b.writeUInt32LE(70_000, streamAt(b, 4));
    });
    const info = await readMinidump(path);
    expect(info.threads.map((t) => t.tid)).toEqual([1, 2]);
    expect(info.modules).toHaveLength(1);
    expect(info.damage).toEqual(['its thread list claims 1000000 threads and holds 2', 'its module list claims 70000 modules and holds 1']);
  });

  it('keeps a thread whose registers lie outside the file, without them, and says which', async () => {
    const path = rewrite(base(), (b) => {
      const list = streamAt(b, 3);
      b.writeUInt32LE(0x7fff_0000, list + 4 + 48 + 44);
    });
    const info = await readMinidump(path);
    expect(info.threads.find((t) => t.tid === 2)?.registers).toEqual({});
    expect(info.threads.find((t) => t.tid === 1)?.registers.rip).toBe('0x1000');
    expect(info.damage).toEqual([
      expect.stringMatching(/^thread 2's registers \(1232 bytes at 2147418112\) are not in the file of \d+ bytes$/),
    ]);
  });

  it('says which part is cut off when a stream points past the end', async () => {
    const path = rewrite(base(), (b) => {
      const directory = b.readUInt32LE(12);
      for (let i = 0; i < b.readUInt32LE(8); i++)
        if (b.readUInt32LE(directory + i * 12) === 4) b.writeUInt32LE(b.length + 100, directory + i * 12 + 8);
    });
    await expect(readMinidump(path)).rejects.toThrow(new RegExp(`${path}: the minidump is cut off in its module list`));
  });
});
