import { LLDB } from './commands';
import type { Disassembly, MemoryChunk, VariableNode } from '../../../shared/model';
import { aliasTarget, formatQuote, targetCommands, type LldbTarget } from './extract';
import { PathAliases, lldbQuote } from '../../platform/path-aliases';
import type { LiveSession, LiveSessionEvents, LiveSessionInput } from '../live/live-session';
import { lldbChildren, lldbDisassemble, lldbReadMemory, lldbVariables } from './inspect';
import { LldbSelectionReader, MARKED_FRAME_FORMAT } from './selection';
import { StartGuard } from '../live/refuse-start';
import { LLDB_REFUSED } from './refused-commands';
import { TerminalProcess } from '../live/terminal-process';

/**
 * The target is loaded on an unconnected remote platform (see targetCommands), which has nowhere
 * to launch or attach: `process launch`, however it is spelt or reached, fails instead of starting
 * the crashed program here. The core loads as before, from local files. The aliases that would start it are also replaced with a no-op, for
 * when completion or history gets one past the console's StartGuard.
 */
const NO_LAUNCH = [
  ...['run', 'r', 'attach', 'gdb-remote', 'kdp-remote'].map(
    (name) => `command regex ${name} ${formatQuote(`s/.*/settings show ${name}-is-turned-off-in-crash-workbench/`)}`,
  ),
];

/**
 * lldb on a core: its own command line in the console, where the selection is read from marked
 * frame output; the inspection views ask a separate lldb run in the same thread and frame.
 */
export class LldbLiveSession implements LiveSession {
  readonly debugger = 'lldb' as const;
  private current = { thread: 1, frame: 0 };
  private readonly guard = new StartGuard(LLDB_REFUSED, '(lldb) ');
  private closed = false;

  private constructor(
    private readonly terminal: TerminalProcess,
    private readonly target: LldbTarget,
    private readonly events: LiveSessionEvents,
    /** The stored frame's source file, for lldb's disassembly, which names only line numbers. */
    private readonly fileOf: (thread: number, frame: number) => string | null,
  ) {}

  static async start(
    input: LiveSessionInput,
    events: LiveSessionEvents,
    fileOf: (thread: number, frame: number) => string | null,
  ): Promise<LldbLiveSession> {
    const aliases = new PathAliases();
    let terminal: TerminalProcess;
    let target: LldbTarget;
    try {
      target = aliasTarget(input, aliases);
      const commands = [
        // llnode decodes no frame with lldb's index cache on.
        ...(input.lldbPlugins?.length ? [LLDB.noIndexCache] : []),
        ...(input.lldbPlugins ?? []).map((p) => LLDB.pluginLoad(lldbQuote(aliases.alias(p), 'a plugin'))),
        LLDB.format('frame-format', formatQuote(MARKED_FRAME_FORMAT)),
        ...NO_LAUNCH,
        ...targetCommands(target),
        ...input.sourceMappings.map((m) =>
          LLDB.sourceMap(lldbQuote(m.from, 'the build path of a source mapping'), lldbQuote(aliases.alias(m.to), 'a source folder')),
        ),
      ];
      terminal = new TerminalProcess('lldb', ['--no-lldbinit', ...commands.flatMap((c) => ['-o', c])], {
        cols: input.cols,
        rows: input.rows,
      });
    } catch (error) {
      aliases.dispose();
      throw error;
    }
    const session = new LldbLiveSession(terminal, target, events, fileOf);
    const reader = new LldbSelectionReader((selection) => {
      session.current = selection;
      events.selection(selection);
    });
    terminal.onData((data) => events.output(reader.take(data)));
    void terminal.exited.then(({ exitCode }) => {
      session.closed = true;
      aliases.dispose();
      events.closed(exitCode === 127 ? 'lldb is not installed (apt-get install lldb)' : `lldb exited (code ${exitCode})`);
    });
    return session;
  }

  write(data: string): void {
    this.guard.forward(data, this.terminal, (text) => this.events.output(text));
  }

  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
  }

  /** Types the selection into the console, where the person sees it happen. */
  async select(thread: number, frame: number): Promise<void> {
    if (this.closed) throw new Error('the lldb console has ended; open it again');
    if (thread !== this.current.thread) this.terminal.write(`${LLDB.selectThread(thread)}\r`);
    if (frame !== this.current.frame || thread !== this.current.thread) this.terminal.write(`${LLDB.selectFrame(frame)}\r`);
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
