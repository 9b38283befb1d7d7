import type { Disassembly, MemoryChunk, VariableNode } from '../../../shared/model';
import { quote } from '../lldb-extract';
import type { LiveSession, LiveSessionEvents, LiveSessionInput } from './live-session';
import { lldbChildren, lldbDisassemble, lldbReadMemory, lldbVariables, targetCommands, type LldbTarget } from './lldb-inspect';
import { LldbSelectionReader, MARKED_FRAME_FORMAT } from './lldb-selection';
import { TerminalProcess } from './terminal-process';

/**
 * lldb would start the crashed program on `run`, replacing the core with a live process; these
 * aliases answer instead. `process launch`, typed out, still does what it says.
 */
const REFUSE_START = ['run', 'r', 'attach'].map(
  (name) =>
    `command regex ${name} ${quote(`s/.*/platform shell echo '${name} is turned off in Crash Workbench: this session examines a core file, and starting the crashed program here could repeat what it did.'/`)}`,
);

/**
 * lldb on a core: its own command line in the console, where the selection is read from marked
 * frame output; the inspection views ask a separate lldb run in the same thread and frame.
 */
export class LldbLiveSession implements LiveSession {
  readonly debugger = 'lldb' as const;
  private current = { thread: 1, frame: 0 };
  private closed = false;

  private constructor(
    private readonly terminal: TerminalProcess,
    private readonly target: LldbTarget,
    /** The stored frame's source file, for lldb's disassembly, which names only line numbers. */
    private readonly fileOf: (thread: number, frame: number) => string | null,
  ) {}

  static async start(
    input: LiveSessionInput,
    events: LiveSessionEvents,
    fileOf: (thread: number, frame: number) => string | null,
  ): Promise<LldbLiveSession> {
    const target: LldbTarget = { core: input.core, executable: input.executable, debugDirs: input.debugDirs };
    const commands = [
      `settings set frame-format ${quote(MARKED_FRAME_FORMAT)}`,
      ...REFUSE_START,
      ...targetCommands(target),
      ...input.sourceMappings.map((m) => `settings append target.source-map ${quote(m.from)} ${quote(m.to)}`),
    ];
    const terminal = new TerminalProcess('lldb', ['--no-lldbinit', ...commands.flatMap((c) => ['-o', c])], {
      cols: input.cols,
      rows: input.rows,
    });
    const session = new LldbLiveSession(terminal, target, fileOf);
    const reader = new LldbSelectionReader((selection) => {
      session.current = selection;
      events.selection(selection);
    });
    terminal.onData((data) => events.output(reader.take(data)));
    void terminal.exited.then(({ exitCode }) => {
      session.closed = true;
      events.closed(exitCode === 127 ? 'lldb is not installed (apt-get install lldb)' : `lldb exited (code ${exitCode})`);
    });
    return session;
  }

  write(data: string): void {
    this.terminal.write(data);
  }

  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
  }

  /** Types the selection into the console, where the person sees it happen. */
  async select(thread: number, frame: number): Promise<void> {
    if (this.closed) throw new Error('the lldb console has ended; open it again');
    if (thread !== this.current.thread) this.terminal.write(`thread select ${thread}\r`);
    if (frame !== this.current.frame || thread !== this.current.thread) this.terminal.write(`frame select ${frame}\r`);
    this.current = { thread, frame };
  }

  disassemble(thread: number, frame: number): Promise<Disassembly> {
    return lldbDisassemble(this.target, thread, frame, this.fileOf(thread, frame));
  }

  readMemory(thread: number, frame: number, expression: string, length: number): Promise<{ address: string; chunks: MemoryChunk[] }> {
    return lldbReadMemory(this.target, thread, frame, expression, length);
  }

  variables(thread: number, frame: number): Promise<VariableNode[]> {
    return lldbVariables(this.target, thread, frame);
  }

  expandVariable(id: string): Promise<VariableNode[]> {
    return lldbChildren(this.target, id);
  }

  close(): void {
    this.terminal.kill();
  }
}
