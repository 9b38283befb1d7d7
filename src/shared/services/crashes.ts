import { z } from 'zod';
import type { Crash, CrashSummary, OpenCoreRequest, ReanalyzeRequest } from '../model';
import { absolutePath, analysisShape, crashId, reanalyzeShape } from './fields';

/** One crash: opened from a core, read back, analysed again. */
export interface CrashesApi {
  openCore(request: OpenCoreRequest): Promise<Crash>;
  getCrash(id: string): Promise<Crash>;
  /** Analyses a stored crash's core again and replaces its analysis; its group follows the new stack. */
  reanalyzeCrash(id: string, request: ReanalyzeRequest): Promise<Crash>;
  listRecent(): Promise<CrashSummary[]>;
}

export const openCoreRequestSchema = z.object({ path: absolutePath, ...analysisShape }).strict();

export const crashesCalls = {
  openCore: z.tuple([openCoreRequestSchema]),
  getCrash: z.tuple([crashId]),
  reanalyzeCrash: z.tuple([crashId, z.object(reanalyzeShape).strict()]),
  listRecent: z.tuple([]),
} satisfies Record<keyof CrashesApi, z.ZodTypeAny>;
