import type { DebuggerKind } from '../../shared/model';
import { backendOf } from './index';
import type { DebuggerOptions, PreparedDebugger } from './extraction';

interface Idle {
  key: string;
  debugger: PreparedDebugger;
}

/**
 * Debuggers that analyse core after core instead of one each. gdb's start-up and its reading of
 * the libraries the cores share (libc, the loader) are then paid once per debugger, not per core:
 * an import of 30 cores took half the time, with the same threads, frames and locals. A
 * long-lived front door (the app, `crashwb serve`) keeps one for the next core opened; an import
 * keeps one per job until it ends.
 *
 * A debugger is handed out for one extraction at a time and comes back when it ends, if its
 * process is still alive (a debugger that timed out or died is never used again) and only to an
 * analysis with the same options.
 */
export class DebuggerPool {
  private readonly idle: Idle[] = [];
  private closed = false;

  /** `keep`: how many idle debuggers are kept; more are stopped as they come back. */
  constructor(private readonly keep: number) {}

  /** A debugger ready for `options`: an idle one when one fits, else one started now. */
  take(kind: DebuggerKind, options: DebuggerOptions): PreparedDebugger {
    const key = keyOf(kind, options);
    let found: PreparedDebugger | null = null;
    for (let i = this.idle.length - 1; i >= 0 && !found; i--) {
      const idle = this.idle[i] as Idle;
      if (idle.key !== key) continue;
      this.idle.splice(i, 1);
      if (idle.debugger.isAlive()) found = idle.debugger;
      else idle.debugger.dispose();
    }
    return this.lend(key, found ?? backendOf(kind).prepare(options, true));
  }

  /** Whether an idle debugger is ready for these options. */
  isReady(kind: DebuggerKind, options: DebuggerOptions): boolean {
    const key = keyOf(kind, options);
    return this.idle.some((i) => i.key === key && i.debugger.isAlive());
  }

  /**
   * Stops every idle debugger (those lent out stop when they come back), and settles once they
   * have ended, or after `waitMs`: a command that waits is not done while its debuggers run on,
   * and their time counts as its own.
   */
  async close(waitMs = 3000): Promise<void> {
    this.closed = true;
    const stopping = this.idle.splice(0).map((idle) => {
      idle.debugger.dispose();
      return idle.debugger.gone();
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(stopping), new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  private lend(key: string, lent: PreparedDebugger): PreparedDebugger {
    let returned = false;
    const giveBack = (): void => {
      if (returned) return;
      returned = true;
      if (this.closed || !lent.isAlive()) {
        lent.dispose();
        return;
      }
      this.idle.push({ key, debugger: lent });
      // The oldest idle ones make room: the latest options are the likeliest to come again.
      while (this.idle.length > this.keep) this.idle.shift()?.debugger.dispose();
    };
    return {
      extract: (input) => lent.extract(input).finally(giveBack),
      dispose: giveBack,
      isAlive: () => lent.isAlive(),
      gone: () => lent.gone(),
    };
  }
}

function keyOf(kind: DebuggerKind, options: DebuggerOptions): string {
  return JSON.stringify([
    kind,
    options.debugDirs,
    options.indexCacheDir ?? null,
    options.plainDebugDir ?? null,
    options.timeoutMs ?? null,
    options.program ?? null,
  ]);
}
