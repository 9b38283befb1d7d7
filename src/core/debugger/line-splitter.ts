/**
 * A debugger's output as whole lines, however its reads split them: the part after the last
 * newline waits for the next read, and a line's CR (a terminal's CR/LF) is dropped.
 */
export class LineSplitter {
  private partial = '';
  private readonly listeners: Array<(line: string) => void> = [];

  onLine(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  push(data: string): void {
    const parts = (this.partial + data).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) this.emit(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  /** The output has ended: a last line without its newline still counts. */
  end(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = '';
  }

  emit(line: string): void {
    for (const l of this.listeners) l(line);
  }
}
