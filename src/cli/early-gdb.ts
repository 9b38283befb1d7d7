/**
 * gdb started first thing by `bin/crashwb.cjs` for `crashwb analyze`, before the CLI bundle is
 * loaded: gdb's start-up (~130 ms) then runs under Node's loading of the workbench (~60 ms) instead
 * of after it. This module is built on its own (out/cli/early-gdb.cjs) so that the launcher loads
 * nothing else first; the bundle takes the process over with `takeEarlyGdb`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { cleanEnv } from '../core/debugger/debugger-process';
import { gdbMiArguments } from '../core/debugger/gdb/safe-init';

/** Shared through the global object: the launcher's copy of this module and the bundle's are two. */
const KEY = Symbol.for('crashwb.early-gdb');
interface Early {
  child: ChildProcessWithoutNullStreams;
  failed: boolean;
}
type Holder = { [KEY]?: Early };

/** Whether `crashwb ARGV` analyses a core with gdb: `analyze`, no other debugger asked for, no help. */
export function analysesWithGdb(argv: string[]): boolean {
  if (argv[0] !== 'analyze' || argv.includes('--help') || argv.includes('-h')) return false;
  const at = argv.indexOf('--debugger');
  const chosen = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--debugger='))?.slice('--debugger='.length);
  return chosen === undefined || chosen === 'gdb';
}

export function startEarlyGdb(argv: string[]): void {
  if (!analysesWithGdb(argv)) return;
  const child = spawn('gdb', gdbMiArguments(), { env: cleanEnv(), detached: true, stdio: 'pipe' });
  const early: Early = { child, failed: false };
  // A gdb that cannot start is started again by the engine, which then says why.
  child.once('error', () => (early.failed = true));
  // Until it is taken over, it keeps nothing waiting: a command that ends early just exits, and
  // gdb then reads the end of its input and exits too.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).unref();
  (globalThis as Holder)[KEY] = early;
}

/** The gdb the launcher started, once, if it is still running; null otherwise. */
export function takeEarlyGdb(): ChildProcessWithoutNullStreams | null {
  const early = (globalThis as Holder)[KEY];
  delete (globalThis as Holder)[KEY];
  if (!early) return null;
  const { child } = early;
  if (early.failed || child.exitCode !== null || child.signalCode !== null) return null;
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).ref();
  return child;
}
