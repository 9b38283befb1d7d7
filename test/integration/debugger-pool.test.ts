import { afterEach, describe, expect, inject, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { DebuggerPool } from '../../src/core/debugger/debugger-pool';
import { recordTimeline, timelineMarks } from '../../src/core/platform/timeline';
import type { CrashAnalysis } from '../../src/shared/model';
import { runningChildren } from '../fixtures/processes';

const fixtures = inject('fixtures');
const WAIT = { timeout: 10_000, interval: 50 };
const GDB = { debugDirs: [] };

/** The gdb processes this test process started and that are still running. */
const childGdbs = (): number[] => runningChildren(process.pid).flatMap((c) => (c.comm === 'gdb' ? [c.pid] : []));

const comparable = (crash: CrashAnalysis): unknown => ({ ...crash, analyzedAt: undefined });

/** The steps an analysis marked: 'gdb spawned' only when it started a debugger of its own. */
async function stepsOf(run: () => Promise<CrashAnalysis>): Promise<{ crash: CrashAnalysis; steps: string[] }> {
  recordTimeline();
  const crash = await run();
  return { crash, steps: timelineMarks().map((m) => m.step) };
}

describe('debuggers kept for core after core', () => {
  // Each test counts this process's gdbs: the ones an earlier test stopped must have gone.
  afterEach(async () => {
    await expect.poll(() => childGdbs().length, WAIT).toBe(0);
  });

  it('analyse the next core in the same gdb, which finds what a fresh gdb finds', async () => {
    const pool = new DebuggerPool(1);
    try {
      expect(pool.isReady('gdb', GDB)).toBe(false);
      await analyzeCore(fixtures.nullDeref.core, { pool });
      expect(pool.isReady('gdb', GDB)).toBe(true);
      expect(childGdbs()).toHaveLength(1);
      for (const fx of [fixtures.workerThread, fixtures.cpp, fixtures.abort]) {
        const { crash, steps } = await stepsOf(() => analyzeCore(fx.core, { pool }));
        expect(steps).not.toContain('gdb spawned');
        expect(steps).toContain('gdb loaded the core');
        expect(comparable(crash), fx.name).toEqual(comparable(await analyzeCore(fx.core)));
      }
    } finally {
      await pool.close();
    }
  });

  it('give a core its own program even after a core analysed with the wrong one', async () => {
    const pool = new DebuggerPool(1);
    try {
      await analyzeCore(fixtures.nullDeref.core, { pool, executable: fixtures.abort.executable });
      const { crash, steps } = await stepsOf(() => analyzeCore(fixtures.nullDeref.core, { pool }));
      expect(steps).not.toContain('gdb spawned');
      expect(comparable(crash)).toEqual(comparable(await analyzeCore(fixtures.nullDeref.core)));
    } finally {
      await pool.close();
    }
  });

  it('do not hand out a gdb whose process has died: the analysis starts its own and is whole', async () => {
    const pool = new DebuggerPool(1);
    try {
      await analyzeCore(fixtures.nullDeref.core, { pool });
      process.kill(childGdbs()[0] as number, 'SIGKILL');
      await expect.poll(() => pool.isReady('gdb', GDB), WAIT).toBe(false);
      const { crash, steps } = await stepsOf(() => analyzeCore(fixtures.workerThread.core, { pool }));
      expect(steps).toContain('gdb spawned');
      expect(crash.analysisError).toBeNull();
      expect(crash.threads.find((t) => t.crashed)?.frames.map((f) => f.function)).toContain('crashing_worker');
    } finally {
      await pool.close();
    }
  });

  it('start a gdb of its own for other debug folders, and keep no more idle than asked', async () => {
    const pool = new DebuggerPool(1);
    try {
      await analyzeCore(fixtures.nullDeref.core, { pool });
      const other = { debugDirs: [fixtures.stripped.debugDir as string] };
      expect(pool.isReady('gdb', other)).toBe(false);
      const { crash, steps } = await stepsOf(() => analyzeCore(fixtures.stripped.core, { pool, debugDirs: other.debugDirs }));
      expect(steps).toContain('gdb spawned');
      expect(crash.threads.find((t) => t.crashed)?.frames.some((f) => f.file !== null)).toBe(true);
      expect(pool.isReady('gdb', other)).toBe(true);
      expect(pool.isReady('gdb', GDB)).toBe(false);
      await expect.poll(() => childGdbs().length, WAIT).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('stop their gdbs on close, and settle once the gdbs have ended', async () => {
    const pool = new DebuggerPool(2);
    await Promise.all([analyzeCore(fixtures.nullDeref.core, { pool }), analyzeCore(fixtures.abort.core, { pool })]);
    expect(childGdbs()).toHaveLength(2);
    await pool.close();
    // No polling: a command that awaited close() has no debugger left running on its behalf.
    expect(childGdbs()).toEqual([]);
    expect(pool.isReady('gdb', GDB)).toBe(false);
  });
});
