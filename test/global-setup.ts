import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildFixtures, type Fixtures } from './fixtures/crashers';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtures: Fixtures;
    fixtureRoot: string;
  }
}

/** Compiles the crashing programs and makes their cores once per run. */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'crashwb-fixtures-'));
  // What the tests cache (fetched symbols, gdb's indexes) stays in the run's folder, never the user's.
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  project.provide('fixtures', buildFixtures(root));
  project.provide('fixtureRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
