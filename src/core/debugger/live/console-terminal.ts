import * as pty from 'node-pty';
import { cleanEnv } from '../pty-process';

/**
 * A pseudo-terminal for a debugger's second UI. A placeholder process holds the terminal open
 * and never reads it, so everything typed reaches the debugger that opens the same tty. It
 * ignores the terminal's signals: a Ctrl-C typed in the console must not end the console.
 */
const HOLDER = "trap '' INT QUIT TSTP HUP; tty; exec sleep infinity";

export class ConsoleTerminal {
  private readonly listeners = new Set<(data: string) => void>();
  private ended = false;
  readonly exited: Promise<void>;

  private constructor(
    private readonly term: pty.IPty,
    readonly ttyPath: string,
  ) {
    this.exited = new Promise((resolve) =>
      term.onExit(() => {
        this.ended = true;
        resolve();
      }),
    );
    term.onData((data) => {
      for (const listener of this.listeners) listener(data);
    });
  }

  /** Opens a terminal of the given size and learns its device path; fails after `timeoutMs`. */
  static open(cols: number, rows: number, timeoutMs = 5_000): Promise<ConsoleTerminal> {
    const term = pty.spawn('/bin/sh', ['-c', HOLDER], { name: 'xterm-256color', cols, rows, env: cleanEnv({ TERM: 'xterm-256color' }) });
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => {
        subscription.dispose();
        term.kill('SIGKILL');
        reject(
          new Error(`the console terminal did not report its device within ${timeoutMs} ms (got ${JSON.stringify(seen.slice(0, 80))})`),
        );
      }, timeoutMs);
      const subscription = term.onData((data) => {
        seen += data;
        const match = /^(\/dev\/pts\/\d+)\r?\n/.exec(seen);
        if (!match?.[1]) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(new ConsoleTerminal(term, match[1]));
      });
    });
  }

  get running(): boolean {
    return !this.ended;
  }

  onData(listener: (data: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  write(data: string): void {
    if (!this.ended) this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.ended) this.term.resize(cols, rows);
  }

  kill(): void {
    if (this.ended) return;
    this.term.kill('SIGKILL');
  }
}
