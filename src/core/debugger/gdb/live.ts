import type { Disassembly, MemoryChunk, VariableNode } from '../../../shared/model';
import { DebuggerError } from '../errors';
import { gdbInitCommands, gdbLibraryCommands } from './extract';
import { GdbSession, type MiAsync, type MiTransport } from './session';
import { gdbArguments } from './safe-init';
import { miString, miTuple } from './mi-parser';
import * as miCommands from './mi-commands';
import { gdbQuote, PathAliases } from '../../platform/path-aliases';
import { PtyProcess } from '../pty-process';
import { deleteVariables, disassembleFrame, frameVariables, readFrameMemory, variableChildren } from './inspect';
import type { LiveSession, LiveSessionEvents, LiveSessionInput } from '../live/live-session';
import { StartGuard } from '../live/refuse-start';
import { GDB_REFUSED, writeRefuseStartScript } from './refused-commands';
import { TerminalProcess } from '../live/terminal-process';

/** A console command may run long (`info functions` on a big program); views wait this long behind it. */
const COMMAND_TIMEOUT_MS = 120_000;
/** Holds the MI terminal open and never reads it, ignoring the signals a terminal can send. */
const MI_HOLDER = "trap '' INT QUIT TSTP HUP; tty; exec sleep infinity";

function selectionOf(record: MiAsync): { thread: number; frame: number } | null {
  if (record.class !== 'thread-selected') return null;
  const thread = Number(miString(record.results.id));
  const frame = Number(miString(miTuple(record.results.frame)?.level) ?? 0);
  return Number.isInteger(thread) && Number.isInteger(frame) ? { thread, frame } : null;
}

/** Opens a raw, silent terminal for gdb's MI UI and learns its device path. */
async function openMiTerminal(timeoutMs = 5_000): Promise<{ holder: PtyProcess; tty: string }> {
  const holder = new PtyProcess('/bin/sh', ['-c', MI_HOLDER], { raw: true });
  const tty = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      holder.kill();
      reject(new Error(`the MI terminal did not report its device within ${timeoutMs} ms`));
    }, timeoutMs);
    let found = false;
    holder.onLine((line) => {
      const match = /^\/dev\/pts\/\d+$/.exec(line.trim());
      if (found || !match) return;
      found = true;
      clearTimeout(timer);
      resolve(match[0]);
    });
  });
  return { holder, tty };
}

/**
 * gdb on a core with two UIs. Its own terminal is the person's console, so they get gdb's full
 * command line (readline editing, history, completion, colours), which only gdb's main UI has;
 * the views speak GDB/MI on a second UI (`new-ui mi3 /dev/pts/N`). Both drive the same
 * selection, and gdb announces every change on the MI channel as =thread-selected.
 */
export class GdbLiveSession implements LiveSession {
  readonly debugger = 'gdb' as const;
  private current = { thread: 0, frame: 0 };
  /** Variable objects made for the frame the views last showed. */
  private roots: string[] = [];
  private readonly guard = new StartGuard(GDB_REFUSED, '(gdb) ');

  private constructor(
    private readonly gdb: GdbSession,
    private readonly terminal: TerminalProcess,
    private readonly events: LiveSessionEvents,
  ) {}

  static async start(input: LiveSessionInput, events: LiveSessionEvents): Promise<GdbLiveSession> {
    const script = writeRefuseStartScript();
    const aliases = new PathAliases();
    let mi: { holder: PtyProcess; tty: string } | null = null;
    let terminal: TerminalProcess | null = null;
    try {
      mi = await openMiTerminal();
      // Command-line file arguments reach gdb as they are, never through its command parser.
      const files = input.executable ? [input.executable, input.core] : ['--core', input.core];
      terminal = new TerminalProcess(
        input.program ?? 'gdb',
        [
          '-nx',
          '-q',
          ...gdbArguments([
            ...gdbInitCommands(input.debugDirs, aliases, input.plainDebugDir),
            ...gdbLibraryCommands(input, aliases),
            ...input.sourceMappings.map(
              (m) =>
                `set substitute-path ${gdbQuote(m.from, 'the build path of a source mapping')} ${gdbQuote(aliases.alias(m.to), 'a source folder')}`,
            ),
            `source ${script.path}`,
          ]),
          ...files,
          '-ex',
          `new-ui mi3 ${mi.tty}`,
        ],
        { cols: input.cols, rows: input.rows },
      );
      const console = terminal;
      const holder = mi.holder;
      const transport: MiTransport = {
        pid: console.pid,
        exited: console.exited,
        onLine: (listener) => holder.onLine(listener),
        write: (text) => holder.write(text),
        kill: () => {
          console.kill();
          holder.kill();
        },
      };
      terminal.onData((data) => events.output(data));
      const gdb = await GdbSession.attach(transport, { commandTimeoutMs: COMMAND_TIMEOUT_MS, startTimeoutMs: 120_000 });
      const session = new GdbLiveSession(gdb, console, events);
      gdb.onAsync((record) => {
        const selection = selectionOf(record);
        if (!selection) return;
        session.current = selection;
        events.selection(selection);
      });
      gdb.onClose((reason) => {
        transport.kill();
        script.remove();
        aliases.dispose();
        events.closed(reason.message);
      });
      session.current = { thread: (await miCommands.threadInfo(gdb)).current ?? 1, frame: 0 };
      return session;
    } catch (error) {
      terminal?.kill();
      mi?.holder.kill();
      script.remove();
      aliases.dispose();
      if (error instanceof DebuggerError) throw error;
      throw new DebuggerError('gdb', 'starting the console', (error as Error).message);
    }
  }

  write(data: string): void {
    this.guard.forward(data, this.terminal, (text) => this.events.output(text));
  }

  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
  }

  async select(thread: number, frame: number): Promise<void> {
    if (thread !== this.current.thread) {
      // MI answers its own -thread-select without a notification; the console announces it.
      await miCommands.selectThread(this.gdb, thread);
      this.current = { thread, frame: 0 };
    }
    if (frame !== this.current.frame) await miCommands.consoleCommand(this.gdb, `frame ${frame}`);
  }

  disassemble(thread: number, frame: number): Promise<Disassembly> {
    return disassembleFrame(this.gdb, thread, frame);
  }

  readMemory(thread: number, frame: number, expression: string, length: number): Promise<{ address: string; chunks: MemoryChunk[] }> {
    return readFrameMemory(this.gdb, thread, frame, expression, length);
  }

  async variables(thread: number, frame: number): Promise<VariableNode[]> {
    const old = this.roots;
    this.roots = [];
    await deleteVariables(this.gdb, old);
    const nodes = await frameVariables(this.gdb, thread, frame);
    this.roots = nodes.map((n) => n.id);
    return nodes;
  }

  expandVariable(id: string): Promise<VariableNode[]> {
    return variableChildren(this.gdb, id);
  }

  close(): void {
    this.gdb.close();
  }
}
