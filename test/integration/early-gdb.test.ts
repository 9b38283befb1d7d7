import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { analysesWithGdb } from '../../src/cli/early-gdb';

const fixtures = inject('fixtures');
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');

/** Runs the CLI with the timeline on; returns its exit status, output and the steps it marked. */
function analyze(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string; steps: string[] } {
  const result = spawnSync(process.execPath, [BIN, 'analyze', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CRASHWB_TIMELINE: '1', XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'crashwb-early-')), ...env },
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('CRASHWB_TIMELINE '));
  const steps = line ? (JSON.parse(line.slice('CRASHWB_TIMELINE '.length)) as Array<[string, number]>).map(([step]) => step) : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, steps };
}

describe('gdb started by the launcher before the CLI loads', () => {
  it('is started for analyze with gdb only', () => {
    expect(analysesWithGdb(['analyze', 'core'])).toBe(true);
    expect(analysesWithGdb(['analyze', '--debugger', 'gdb', 'core'])).toBe(true);
    expect(analysesWithGdb(['analyze', '--debugger=lldb', 'core'])).toBe(false);
    expect(analysesWithGdb(['analyze', '--debugger', 'lldb', 'core'])).toBe(false);
    expect(analysesWithGdb(['analyze', '--help'])).toBe(false);
    expect(analysesWithGdb(['import', 'folder'])).toBe(false);
  });

  it('is the gdb that analyses the core, and finds what it always found', () => {
    const run = analyze(['--json', fixtures.workerThread.core]);
    expect(run.status).toBe(0);
    expect(run.steps).toContain('gdb adopted');
    expect(run.steps).not.toContain('gdb spawned');
    const crash = JSON.parse(run.stdout) as { threads: Array<{ frames: Array<{ function: string | null }>; locals?: unknown }> };
    expect(crash.threads[0]?.frames.map((f) => f.function)).toContain('crashing_worker');
  });

  it('is not started for lldb', () => {
    const run = analyze(['--debugger', 'lldb', '--json', fixtures.nullDeref.core]);
    expect(run.status).toBe(0);
    expect(run.steps).not.toContain('gdb adopted');
    expect(run.steps).not.toContain('gdb spawned');
  });

  it('when gdb is not installed, leaves the engine to say so', () => {
    const run = analyze([fixtures.nullDeref.core], { PATH: '/nonexistent' });
    expect(run.status).toBe(3);
    expect(run.stdout + run.stderr).toMatch(/gdb.*ENOENT|is it installed/);
  });
});
