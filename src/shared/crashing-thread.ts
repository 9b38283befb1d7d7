import type { CrashAnalysis, Thread } from './model';

/** The thread that took the signal, or the first one where none is marked (a stack from text). */
export function crashingThread(crash: Pick<CrashAnalysis, 'threads'>): Thread | undefined {
  return crash.threads.find((t) => t.crashed) ?? crash.threads[0];
}
