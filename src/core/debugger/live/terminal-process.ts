import * as pty from 'node-pty';
import { cleanEnv, killProcessGroup } from '../../platform/debugger-process';
import type { PtyExit } from '../pty-process';

/** A program on a pseudo-terminal sized for a person: the debugger's command line in the console. */
export class TerminalProcess {
  private readonly term: pty.IPty;
  private readonly listeners = new Set<(data: string) => void>();
  private ended = false;
  readonly exited: Promise<PtyExit>;

  constructor(file: string, args: string[], size: { cols: number; rows: number }) {
    this.term = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      env: cleanEnv({ TERM: 'xterm-256color', COLORTERM: 'truecolor' }),
    });
    this.exited = new Promise((resolve) =>
      this.term.onExit(({ exitCode, signal }) => {
        this.ended = true;
        resolve({ exitCode, signal: signal ?? null });
      }),
    );
    this.term.onData((data) => {
      for (const listener of this.listeners) listener(data);
    });
  }

  get pid(): number {
    return this.term.pid;
  }

  onData(listener: (data: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  write(data: string): void {
    // Keys typed after the console was closed go nowhere; a write queued then would meet a closed terminal.
    if (!this.ended) this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.ended) this.term.resize(cols, rows);
  }

  kill(): void {
    if (this.ended) return;
    this.ended = true;
    killProcessGroup(this.term);
  }
}
