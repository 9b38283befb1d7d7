/**
 * gdb started ahead of the CLI for `crashwb analyze`, so that its start-up (~110 ms) runs beside
 * Node's instead of after it: by `bin/crashwb`, a shell script, before Node starts (handed over as
 * pipes, see inherited-gdb.ts), or else by `bin/crashwb.cjs` before the bundle loads. This module
 * is built on its own (out/cli/early-gdb.cjs) so that the launcher loads nothing else first; the
 * bundle takes the process over with `takeEarlyGdb`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Socket } from 'node:net';
import { cleanEnv, DEBUGGER_ENV_KEEP, DEBUGGER_ENV_SET } from '../core/platform/debugger-process';
import { gdbMiArguments } from '../core/debugger/gdb/safe-init';
import type { PipedChild } from '../core/debugger/pipe-process';
import { isMinidumpHead } from '../core/sources/magic';
import { INHERITED_GDB_ENV, takeInheritedGdb } from './inherited-gdb';

/** Shared through the global object: the launcher's copy of this module and the bundle's are two. */
const KEY = Symbol.for('crashwb.early-gdb');
interface Early {
  child: ChildProcessWithoutNullStreams;
  failed: boolean;
}
type Holder = { [KEY]?: Early };

/**
 * Whether a path is a minidump, from its first bytes: the workbench's walker and lldb read it, so
 * a gdb started for it would only take a CPU from them. Only a regular file is read, without
 * blocking; anything else is no minidump here and is judged later, with its error.
 */
export function isMinidumpFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    if (!fstatSync(fd).isFile()) return false;
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && isMinidumpHead(head);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Whether `crashwb ARGV` analyses a core with gdb: `analyze`, no other debugger asked for, no help, no minidump. */
export function analysesWithGdb(argv: string[]): boolean {
  if (argv[0] !== 'analyze' || argv.includes('--help') || argv.includes('-h')) return false;
  const at = argv.indexOf('--debugger');
  const chosen = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--debugger='))?.slice('--debugger='.length);
  if (chosen !== undefined && chosen !== 'gdb') return false;
  return !argv.slice(1).some((arg) => !arg.startsWith('-') && isMinidumpFile(arg));
}

export function startEarlyGdb(argv: string[]): void {
  if (!analysesWithGdb(argv) || process.env[INHERITED_GDB_ENV] !== undefined) return;
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

/** The gdb a launcher started, once, if it is still running; null otherwise. */
export function takeEarlyGdb(): PipedChild | null {
  const inherited = takeInheritedGdb();
  if (inherited) return inherited;
  const early = (globalThis as Holder)[KEY];
  delete (globalThis as Holder)[KEY];
  if (!early) return null;
  const { child } = early;
  if (early.failed || child.exitCode !== null || child.signalCode !== null) return null;
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Socket).ref();
  return child;
}

const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The shell function with which `bin/crashwb` starts gdb: the same command line and environment
 * as the engine's (written out by the build, so that the two cannot differ), in a session of its
 * own where `setsid` is at hand, as the engine's detached debuggers are.
 */
export function earlyGdbShell(): string {
  const env = [
    ...Object.entries(DEBUGGER_ENV_SET).map(([key, value]) => shellQuote(`${key}=${value}`)),
    ...DEBUGGER_ENV_KEEP.map((key) => '${' + key + '+"' + key + '=$' + key + '"}'),
  ];
  return [
    '# Written by scripts/build-cli.mjs from src/cli/early-gdb.ts: how bin/crashwb starts gdb.',
    'crashwb_early_gdb() {',
    '  if command -v setsid >/dev/null 2>&1; then set -- setsid; else set --; fi',
    `  exec env -i ${env.join(' ')} "$@" gdb ${gdbMiArguments().map(shellQuote).join(' ')}`,
    '}',
    '',
  ].join('\n');
}
