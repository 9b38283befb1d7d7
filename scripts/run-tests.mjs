// Runs the whole suite (unit, integration with real gdb/lldb, e2e in Chromium) in one vitest
// run, then prints the one summary line CI reads: "tests: N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const report = join(root, 'test-results', 'vitest.json');
rmSync(report, { force: true });

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=verbose', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);

if (!existsSync(report)) {
  console.log('tests: 0 passed, 1 failed');
  console.error(`vitest wrote no report (exit ${run.status}); see its output above`);
  process.exit(1);
}
const result = JSON.parse(readFileSync(report, 'utf8'));
const skipped = result.numPendingTests + result.numTodoTests;
// A file that fails to load, or whose beforeAll fails (its tests then read as skipped), has no
// failed test of its own; count it as a failure.
const brokenFiles = result.testResults.filter(
  (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
).length;
// Errors outside any test (an exception thrown from a stream, say) fail the run without failing a
// test: they count as one failure, so the summary never reads "0 failed" for a failed run.
const outside = run.status !== 0 && result.numFailedTests + brokenFiles === 0 ? 1 : 0;
if (outside) console.error(`vitest exited ${run.status} with every test passed: errors outside the tests (see "Unhandled Errors" above)`);
const failed = result.numFailedTests + brokenFiles + outside;
console.log(`tests: ${result.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
