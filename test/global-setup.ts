import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildFixtures, type Fixtures } from './fixtures/crashers';
import { makeRunFolder, sweepAbandonedRuns } from './fixtures/run-folder';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtures: Fixtures;
    fixtureRoot: string;
  }
}

/**
 * Gives the run one temporary folder, which every test, server and debugger it starts inherits as
 * TMPDIR, and removes it at the end: what tests write to their own temporary folders (cores,
 * copies of programs, databases) does not pile up in the user's /tmp run after run.
 * Then compiles the crashing programs and makes their cores once per run.
 */
export default function setup(project: TestProject): () => void {
  const systemTmp = tmpdir();
  sweepAbandonedRuns(systemTmp);
  const run = makeRunFolder(systemTmp);
  process.env.TMPDIR = run;
  const root = mkdtempSync(join(run, 'fixtures-'));
  // What the tests cache (fetched symbols, gdb's indexes) stays in the run's folder, never the user's.
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  project.provide('fixtures', buildFixtures(root));
  project.provide('fixtureRoot', root);
  return () => rmSync(run, { recursive: true, force: true });
}
