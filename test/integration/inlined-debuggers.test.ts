import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import { analyzeCore } from '../../src/core/intake/analyze';
import { crashForCore } from '../fixtures/crashers';

/** A crash through two inlined calls: fubar, inlined into fu, inlined into outer. */
const PROGRAM = `#include <stddef.h>
static inline __attribute__((always_inline)) int fubar(int *p) { return *p + 1; }
static inline __attribute__((always_inline)) int fu(int *p) { return fubar(p) * 2; }
__attribute__((noinline)) int outer(int *p) { return fu(p) + 3; }
int main(int argc, char **argv) { (void)argv; return outer(argc > 5 ? &argc : NULL); }
`;
let core = '';

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'crashwb-inlined-'));
  writeFileSync(join(dir, 'inlined.c'), PROGRAM);
  execFileSync('gcc', ['-g', '-O2', '-o', join(dir, 'inlined'), join(dir, 'inlined.c')]);
  core = crashForCore(join(dir, 'inlined'), join(dir, 'run'));
});

describe('inlined frames under gdb and lldb', () => {
  it('reads them with the same names and inline marks, so one crash has one fingerprint', async () => {
    const [gdb, lldb] = await Promise.all([analyzeCore(core, { debugger: 'gdb' }), analyzeCore(core, { debugger: 'lldb' })]);
    const top = (frames: { function: string | null; inline: boolean }[]) => frames.slice(0, 4).map((f) => [f.function, f.inline]);
    const crashed = (c: typeof gdb) => c.threads.find((t) => t.crashed)?.frames ?? [];
    expect(top(crashed(gdb))).toEqual([
      ['fubar', true],
      ['fu', true],
      ['outer', false],
      ['main', false],
    ]);
    expect(top(crashed(lldb))).toEqual(top(crashed(gdb)));
    expect(fingerprint(lldb).hash).toBe(fingerprint(gdb).hash);
  }, 60_000);
});
