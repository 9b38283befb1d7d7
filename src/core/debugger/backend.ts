import type { DebuggerKind } from '../../shared/model';
import type { DebuggerOptions, PreparedDebugger } from './extraction';
import type { LiveSession, LiveSessionEvents, LiveSessionInput } from './live/live-session';
import type { RefusedCommands } from './live/refuse-start';

/**
 * One debugger the workbench drives. A new one is a folder beside gdb/ and lldb/ with a backend
 * of its own, and one line in BACKENDS.
 */
export interface DebuggerBackend {
  readonly kind: DebuggerKind;
  /** Whether it reads minidumps, which then go to it whatever was asked. */
  readonly readsMinidumps: boolean;
  /** Its spellings of the commands its console must not run (start a program, reach a shell). */
  readonly refused: RefusedCommands;
  /**
   * Starts what it needs ahead of the core (a process, nothing), for one extraction; a reusable
   * one takes extraction after extraction, one at a time, until disposed.
   */
  prepare(options: DebuggerOptions, reusable?: boolean): PreparedDebugger;
  /** A console on the core with the views' inspection; `fileOf` names a stored frame's source file. */
  startConsole(
    input: LiveSessionInput,
    events: LiveSessionEvents,
    fileOf: (thread: number, frame: number) => string | null,
  ): Promise<LiveSession>;
}
