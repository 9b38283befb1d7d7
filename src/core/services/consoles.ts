import { randomUUID } from 'node:crypto';
import type { ConsolesApi } from '../../shared/services/consoles';
import type { Disposable } from '../platform/disposables';
import { access, constants } from 'node:fs/promises';
import type {
  ConsoleEvent,
  ConsoleInfo,
  ConsoleSize,
  Crash,
  DebuggerKind,
  Disassembly,
  MemoryDump,
  SourceMapping,
  SourceResult,
  VariableNode,
} from '../../shared/model';
import { backendOf } from '../debugger';
import { couldNotLoad } from '../debugger/errors';
import { debuggerForMachine } from '../debugger/architectures';
import { readElfMachine } from '../elf/elf-headers';
import { isMinidump } from '../minidump/minidump-file';
import type { LiveSession, LiveSessionEvents } from '../debugger/live/live-session';
import { coreOf } from '../intake/ingest';
import { linkModules, type ModuleLinks } from '../symbols/module-links';
import { llnodePlugin } from '../runtimes';
import { symbolsOnlyCopy } from '../symbols/symbols-only';
import type { SymbolCache } from '../symbols/symbol-cache';

/** Each console is a debugger with the whole core loaded; a few at once is plenty. */
export const MAX_CONSOLES = 8;

/** The live debugger sessions behind the consoles, by session id. */
export class ConsolesService implements ConsolesApi, Disposable {
  private readonly sessions = new Map<
    string,
    { crashId: string; executable: string | null; session: LiveSession; links: ModuleLinks | null }
  >();

  constructor(
    private readonly emit: (event: ConsoleEvent) => void,
    private readonly getCrash: (id: string) => Promise<Crash>,
    /** Finds a source file as the source view does, with the user's source folders. */
    private readonly readSource: (file: string, executable: string | null) => Promise<SourceResult>,
    private readonly sourceMappings: (executable: string) => Promise<SourceMapping[]>,
    /** The symbol cache: its inflated debug files (plain-debug.ts) and runtimes' executables without DWARF (symbols-only.ts), which the analyses read too. */
    private readonly symbolCache: () => Promise<SymbolCache>,
  ) {}

  async openConsole(crashId: string, size: ConsoleSize): Promise<ConsoleInfo> {
    const crash = await this.getCrash(crashId);
    if (this.sessions.size >= MAX_CONSOLES) {
      throw new Error(`${MAX_CONSOLES} consoles are open already; close one (each holds a debugger with its whole core loaded)`);
    }
    const core = coreOf(crash);
    if (!core) throw new Error(`this crash came without a core (${crash.origin ?? 'a bundle'}): there is nothing for a debugger to open`);
    try {
      await access(core, constants.R_OK);
    } catch {
      throw new Error(
        `cannot start a console: the core ${core} is gone or unreadable. The stored analysis stays; open the core again from where it now is.`,
      );
    }
    if (couldNotLoad(crash.analysisError, crash.debugger) && (await isMinidump(core))) {
      throw new Error(
        `${crash.debugger} cannot read this minidump (${crash.analysisError}), so there is no console on it. The stacks shown were walked by the workbench from the dump's own memory and symbol files.`,
      );
    }
    // A Node.js core's console is lldb with llnode, whose `v8` commands read the JavaScript side.
    const llnode = crash.runtime?.runtime === 'node' ? llnodePlugin() : null;
    const kind = llnode ? 'lldb' : crash.debugger;
    const program = await this.programFor(core, kind);
    const sessionId = randomUUID();
    // The debugger prints its first prompt before the caller knows the session id; what comes
    // before open() has returned is held and sent just after, so no front door drops it.
    let held: ConsoleEvent[] | null = [];
    const emit = (event: ConsoleEvent): void => {
      if (held) held.push(event);
      else this.emit(event);
    };
    const recorded = crash.loaded?.executable ?? crash.modules.find((m) => m.path === crash.executable)?.hostPath ?? null;
    // llnode needs node's symbol table only: the copy without DWARF loads in a second, not lldb's 10-17 s.
    const copy = llnode && recorded ? await symbolsOnlyCopy(recorded, crash.executableBuildId, await this.symbolCache()) : null;
    if (copy?.note) emit({ type: 'console-output', sessionId, data: `crash workbench: ${copy.note}\r\n` });
    const executable = copy?.path ?? recorded;
    // The console is shown the libraries and debug files the analysis chose, so it sees what the views see.
    const libraries = crash.loaded?.libraries;
    const links: ModuleLinks | null = libraries ? linkModules(libraries, crash.modules) : null;
    const input = {
      core,
      executable,
      debugDirs: [...(links ? [links.debugDir] : []), ...(crash.loaded?.debugDirs ?? [])],
      sysroot: links?.sysroot ?? null,
      solibDirs: crash.loaded?.solibDirs ?? [],
      symbolFiles: crash.loaded?.symbolFiles ?? [],
      sourceMappings: crash.executable ? await this.sourceMappings(crash.executable) : [],
      plainDebugDir: (await this.symbolCache()).plainDebugDir,
      ...(program ? { program } : {}),
      ...(llnode ? { lldbPlugins: [llnode] } : {}),
      cols: size.cols,
      rows: size.rows,
    };
    const events: LiveSessionEvents = {
      output: (data) => emit({ type: 'console-output', sessionId, data }),
      selection: ({ thread, frame }) => emit({ type: 'console-selection', sessionId, thread, frame }),
      closed: (reason) => {
        void links?.dispose();
        this.sessions.delete(sessionId);
        emit({ type: 'console-closed', sessionId, reason });
      },
    };
    // The console speaks the debugger the crash was analysed with (lldb for Node.js's `v8` commands), so its thread numbers match the views'.
    const fileOf = (thread: number, frame: number): string | null =>
      crash.threads.find((t) => t.number === thread)?.frames.find((f) => f.index === frame)?.file ?? null;
    const session = await backendOf(kind)
      .startConsole(input, events, fileOf)
      .catch((error: unknown) => {
        void links?.dispose();
        throw error;
      });
    this.sessions.set(sessionId, { crashId: crash.id, executable: crash.executable, session, links });
    setImmediate(() => {
      const early = held ?? [];
      held = null;
      for (const event of early) this.emit(event);
    });
    return { sessionId, crashId: crash.id, debugger: session.debugger };
  }

