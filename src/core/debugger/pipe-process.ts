import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { PtyExit } from './pty-process';
import { killProcessGroup } from '../platform/debugger-process';
import { LineSplitter } from './line-splitter';

/**
 * What a PipeProcess needs of the program it speaks to: a child process started here, or a
 * debugger that `bin/crashwb` started before Node and handed over as pipes (see early-gdb.ts).
 */
export interface PipedChild {
  readonly pid?: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  kill(signal: 'SIGKILL'): unknown;
  ref(): void;
  unref(): void;
}

/** How long an exited program's output pipes are read before its exit is reported without the rest. */
const DRAIN_MS = 500;

/**
 * A program spoken to over pipes, read line by line, that can always be killed: for a debugger
 * that only a program reads (GDB/MI during analysis). No terminal is needed there, and a pipe
 * spares the shell that sets a terminal raw, the terminal itself and its many small reads.
 */
export class PipeProcess {
  private readonly child: PipedChild;
  private readonly lines = new LineSplitter();
  readonly exited: Promise<PtyExit>;
  private done = false;

  /** Starts a program in its own process group, so that a kill reaches the helpers it may start. */
  static spawn(file: string, args: string[], options: { env: Record<string, string>; cwd?: string }): PipeProcess {
    return new PipeProcess(spawn(file, args, { env: options.env, cwd: options.cwd ?? process.cwd(), detached: true, stdio: 'pipe' }), file);
  }

  /**
   * Speaks to a debugger started before this module was loaded (the launcher starts gdb first
   * thing for `crashwb analyze`) as to one started here: it too is on pipes.
   */
  static adopt(child: PipedChild, file: string): PipeProcess {
    child.ref();
    return new PipeProcess(child, file);
  }

  private constructor(child: PipedChild, file: string) {
    this.child = child;
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.exited = new Promise((resolve) => {
      const finish = (exitCode: number, signal: NodeJS.Signals | null): void => {
        if (this.done) return;
        this.done = true;
        this.lines.end();
        resolve({ exitCode, signal: signal ? (constants.signals[signal] ?? null) : null });
      };
      // Its last words may still be in the pipes when it exits: they are read first, so the
      // error that names its exit can quote them (a helper that keeps the pipes open is waited
      // for a moment only).
      this.child.once('exit', (code, signal) => {
        const drained = [this.child.stdout, this.child.stderr].map((stream) =>
          stream.readableEnded || stream.destroyed ? Promise.resolve() : new Promise<void>((done) => stream.once('close', done)),
        );
        const moment = new Promise<void>((done) => setTimeout(done, DRAIN_MS).unref());
        void Promise.race([Promise.all(drained), moment]).then(() => finish(code ?? -1, signal));
      });
      // A program that cannot be started (not installed) never exits: it fails to spawn.
      this.child.once('error', (error) => {
        this.lines.emit(`&"${file}: ${error.message}\\n"`);
        finish(127, null);
      });
    });
    this.child.stdout.on('data', (data: string) => this.lines.push(data));
    // What the debugger says on stderr reaches the same listeners: the session keeps its tail.
    this.child.stderr.on('data', (data: string) => {
      for (const line of data.split('\n')) if (line) this.lines.emit(`&${JSON.stringify(`${line}\n`)}`);
    });
    // Writes after the debugger died fail with EPIPE; its exit says what happened.
    this.child.stdin.on('error', () => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  onLine(listener: (line: string) => void): void {
    this.lines.onLine(listener);
  }

  write(text: string): void {
    if (this.done) throw new Error('the debugger has already exited');
    this.child.stdin.write(text);
  }

  kill(): void {
    if (!this.done) killProcessGroup(this.child);
  }

  /**
   * Ends the debugger's input and stops waiting for it: a one-shot command exits as soon as its
   * output is written, while the debugger, told to exit, frees its core on its own.
   */
  release(): void {
    this.child.stdin.end();
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as unknown as Socket).unref();
  }
}
