import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunFolder, sweepAbandonedRuns } from '../fixtures/run-folder';

/** The pid of a process that has exited and been reaped. */
const deadPid = (): number => {
  const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
};

describe('the test run’s temporary folder', () => {
  it('is removed by a later run once the run that made it is gone, and kept while it runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const abandoned = makeRunFolder(dir, deadPid());
    writeFileSync(join(abandoned, 'core'), 'left by a killed run');
    const running = makeRunFolder(dir, process.pid);
    const starting = join(dir, 'crashwb-run-starting');
    mkdirSync(starting);
    const unrelated = join(dir, 'crashwb-other-x');
    mkdirSync(unrelated);

    expect(sweepAbandonedRuns(dir)).toEqual([abandoned.slice(dir.length + 1)]);
    expect(existsSync(abandoned)).toBe(false);
    expect([running, starting, unrelated].filter(existsSync)).toEqual([running, starting, unrelated]);
  });
});
