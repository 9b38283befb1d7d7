import { DebuggerError } from '../errors';
import { parseMiLine, type MiRecord, type MiTuple } from './mi-parser';
import type { PtyExit } from '../pty-process';
import { cleanEnv } from '../../platform/debugger-process';
import { PipeProcess, type PipedChild } from '../pipe-process';
import { mark } from '../../platform/timeline';
import { gdbMiArguments } from './safe-init';

export interface GdbSessionOptions {
  gdbPath?: string;
  /** Extra commands run before any file is loaded (-iex). */
  initCommands?: string[];
  startTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** Extra environment, e.g. a real TERM for a session whose second UI is a terminal. */
  env?: Record<string, string>;
}

export type MiAsync = Extract<MiRecord, { kind: 'async' }>;

/** Where MI records come from and commands go: gdb's own terminal, or a second UI's (`new-ui mi3`). */
export interface MiTransport {
  readonly pid: number;
  /** Resolves when gdb is gone. */
  readonly exited: Promise<PtyExit>;
  onLine(listener: (line: string) => void): void;
  write(text: string): void;
  /** Stops gdb for good. */
  kill(): void;
  /** After `-gdb-exit`: nothing more is written, and this process need not wait for gdb's exit. */
  release?(): void;
}

export interface MiResult {
  class: string;
  results: MiTuple;
  /** Console stream output produced while the command ran. */
  console: string;
}

