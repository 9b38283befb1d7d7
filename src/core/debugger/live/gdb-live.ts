import { DebuggerError } from '../errors';
import { gdbInitCommands, loadFiles } from '../gdb-extract';
import { GdbSession, type MiAsync } from '../gdb-session';
import { miQuote, miString, miTuple } from '../mi-parser';
import { ConsoleTerminal } from './console-terminal';
import type { LiveSession, LiveSessionEvents, LiveSessionInput } from './live-session';
import { writeRefuseStartScript } from './refuse-start';

/** A console command may run long (`info functions` on a big program); views wait this long behind it. */
const COMMAND_TIMEOUT_MS = 120_000;

function selectionOf(record: MiAsync): { thread: number; frame: number } | null {
  if (record.class !== 'thread-selected') return null;
  const thread = Number(miString(record.results.id));
  const frame = Number(miString(miTuple(record.results.frame)?.level) ?? 0);
  return Number.isInteger(thread) && Number.isInteger(frame) ? { thread, frame } : null;
}

/**
 * gdb on a core with two UIs: GDB/MI for the views, and a CLI on a second terminal
 * (`new-ui console /dev/pts/N`) for the person. Both drive the same inferior and selection, and
 * gdb announces every selection change on the MI channel as =thread-selected.
 */
export class GdbLiveSession implements LiveSession {
  readonly debugger = 'gdb' as const;
  private current = { thread: 0, frame: 0 };

  private constructor(
    private readonly gdb: GdbSession,
    private readonly terminal: ConsoleTerminal,
  ) {}

  static async start(input: LiveSessionInput, events: LiveSessionEvents): Promise<GdbLiveSession> {
    const script = writeRefuseStartScript();
    let terminal: ConsoleTerminal | null = null;
    let gdb: GdbSession | null = null;
    try {
      terminal = await ConsoleTerminal.open(input.cols, input.rows);
      gdb = await GdbSession.start({
        initCommands: [...gdbInitCommands(input.debugDirs), `source ${script.path}`],
        env: { TERM: 'xterm-256color' },
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
      });
      await loadFiles(gdb, input, []);
      const session = new GdbLiveSession(gdb, terminal);
      terminal.onData((data) => events.output(data));
      gdb.onAsync((record) => {
        const selection = selectionOf(record);
        if (!selection) return;
        session.current = selection;
        events.selection(selection);
      });
      const console = terminal;
      gdb.onClose((reason) => {
        console.kill();
        script.remove();
        events.closed(reason.message);
      });
      void terminal.exited.then(() => session.close());
      const selected = await gdb.command('-thread-info');
      session.current = { thread: Number(miString(selected.results['current-thread-id']) ?? 1), frame: 0 };
      await gdb.command(`-interpreter-exec console ${miQuote(`new-ui console ${terminal.ttyPath}`)}`);
      return session;
    } catch (error) {
      gdb?.kill();
      terminal?.kill();
      script.remove();
      if (error instanceof DebuggerError) throw error;
      throw new DebuggerError('gdb', 'starting the console', (error as Error).message);
    }
  }

  write(data: string): void {
    this.terminal.write(data);
  }

  resize(cols: number, rows: number): void {
    this.terminal.resize(cols, rows);
  }

  async select(thread: number, frame: number): Promise<void> {
    if (thread !== this.current.thread) {
      // MI answers its own -thread-select without a notification; the console announces it.
      await this.gdb.command(`-thread-select ${thread}`);
      this.current = { thread, frame: 0 };
    }
    if (frame !== this.current.frame) await this.gdb.command(`-interpreter-exec console ${miQuote(`frame ${frame}`)}`);
  }

  close(): void {
    this.gdb.close();
  }
}