  /**
   * The program of the crash's debugger that reads its core (gdb-multiarch for a core of another
   * architecture); undefined for the usual one. A core no installed debugger reads gets no console.
   */
  private async programFor(core: string, kind: DebuggerKind): Promise<string | undefined> {
    if (await isMinidump(core)) return undefined;
    const machine = await readElfMachine(core);
    if (machine === null) return undefined;
    const verdict = await debuggerForMachine(kind, machine);
    if (!verdict.ok) throw new Error(`cannot start a console: ${verdict.reason}`);
    if (verdict.choice.kind !== kind)
      throw new Error(`cannot start a ${kind} console on this core: ${verdict.choice.instead ?? `${kind} does not read its architecture`}`);
    return verdict.choice.program;
  }

  private get(sessionId: string): LiveSession {
    const entry = this.sessions.get(sessionId);
    if (!entry) throw new Error(`no console ${sessionId} is open; it was closed or its debugger ended — open the console again`);
    return entry.session;
  }

  async writeConsole(sessionId: string, data: string): Promise<void> {
    this.get(sessionId).write(data);
  }

  async resizeConsole(sessionId: string, size: ConsoleSize): Promise<void> {
    this.get(sessionId).resize(size.cols, size.rows);
  }

  selectFrame(sessionId: string, thread: number, frame: number): Promise<void> {
    return this.get(sessionId).select(thread, frame);
  }

  async disassemble(sessionId: string, thread: number, frame: number): Promise<Disassembly> {
    const disassembly = await this.get(sessionId).disassemble(thread, frame);
    const executable = this.sessions.get(sessionId)?.executable ?? null;
    const files = new Map<string, string[] | null>();
    for (const block of disassembly.blocks) {
      if (!block.file || block.line === null) continue;
      if (!files.has(block.file)) {
        const found = await this.readSource(block.file, executable);
        files.set(block.file, found.found ? found.text.split('\n') : null);
      }
      block.source = files.get(block.file)?.[block.line - 1] ?? null;
    }
    return disassembly;
  }

  async readMemory(sessionId: string, thread: number, frame: number, expression: string, length: number): Promise<MemoryDump> {
    return { expression, ...(await this.get(sessionId).readMemory(thread, frame, expression, length)) };
  }

  frameVariables(sessionId: string, thread: number, frame: number): Promise<VariableNode[]> {
    return this.get(sessionId).variables(thread, frame);
  }

  expandVariable(sessionId: string, id: string): Promise<VariableNode[]> {
    return this.get(sessionId).expandVariable(id);
  }

  async closeConsole(sessionId: string): Promise<void> {
    this.close(sessionId);
  }

  private close(sessionId: string): void {
    this.sessions.get(sessionId)?.session.close();
    void this.sessions.get(sessionId)?.links?.dispose();
    this.sessions.delete(sessionId);
  }

  dispose(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
  }
}
