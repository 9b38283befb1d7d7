import * as pty from 'node-pty';
import { LineSplitter } from './line-splitter';
import { cleanEnv, killProcessGroup } from '../platform/debugger-process';

export interface PtyExit {
  exitCode: number;
  signal: number | null;
}

export interface PtyOptions {
  cwd?: string;
  env?: Record<string, string>;
  /**
   * Put the terminal in raw mode without echo before the program starts, so a machine
   * reader sees exactly what the program wrote, with no echoed input and no CR/LF rewriting.
   */
  raw?: boolean;
}

/** A program on a pseudo-terminal, read line by line, that can always be killed. */
export class PtyProcess {
  private readonly term: pty.IPty;
  private readonly lines = new LineSplitter();
  private readonly dataListeners: Array<(data: string) => void> = [];
  readonly exited: Promise<PtyExit>;
  /** Exited or killed: nothing more is written. */
  private done = false;

  constructor(file: string, args: string[], options: PtyOptions = {}) {
    const [command, argv] = options.raw ? ['/bin/sh', ['-c', 'stty raw -echo 2>/dev/null; exec "$0" "$@"', file, ...args]] : [file, args];
    this.term = pty.spawn(command, argv, {
      name: 'xterm-256color',
      cols: 4000,
      rows: 50,
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? cleanEnv(),
    });
    this.exited = new Promise((resolve) => {
      this.term.onExit(({ exitCode, signal }) => {
        this.done = true;
        this.lines.end();
        resolve({ exitCode, signal: signal ?? null });
      });
    });
    this.term.onData((data) => this.receive(data));
  }

  get pid(): number {
    return this.term.pid;
  }

  onLine(listener: (line: string) => void): void {
    this.lines.onLine(listener);
  }

  onData(listener: (data: string) => void): void {
    this.dataListeners.push(listener);
  }

  private receive(data: string): void {
    for (const l of this.dataListeners) l(data);
    this.lines.push(data);
  }

  write(text: string): void {
    if (this.done) throw new Error('the debugger has already exited');
    this.term.write(text);
  }

  kill(): void {
    if (this.done) return;
    // Done from now on: the terminal closes under any write still queued (node-pty then logs EBADF), so none is started.
    this.done = true;
    killProcessGroup(this.term);
  }
}
