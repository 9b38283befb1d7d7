import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import { DebuggerPool } from '../../src/core/debugger/debugger-pool';
import { buildVariantCorpus } from '../fixtures/build-variants';
import type { LabelledCore } from '../fixtures/corpus';
import { score } from '../fixtures/scoring';

const root = mkdtempSync(join(tmpdir(), 'crashwb-builds-'));
let cores: LabelledCore[] = [];
let missing: string[] = [];
const hashes = new Map<string, string>();

beforeAll(async () => {
  ({ cores, missing } = buildVariantCorpus(root));
  const pool = new DebuggerPool(1);
  try {
    for (const item of cores) hashes.set(item.core, fingerprint(await analyzeCore(item.core, { pool })).hash);
  } finally {
    await pool.close();
  }
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const hashesOf = (bug: string): Set<string | undefined> => new Set(cores.filter((c) => c.bug === bug).map((c) => hashes.get(c.core)));

describe('one defect, one group, however it was built', () => {
  it('builds every defect with gcc and clang at several levels and Rust at three, each crashed from main and from a worker', () => {
    expect(missing, 'compilers this machine lacks (apt-get install clang)').toEqual([]);
    expect(new Set(cores.map((c) => c.variant))).toEqual(
      new Set(['gcc-O0', 'gcc-O2', 'gcc-O3', 'clang-O0', 'clang-O2', 'rust-O0', 'rust-O1', 'rust-O3']),
    );
    for (const bug of new Set(cores.map((c) => c.bug))) {
      const threaded = cores.filter((c) => c.bug === bug && c.core.includes('-thread/')).length;
      expect(threaded, `${bug} crashed from a worker thread`).toBeGreaterThan(0);
    }
  });

  it('groups a C++ string built from a null pointer alike, whether std::string’s helpers are frames or inlined', () => {
    expect(cores.filter((c) => c.bug === 'cpp:string-null')).toHaveLength(10);
    expect(hashesOf('cpp:string-null').size).toBe(1);
  });

  it('groups a crash in a lambda alike whatever the compiler named the iterator that faulted', () => {
    expect(hashesOf('cpp:lambda-index').size).toBe(1);
  });

  it('groups a lambda in an anonymous namespace alike, whichever compiler named it and whichever thread ran it', () => {
    expect(cores.filter((c) => c.bug === 'cpp:anon-lambda')).toHaveLength(10);
    expect(hashesOf('cpp:anon-lambda').size).toBe(1);
  });

  it('puts back a helper that left the stack by a tail call, so -O2 groups with -O0, for gcc and clang', async () => {
    expect(cores.filter((c) => c.bug === 'c:tail-strlen')).toHaveLength(10);
    expect(hashesOf('c:tail-strlen').size).toBe(1);
    expect(cores.filter((c) => c.bug === 'c:tail-free')).toHaveLength(10);
    expect(hashesOf('c:tail-free').size).toBe(1);
  });

  it('keeps every defect apart and in one group, the corpus’s F1 across builds at 0.97 or more', () => {
    const scores = score(cores.map((c) => ({ truth: c.bug, predicted: hashes.get(c.core) ?? 'missing' })));
    expect(scores.pairwise.precision).toBe(1);
    expect(scores.pairwise.f1).toBeGreaterThanOrEqual(0.97);
    for (const bug of new Set(cores.map((c) => c.bug))) expect(hashesOf(bug).size, `${bug}: one group`).toBe(1);
  });
});
