import type { DebuggerKind } from '../../shared/model';
import { backendOf } from './index';
import type { DebuggerOptions, PreparedDebugger } from './extraction';

const REFILL_DELAY_MS = 1000;

interface Kept {
  key: string;
  debugger: PreparedDebugger;
}

/**
 * One debugger kept started for the next core a long-lived front door (the app, `crashwb serve`)
 * opens: its start-up (~130 ms for gdb) is then paid while the user is still choosing the file.
 * The first core starts its own; once it is analysed, the next one is started and kept. A kept
 * debugger is only handed out for the same options it was started with, and only while its process
 * is alive.
 */
export class WarmDebugger {
  private kept: Kept | null = null;
  private closed = false;

  /** A debugger ready for `options`: the kept one when it fits, else one started now. */
  take(kind: DebuggerKind, options: DebuggerOptions): PreparedDebugger {
    const key = keyOf(kind, options);
    const kept = this.kept;
    this.kept = null;
    if (kept && kept.key === key && kept.debugger.isAlive()) return this.refillAfter(kind, options, kept.debugger);
    kept?.debugger.dispose();
    return this.refillAfter(kind, options, backendOf(kind).prepare(options));
  }

  /** Whether a debugger is kept ready for these options (for tests and the bench). */
  isReady(kind: DebuggerKind, options: DebuggerOptions): boolean {
    return this.kept !== null && this.kept.key === keyOf(kind, options) && this.kept.debugger.isAlive();
  }

  /** Stops the kept debugger; nothing more is kept. */
  close(): void {
    this.closed = true;
    this.kept?.debugger.dispose();
    this.kept = null;
  }

  /**
   * Starts the next one a while after this one's extraction has ended, not at once: on two cores,
   * a gdb starting while the crash is saved and drawn (and its console's gdb loads the core)
   * delays the stack the user is waiting for, by ~80 ms in the bench.
   */
  private refillAfter(kind: DebuggerKind, options: DebuggerOptions, taken: PreparedDebugger): PreparedDebugger {
    const refill = (): void => {
      setTimeout(() => {
        if (this.closed || this.kept) return;
        this.kept = { key: keyOf(kind, options), debugger: backendOf(kind).prepare(options) };
      }, REFILL_DELAY_MS).unref();
    };
    return {
      extract: (input) => taken.extract(input).finally(refill),
      dispose: () => {
        taken.dispose();
        refill();
      },
      isAlive: () => taken.isAlive(),
    };
  }
}

function keyOf(kind: DebuggerKind, options: DebuggerOptions): string {
  return JSON.stringify([kind, options.debugDirs, options.indexCacheDir ?? null, options.timeoutMs ?? null]);
}
