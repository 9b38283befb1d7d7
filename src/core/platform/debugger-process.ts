/** What every debugger process gets, however it is run: a plain environment and a kill that reaches its helpers. */

/** Kills a debugger's whole process group (a pty's, or a child's started detached): it may have started helpers of its own. */
export function killProcessGroup(child: { pid?: number; kill(signal: 'SIGKILL'): unknown }): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone or was never a group of its own; the process itself still gets the signal.
    child.kill('SIGKILL');
  }
}

/** What a debugger's environment sets, whatever the caller's says. */
export const DEBUGGER_ENV_SET: Readonly<Record<string, string>> = { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TERM: 'dumb' };
/** What a debugger's environment keeps of the caller's, where it is set. */
export const DEBUGGER_ENV_KEEP: readonly string[] = ['PATH', 'HOME', 'USER', 'LOGNAME', 'TMPDIR', 'DEBUGINFOD_URLS'];

/** The environment a debugger gets: enough to run, nothing that changes how it behaves. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...DEBUGGER_ENV_SET };
  for (const key of DEBUGGER_ENV_KEEP) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}
