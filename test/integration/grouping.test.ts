import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import { buildCorpus, type LabelledCore } from '../fixtures/corpus';
import { score } from '../fixtures/scoring';

const root = mkdtempSync(join(tmpdir(), 'crashwb-corpus-'));
let corpus: LabelledCore[] = [];
const predicted = new Map<string, string>();

beforeAll(async () => {
  corpus = buildCorpus(root, 'small');
  const queue = [...corpus];
  await Promise.all(
    [0, 1].map(async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const crash = await analyzeCore(item.core, { debugDirs: item.debugDir ? [item.debugDir] : [] });
        predicted.set(item.core, fingerprint(crash).hash);
      }
    }),
  );
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('grouping a labelled corpus of C, C++ and Rust crashes', () => {
  it('covers every kind of variation the corpus is built with', () => {
    const variants = new Set(corpus.map((c) => c.variant));
    for (const v of ['v1/single/native', 'v1/thread/native', 'prod-stripped-O2/single/old']) expect(variants).toContain(v);
    expect(new Set(corpus.map((c) => c.bug)).size).toBeGreaterThanOrEqual(15);
  });

  it('puts every crash of one bug in one group and no two bugs together (pairwise F1 ≥ 0.95)', () => {
    const scores = score(corpus.map((c) => ({ truth: c.bug, predicted: predicted.get(c.core) ?? 'missing' })));
    expect(scores.pairwise.precision).toBeGreaterThanOrEqual(0.95);
    expect(scores.pairwise.f1).toBeGreaterThanOrEqual(0.95);
  });
});
