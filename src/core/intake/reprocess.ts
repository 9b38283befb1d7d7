import { availableParallelism } from 'node:os';
import type { Crash, ImportProgressEvent, ReprocessReport, ReprocessRequest } from '../../shared/model';
import { runPool } from '../jobs/pool';

/** The program has no debug info, or a library was not found: what symbols arriving later can fix. */
export function lacksSymbols(crash: Crash): boolean {
  const exe = crash.modules.find((m) => m.path === crash.executable);
  return (exe !== undefined && exe.symbols !== 'debug-info') || crash.modules.some((m) => m.symbols === 'missing');
}

const namedFrames = (crash: Crash): number => crash.threads.reduce((n, t) => n + t.frames.filter((f) => f.function !== null).length, 0);

export interface ReprocessContext {
  crashIds(groupId?: number): string[];
  getCrash(id: string): Promise<Crash>;
  /** Analyses one crash again with what is searched now; its group follows (manual decisions stand). */
  reanalyze(id: string): Promise<Crash>;
  emit(event: ImportProgressEvent): void;
}

/**
 * Analyses stored crashes again, all of a group's or only those that lacked symbols, so that
 * symbols uploaded or handed over since take effect; each crash's group follows its new stack.
 */
export async function reprocessCrashes(
  request: ReprocessRequest,
  ctx: ReprocessContext,
  jobs = availableParallelism(),
): Promise<ReprocessReport> {
  const ids = ctx.crashIds(request.groupId);
  const report: ReprocessReport = { checked: ids.length, reanalyzed: [], improved: [], failed: [] };
  let done = 0;
  const progress = (current: string | null): void =>
    ctx.emit({
      type: 'import',
      jobId: 'reprocess',
      done,
      total: ids.length,
      current,
      failed: report.failed.map((f) => ({ path: f.id, error: f.error })),
    });
  await runPool(ids, jobs, async (id) => {
    try {
      const before = await ctx.getCrash(id);
      if (!request.missingSymbols || lacksSymbols(before)) {
        progress(`analysing ${before.source} again`);
        const after = await ctx.reanalyze(id);
        report.reanalyzed.push(id);
        if (namedFrames(after) > namedFrames(before)) report.improved.push(id);
      }
    } catch (error) {
      report.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
    done++;
    progress(null);
  });
  return report;
}
