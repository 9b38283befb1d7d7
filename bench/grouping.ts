import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CrashAnalysis } from '../src/shared/model';
import { analyzeCore } from '../src/core/intake/analyze';
import { fingerprint } from '../src/core/fingerprint/fingerprint';
import { readFileSync } from 'node:fs';
import { DEFAULT_RULES } from '../src/core/fingerprint/rules/default-rules';
import { compileRules } from '../src/core/fingerprint/rules/ruleset';
import { buildCorpus, buildRuleCases, RULE_CASE_RULES } from '../test/fixtures/corpus';
import { buildVariantCorpus } from '../test/fixtures/build-variants';
import { score, type Scores } from '../test/fixtures/scoring';

/** The naive baseline the issue names: top five frames as function:file, hashed. */
function naive(crash: CrashAnalysis): string {
  const thread = crash.threads.find((t) => t.crashed) ?? crash.threads[0];
  const top = (thread?.frames ?? []).slice(0, 5).map((f) => `${f.function}:${f.file}`);
  return createHash('sha256').update(top.join('\n')).digest('hex');
}

const show = (label: string, s: Scores): string =>
  `${label.padEnd(22)} pairwise P ${s.pairwise.precision.toFixed(3)} R ${s.pairwise.recall.toFixed(3)} F1 ${s.pairwise.f1.toFixed(3)} | B-cubed P ${s.bcubed.precision.toFixed(3)} R ${s.bcubed.recall.toFixed(3)} F1 ${s.bcubed.f1.toFixed(3)}`;

export async function benchGrouping(root: string): Promise<void> {
  const started = Date.now();
  const corpus = buildCorpus(join(root, 'corpus'), 'full');
  const built = Date.now() - started;
  const rows: Array<{ truth: string; ours: string; naive: string }> = [];
  const queue = [...corpus];
  await Promise.all(
    [0, 1].map(async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const crash = await analyzeCore(item.core, { debugDirs: item.debugDir ? [item.debugDir] : [] });
        rows.push({ truth: item.bug, ours: fingerprint(crash).hash, naive: naive(crash) });
      }
    }),
  );
  const bugs = new Set(rows.map((r) => r.truth)).size;
  console.log(
    `grouping: ${rows.length} crashes of ${bugs} bugs (C, C++, Rust; versions, stripped -O2 builds, threads, CPU variants); built in ${built} ms, analysed in ${Date.now() - started - built} ms`,
  );
  console.log(show('fingerprint', score(rows.map((r) => ({ truth: r.truth, predicted: r.ours })))));
  console.log(show('naive top-5 baseline', score(rows.map((r) => ({ truth: r.truth, predicted: r.naive })))));
  console.log(`groups: ${new Set(rows.map((r) => r.ours)).size} (truth ${bugs})`);
  await benchRuleCases(root);
}

/** The crashes the default rules group wrongly, scored with the default rules and with the rules file that puts them right. */
async function benchRuleCases(root: string): Promise<void> {
  const cases = buildRuleCases(join(root, 'rule-cases'));
  const rules = compileRules(`${DEFAULT_RULES}\n${readFileSync(RULE_CASE_RULES, 'utf8')}`, RULE_CASE_RULES);
  const rows: Array<{ truth: string; byDefault: string; byRules: string }> = [];
  for (const item of cases) {
    const crash = await analyzeCore(item.core);
    rows.push({ truth: item.bug, byDefault: fingerprint(crash).hash, byRules: fingerprint(crash, rules).hash });
  }
  console.log(
    `rule cases: ${rows.length} crashes of ${new Set(rows.map((r) => r.truth)).size} bugs (test/fixtures/corpus-programs/rule-cases.*)`,
  );
  console.log(show('default rules', score(rows.map((r) => ({ truth: r.truth, predicted: r.byDefault })))));
  console.log(show('with rule-cases.rules', score(rows.map((r) => ({ truth: r.truth, predicted: r.byRules })))));
}

/**
 * One defect, one group, however it was built: the same bugs built by gcc and clang at -O0 to -O3
 * and by rustc at opt-level 0, 1 and 3, each crashed from the main thread and from a worker, scored
 * per pair of builds (each pair's crashes together).
 */
export async function benchGroupingAcrossBuilds(root: string): Promise<void> {
  const { cores, missing } = buildVariantCorpus(join(root, 'build-variants'));
  const rows: Array<{ truth: string; variant: string; language: string; hash: string }> = [];
  for (const item of cores) {
    const crash = await analyzeCore(item.core);
    rows.push({ truth: item.bug, variant: item.variant, language: item.bug.split(':')[0] as string, hash: fingerprint(crash).hash });
  }
  const all = score(rows.map((r) => ({ truth: r.truth, predicted: r.hash })));
  console.log(
    `grouping across builds: ${rows.length} crashes of ${new Set(rows.map((r) => r.truth)).size} defects` +
      `${missing.length ? ` (no ${missing.join(', ')} here: those builds left out)` : ''}; ${show('all builds', all)} — goal F1 ≥ 0.97, P 1.0`,
  );
  for (const language of [...new Set(rows.map((r) => r.language))]) {
    const variants = [...new Set(rows.filter((r) => r.language === language).map((r) => r.variant))];
    for (let i = 0; i < variants.length; i++) {
      for (let j = i + 1; j < variants.length; j++) {
        const pair = rows.filter((r) => r.language === language && (r.variant === variants[i] || r.variant === variants[j]));
        const s = score(pair.map((r) => ({ truth: r.truth, predicted: r.hash })));
        console.log(
          `  ${language} ${variants[i]} + ${variants[j]}: pairwise P ${s.pairwise.precision.toFixed(2)} R ${s.pairwise.recall.toFixed(2)} F1 ${s.pairwise.f1.toFixed(2)}`,
        );
      }
    }
  }
}
