import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { WarmDebugger } from '../../src/core/debugger/warm-debugger';
import { recordTimeline, timelineMarks } from '../../src/core/timeline';
import type { CrashAnalysis } from '../../src/shared/model';

const fixtures = inject('fixtures');
const WAIT = { timeout: 10_000, interval: 50 };
const GDB = { debugDirs: [] };

/** The gdb processes this test process started and that are still running. */
function childGdbs(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // comm is in parentheses and may hold spaces; the fields after it are space-separated.
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return comm === 'gdb' && state !== 'Z' && Number(ppid) === process.pid ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

const comparable = (crash: CrashAnalysis): unknown => ({ ...crash, analyzedAt: undefined });

describe('a debugger kept started for the next core', () => {
  // Each test counts this process's gdbs: the ones an earlier test stopped must have gone.
  afterEach(async () => {
    await expect.poll(() => childGdbs().length, WAIT).toBe(0);
  });

  it('is started after an analysis, handed to the next one, which finds what a fresh gdb finds', async () => {
    const warm = new WarmDebugger();
    try {
      expect(warm.isReady('gdb', GDB)).toBe(false);
      await analyzeCore(fixtures.nullDeref.core, { warm });
      await expect.poll(() => warm.isReady('gdb', GDB), WAIT).toBe(true);
      expect(childGdbs()).toHaveLength(1);
      recordTimeline();
      const second = await analyzeCore(fixtures.workerThread.core, { warm });
      // The kept gdb did the work: none was started for it.
      expect(timelineMarks().map((m) => m.step)).not.toContain('gdb spawned');
      expect(timelineMarks().map((m) => m.step)).toContain('gdb loaded the core');
      expect(comparable(second)).toEqual(comparable(await analyzeCore(fixtures.workerThread.core)));
      await expect.poll(() => warm.isReady('gdb', GDB), WAIT).toBe(true);
    } finally {
      warm.close();
    }
  });

  it('is not handed out once its process has died: the analysis starts its own and is whole', async () => {
    const warm = new WarmDebugger();
    try {
      await analyzeCore(fixtures.nullDeref.core, { warm });
      await expect.poll(() => warm.isReady('gdb', GDB), WAIT).toBe(true);
      await expect.poll(() => childGdbs().length, WAIT).toBe(1);
      process.kill(childGdbs()[0] as number, 'SIGKILL');
      await expect.poll(() => warm.isReady('gdb', GDB), WAIT).toBe(false);
      recordTimeline();
      const crash = await analyzeCore(fixtures.workerThread.core, { warm });
      expect(timelineMarks().map((m) => m.step)).toContain('gdb spawned');
      expect(crash.analysisError).toBeNull();
      expect(crash.threads.find((t) => t.crashed)?.frames.map((f) => f.function)).toContain('crashing_worker');
    } finally {
      warm.close();
    }
  });

  it('is not handed to an analysis with other debug folders, which gets a gdb of its own', async () => {
    const warm = new WarmDebugger();
    try {
      await analyzeCore(fixtures.nullDeref.core, { warm });
      await expect.poll(() => warm.isReady('gdb', GDB), WAIT).toBe(true);
      const other = { debugDirs: [fixtures.stripped.debugDir as string] };
      expect(warm.isReady('gdb', other)).toBe(false);
      const crash = await analyzeCore(fixtures.stripped.core, { warm, debugDirs: other.debugDirs });
      expect(crash.threads.find((t) => t.crashed)?.frames.some((f) => f.file !== null)).toBe(true);
      // The one kept for the other folders was stopped, not left running beside the new one.
      await expect.poll(() => warm.isReady('gdb', other), WAIT).toBe(true);
      expect(childGdbs()).toHaveLength(1);
    } finally {
      warm.close();
    }
  });

  it('is stopped on close, and none is started after', async () => {
    const warm = new WarmDebugger();
    await analyzeCore(fixtures.nullDeref.core, { warm });
    await expect.poll(() => childGdbs().length, WAIT).toBe(1);
    warm.close();
    await expect.poll(() => childGdbs().length, WAIT).toBe(0);
    expect(warm.isReady('gdb', GDB)).toBe(false);
  });
});
