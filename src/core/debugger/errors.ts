/** A debugger failed on a crash: which debugger, at which step, and what to do about it. */
export class DebuggerError extends Error {
  constructor(
    readonly debuggerName: string,
    readonly step: string,
    message: string,
  ) {
    super(`${debuggerName} failed while ${step}: ${message}`);
    this.name = 'DebuggerError';
  }
}

/** The step at which a debugger that cannot read a file at all fails; a console on it would fail the same way. */
export const LOADING_STEP = 'loading the core';

/** Whether a stored analysis error says the debugger could not load the file at all. */
export const couldNotLoad = (analysisError: string | null, debuggerName: string): boolean =>
  analysisError?.startsWith(`${debuggerName} failed while ${LOADING_STEP}:`) ?? false;
