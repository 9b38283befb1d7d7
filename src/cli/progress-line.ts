/**
 * Progress on stderr: one line rewritten in place on a terminal; on a pipe or a log, each message
 * once on its own line, so what a long step was doing stays readable afterwards.
 */
export class ProgressLine {
  private shown = false;
  private last = '';

  constructor(private readonly out: NodeJS.WriteStream) {}

  show(message: string): void {
    if (message === this.last) return;
    this.last = message;
    if (this.out.isTTY) {
      this.out.write(`\r${message.slice(0, 150).padEnd(150)}`);
      this.shown = true;
    } else this.out.write(`${message}\n`);
  }

  end(): void {
    if (this.shown) this.out.write('\n');
    this.shown = false;
  }
}
