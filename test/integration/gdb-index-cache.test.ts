import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { SymbolCache } from '../../src/core/symbols/symbol-cache';
import type { CrashAnalysis } from '../../src/shared/model';

const fixtures = inject('fixtures');

const comparable = (crash: CrashAnalysis): unknown => ({ ...crash, analyzedAt: undefined });

describe('gdb’s index of debug info, kept in the symbol cache', () => {
  it('is written on the first analysis, and the next one reads it and finds the same threads, frames and locals', async () => {
    const cache = new SymbolCache(join(mkdtempSync(join(tmpdir(), 'crashwb-index-')), 'symbols'));
    const cold = await analyzeCore(fixtures.workerThread.core, { symbolCache: cache });
    const indexes = readdirSync(cache.gdbIndexDir).filter((name) => name.endsWith('.gdb-index'));
    // One per file with debug info: the program, and libc's where its debug package is installed.
    expect(indexes.length).toBeGreaterThanOrEqual(1);
    const warm = await analyzeCore(fixtures.workerThread.core, { symbolCache: cache });
    expect(comparable(warm)).toEqual(comparable(cold));
    expect(warm.threads.find((t) => t.crashed)?.locals['0']?.map((v) => v.name)).toContain('job');
  });

  // Skipped, and so reported, where no Rust compiler built the fixture.
  it.skipIf(!fixtures.rust)(
    'gives the same stack to _start, start-up marked after C main, whether the index was cold or warm, for Rust too',
    async () => {
      const rust = fixtures.rust;
      if (!rust) throw new Error('unreachable: skipped without the Rust fixture');
      const cache = new SymbolCache(join(mkdtempSync(join(tmpdir(), 'crashwb-index-')), 'symbols'));
      const cold = await analyzeCore(rust.core, { symbolCache: cache, executable: rust.executable });
      const warm = await analyzeCore(rust.core, { symbolCache: cache, executable: rust.executable });
      const frames = (c: CrashAnalysis) => c.threads.find((t) => t.crashed)?.frames.map((f) => f.function) ?? [];
      expect(frames(warm)).toEqual(frames(cold));
      expect(frames(cold).at(-1)).toBe('_start');
      const crashed = cold.threads.find((t) => t.crashed)?.frames ?? [];
      const main = crashed.findIndex((f) => f.function === 'main');
      expect(main).toBeGreaterThan(0);
      expect(crashed.map((f) => f.pastMain === true)).toEqual(crashed.map((_, i) => i > main));
    },
  );

  it('is emptied with the rest of the cache', async () => {
    const cache = new SymbolCache(join(mkdtempSync(join(tmpdir(), 'crashwb-index-')), 'symbols'));
    await analyzeCore(fixtures.nullDeref.core, { symbolCache: cache });
    expect((await cache.usage()).files).toBeGreaterThan(0);
    await cache.clear();
    expect((await cache.usage()).files).toBe(0);
  });
});
