import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import { DEFAULT_RULES } from '../../src/core/fingerprint/rules/default-rules';
import { compileRules, type Ruleset } from '../../src/core/fingerprint/rules/ruleset';
import type { CrashAnalysis } from '../../src/shared/model';
import { buildCorpus, buildRuleCases, RULE_CASE_RULES, type LabelledCore } from '../fixtures/corpus';
import { score } from '../fixtures/scoring';

const root = mkdtempSync(join(tmpdir(), 'crashwb-corpus-'));
let corpus: LabelledCore[] = [];
let ruleCases: LabelledCore[] = [];
const predicted = new Map<string, string>();
const analyses = new Map<string, CrashAnalysis>();
/** The default rules followed by the rule cases' own, as a database's rules file would read. */
const withCaseRules: Ruleset = compileRules(`${DEFAULT_RULES}\n${readFileSync(RULE_CASE_RULES, 'utf8')}`, RULE_CASE_RULES);

beforeAll(async () => {
  corpus = buildCorpus(root, 'small');
  ruleCases = buildRuleCases(root);
  const queue = [...corpus, ...ruleCases];
  await Promise.all(
    [0, 1].map(async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const crash = await analyzeCore(item.core, { debugDirs: item.debugDir ? [item.debugDir] : [] });
        predicted.set(item.core, fingerprint(crash).hash);
        analyses.set(item.core, crash);
      }
    }),
  );
}, 300_000);

const scoreOf = (items: LabelledCore[], group: (item: LabelledCore) => string) =>
  score(items.map((c) => ({ truth: c.bug, predicted: group(c) })));
const byRules = (item: LabelledCore): string => fingerprint(analyses.get(item.core) as CrashAnalysis, withCaseRules).hash;

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('grouping a labelled corpus of C, C++ and Rust crashes', () => {
  it('covers every kind of variation the corpus is built with', () => {
    const variants = new Set(corpus.map((c) => c.variant));
    for (const v of ['v1/single/native', 'v1/thread/native', 'prod-stripped-O2/single/old']) expect(variants).toContain(v);
    expect(new Set(corpus.map((c) => c.bug)).size).toBeGreaterThanOrEqual(15);
  });

  it('puts every crash of one bug in one group and no two bugs together (pairwise F1 ≥ 0.95)', () => {
    const scores = scoreOf(corpus, (c) => predicted.get(c.core) ?? 'missing');
    expect(scores.pairwise.precision).toBeGreaterThanOrEqual(0.95);
    expect(scores.pairwise.f1).toBeGreaterThanOrEqual(0.95);
  });
});

describe('crashes the default rules group wrongly, and the rule that puts each right', () => {
  const hashes = (bug: string) => new Set(ruleCases.filter((c) => c.bug === `rules:${bug}`).map((c) => predicted.get(c.core)));
  const same = (a: string, b: string) => [...hashes(a)].some((h) => hashes(b).has(h));

  it('are real crashes of each case, in two builds and on two CPUs', () => {
    expect(new Set(ruleCases.map((c) => c.bug)).size).toBe(7);
    expect(new Set(ruleCases.map((c) => c.variant))).toEqual(new Set(['O0/native', 'O0/old', 'O2/native', 'O2/old']));
  });

  it('are joined by the default rules: every failed check through a wrapper of abort, every NULL to a helper, every bad record in a vendor library', () => {
    expect(same('fatal-config', 'fatal-disk')).toBe(true);
    expect(same('dup-name', 'dup-path')).toBe(true);
    expect(same('vendor-users', 'vendor-orders')).toBe(true);
    expect(scoreOf(ruleCases, (c) => predicted.get(c.core) ?? 'missing').pairwise.precision).toBeLessThan(0.6);
  });

  it('splits by the default rules a handler never registered, by the dispatcher that called it', () => {
    expect(hashes('callback-unset').size).toBe(2);
    const titles = ruleCases
      .filter((c) => c.bug === 'rules:callback-unset')
      .map((c) => fingerprint(analyses.get(c.core) as CrashAnalysis).title);
    expect(new Set(titles)).toEqual(
      new Set(['SIGSEGV in <unknown module> → dispatch_timer', 'SIGSEGV in <unknown module> → dispatch_input']),
    );
  });

  it('are one group a bug under the rules file: the wrapper as machinery, the helper as a prefix, the vendor library and the dispatchers left out', () => {
    const scores = scoreOf(ruleCases, byRules);
    expect(scores.pairwise.precision).toBe(1);
    expect(scores.pairwise.recall).toBe(1);
    const title = (bug: string) =>
      fingerprint(analyses.get(ruleCases.find((c) => c.bug === `rules:${bug}`)?.core ?? '') as CrashAnalysis, withCaseRules).title;
    expect(title('fatal-config')).toMatch(/^abort in check_config/);
    expect(title('dup-path')).toMatch(/strlen → dup_text → load_path/);
    expect(title('vendor-orders')).toMatch(/in import_orders/);
    expect(title('callback-unset')).toBe('SIGSEGV in <unknown module> → event_loop');
  });

  it('leave the rest of the labelled corpus grouped as it was', () => {
    const before = new Map(corpus.map((c) => [c.core, predicted.get(c.core) ?? 'missing']));
    // Scored against the default grouping as truth: the rules file moves none of the corpus.
    const moved = score(corpus.map((c) => ({ truth: before.get(c.core) ?? '', predicted: byRules(c) })));
    expect(moved.pairwise.f1).toBe(1);
    expect(scoreOf([...corpus, ...ruleCases], byRules).pairwise.precision).toBe(1);
  });
});
