import { EventEmitter } from 'node:events';
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import type { PipedChild } from '../core/debugger/pipe-process';

/**
 * `bin/crashwb` starts gdb before Node for `crashwb analyze` (Node's own start-up is longer than
 * everything the CLI does before it needs gdb) and hands it over by its pid: its standard input,
 * output and error are descriptors 3, 4 and 5, named pipes in a private folder that the launcher
 * removed as soon as both sides had them open.
 */
export const INHERITED_GDB_ENV = 'CRASHWB_EARLY_GDB';
const FDS = { stdin: 3, stdout: 4, stderr: 5 } as const;

/**
 * A gdb this process did not start: Node cannot wait for it, so its end is the end of its
 * output, and its exit status is not known (-1).
 */
class InheritedGdb extends EventEmitter implements PipedChild {
  readonly stdin = new Socket({ fd: FDS.stdin, readable: false, writable: true });
  readonly stdout = new Socket({ fd: FDS.stdout, readable: true, writable: false });
  readonly stderr = new Socket({ fd: FDS.stderr, readable: true, writable: false });

  constructor(readonly pid: number) {
    super();
    this.stdout.once('close', () => this.emit('exit', null, null));
  }

  kill(signal: 'SIGKILL'): void {
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  ref(): void {
    for (const stream of [this.stdin, this.stdout, this.stderr]) stream.ref();
  }

  unref(): void {
    for (const stream of [this.stdin, this.stdout, this.stderr]) stream.unref();
  }
}

function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}

/**
 * The gdb `bin/crashwb` handed over, once; null when there is none. The variable goes from the
 * environment, so that no program this one starts takes it for its own.
 */
export function takeInheritedGdb(env: NodeJS.ProcessEnv = process.env): PipedChild | null {
  const value = env[INHERITED_GDB_ENV];
  if (value === undefined) return null;
  delete env[INHERITED_GDB_ENV];
  if (!/^[1-9]\d{0,9}$/.test(value))
    throw new Error(`${INHERITED_GDB_ENV} must be gdb's pid, as bin/crashwb sets it, not ${JSON.stringify(value)}`);
  for (const fd of Object.values(FDS)) {
    if (!isPipe(fd)) {
      throw new Error(
        `${INHERITED_GDB_ENV} is set but descriptor ${fd} is not a pipe from bin/crashwb: the variable is the launcher's own; unset it`,
      );
    }
  }
  return new InheritedGdb(Number(value));
}