interface Pending {
  token: number;
  command: string;
  console: string[];
  resolve: (result: MiResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One gdb process spoken to over GDB/MI (mi3): over pipes, or a console's second UI. */
export class GdbSession {
  private readonly process: MiTransport;
  private readonly pending: Pending[] = [];
  private nextToken = 1;
  private readonly stderrTail: string[] = [];
  private closed: Error | null = null;
  private readonly commandTimeoutMs: number;
  private readyResolve: (() => void) | null = null;
  private readonly asyncListeners = new Set<(record: MiAsync) => void>();
  private readonly closeListeners = new Set<(reason: Error) => void>();

  private constructor(transport: MiTransport, options: Pick<GdbSessionOptions, 'commandTimeoutMs'>) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? 30_000;
    this.process = transport;
    this.process.onLine((line) => this.onLine(line));
    void this.process.exited.then(({ exitCode, signal }) => {
      const tail = this.stderrTail.slice(-5).join(' | ');
      this.fail(
        new DebuggerError(
          'gdb',
          this.pending[0] ? `running ${this.pending[0].command}` : 'idle',
          `gdb exited (code ${exitCode}${signal ? `, signal ${signal}` : ''})${tail ? `: ${tail}` : ''}`,
        ),
      );
    });
  }

  /** Starts gdb with MI as its only interface, over pipes: only this program reads it. */
  static start(options: GdbSessionOptions = {}): Promise<GdbSession> {
    mark('gdb spawned');
    const process = PipeProcess.spawn(options.gdbPath ?? 'gdb', gdbMiArguments(options.initCommands), {
      env: cleanEnv(options.env),
    });
    return GdbSession.attach(process, options);
  }

  /** Speaks MI to a gdb started already with `gdbMiArguments()` (by `bin/crashwb.cjs`). */
  static adopt(child: PipedChild, options: Pick<GdbSessionOptions, 'commandTimeoutMs'> = {}): Promise<GdbSession> {
    mark('gdb adopted');
    return GdbSession.attach(PipeProcess.adopt(child, 'gdb'), options);
  }

  /** Speaks MI over a transport gdb is about to open, and waits for its first prompt there. */
  static async attach(
    transport: MiTransport,
    options: Pick<GdbSessionOptions, 'commandTimeoutMs' | 'startTimeoutMs'> = {},
  ): Promise<GdbSession> {
    const session = new GdbSession(transport, options);
    const timeoutMs = options.startTimeoutMs ?? 20_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        session.kill();
        reject(
          new DebuggerError('gdb', 'starting', `no prompt within ${timeoutMs} ms; is gdb installed and working? (try: gdb --version)`),
        );
      }, timeoutMs);
      session.readyResolve = () => {
        clearTimeout(timer);
        resolve();
      };
      void session.process.exited.then(() => {
        clearTimeout(timer);
        reject(session.closed ?? new DebuggerError('gdb', 'starting', 'gdb exited at once; is it installed? (apt-get install gdb)'));
      });
    });
    return session;
  }

  /** Settles when gdb's process has ended, however it ended. */
  get exited(): Promise<void> {
    return this.process.exited.then(() => undefined);
  }

  get pid(): number {
    return this.process.pid;
  }

  /** Notifications such as =thread-selected, sent whichever UI caused them. */
  onAsync(listener: (record: MiAsync) => void): () => void {
    this.asyncListeners.add(listener);
    return () => this.asyncListeners.delete(listener);
  }

  /** Called once, when the session ends for any reason: closed, killed, timed out or gdb gone. */
  onClose(listener: (reason: Error) => void): () => void {
    if (this.closed) listener(this.closed);
    else this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private notifyClosed(reason: Error): void {
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
  }

  private onLine(line: string): void {
    let record: MiRecord | null;
    try {
      record = parseMiLine(line);
    } catch (error) {
      this.remember(`unparsed: ${(error as Error).message}`);
      return;
    }
    if (!record) {
      if (line.trim()) this.remember(line);
      return;
    }
    switch (record.kind) {
      case 'prompt':
        if (this.readyResolve) mark('gdb ready');
        this.readyResolve?.();
        this.readyResolve = null;
        return;
      case 'stream':
        if (record.type === 'log') this.remember(record.text.trim());
        else this.pending[0]?.console.push(record.text);
        return;
      case 'async':
        for (const listener of this.asyncListeners) listener(record);
        return;
      case 'result':
        this.settle(record);
    }
  }

  private remember(text: string): void {
    if (!text) return;
    this.stderrTail.push(text);
    if (this.stderrTail.length > 20) this.stderrTail.shift();
  }

  private settle(record: Extract<MiRecord, { kind: 'result' }>): void {
    const index = this.pending.findIndex((p) => p.token === record.token);
    if (index === -1) return;
    const [entry] = this.pending.splice(index, 1);
    if (!entry) return;
    clearTimeout(entry.timer);
    if (record.class === 'error') {
      const msg = typeof record.results.msg === 'string' ? record.results.msg : 'unknown error';
      entry.reject(new DebuggerError('gdb', `running ${entry.command}`, msg));
    } else {
      entry.resolve({ class: record.class, results: record.results, console: entry.console.join('') });
    }
  }

  /** Sends one MI command and waits for its result record. */
  command(command: string, timeoutMs = this.commandTimeoutMs): Promise<MiResult> {
    if (this.closed) return Promise.reject(this.closed);
    if (command.includes('\n')) return Promise.reject(new Error('an MI command is a single line'));
    const token = this.nextToken++;
    return new Promise<MiResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new DebuggerError(
            'gdb',
            `running ${command}`,
            `no answer within ${timeoutMs} ms; gdb was stopped. The core may be very large or damaged — try again with a longer timeout or with lldb`,
          ),
        );
      }, timeoutMs);
      this.pending.push({ token, command, console: [], resolve, reject, timer });
      this.process.write(`${token}${command}\n`);
    });
  }

  /** Fails every waiting command and stops gdb: once a command hangs, the session is unusable. */
  private fail(error: Error): void {
    if (!this.closed) {
      this.closed = error;
      this.notifyClosed(error);
    }
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.process.kill();
  }

  kill(): void {
    this.fail(new DebuggerError('gdb', 'closing', 'the session was closed'));
  }

  /**
   * Asks gdb to exit and kills it if it has not within two seconds. Nothing waits for the exit:
   * the results are already in hand, and a core's teardown can take longer than its analysis.
   */
  close(): void {
    if (this.closed) return;
    this.closed = new DebuggerError('gdb', 'closing', 'the session was closed');
    this.notifyClosed(this.closed);
    try {
      this.process.write('-gdb-exit\n');
      this.process.release?.();
    } catch (error) {
      this.remember(`exit: ${(error as Error).message}`);
    }
    setTimeout(() => this.process.kill(), 2000).unref();
  }
}
