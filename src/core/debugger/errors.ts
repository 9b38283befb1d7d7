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
