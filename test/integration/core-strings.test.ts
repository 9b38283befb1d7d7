import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readCore } from '../../src/core/elf/core-file';
import { crashForCore } from '../fixtures/crashers';

const fixtures = inject('fixtures');

describe('the command line read back from a core', () => {
  it('finds a command line of 100,000 arguments whose 80-byte copy is cut inside a character', async () => {
    const exe = fixtures.abort.executable;
    // The kernel keeps the first 79 bytes of "exe arg…": make byte 79 the middle of an "é".
    const first = `${'x'.repeat(78 - exe.length - 1)}é`;
    const args = [first, ...Array.from({ length: 100_000 }, (_, i) => String(i % 10))];
    const core = crashForCore(exe, join(mkdtempSync(join(tmpdir(), 'crashwb-strings-')), 'run'), args);
    const info = await readCore(core);
    expect(Buffer.from(info.commandLine).includes(Buffer.from('\uFFFD'))).toBe(true);
    expect(info.argv?.length).toBe(args.length + 1);
    expect(info.argv?.slice(1, 3)).toEqual([first, '0']);
    expect(info.argv?.at(-1)).toBe('9');
  }, 60_000);

  it('keeps empty arguments, even forty of them in a row, as the program was given them', async () => {
    const exe = fixtures.abort.executable;
    const args = ['before', ...Array.from({ length: 40 }, () => ''), 'after', ''];
    const core = crashForCore(exe, join(mkdtempSync(join(tmpdir(), 'crashwb-strings-')), 'run'), args);
    const info = await readCore(core);
    expect(info.argv).toEqual([exe, ...args]);
    expect(info.environment.length).toBeGreaterThan(0);
  }, 60_000);
});
