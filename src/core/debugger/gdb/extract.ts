import type { PipedChild } from '../pipe-process';
import { mkdirSync } from 'node:fs';
import type { AnalysisWarning, Frame, Thread, Variable } from '../../../shared/model';
import { DebuggerError } from '../errors';
import {
  MAX_FRAMES,
  framesForLocals,
  hexAddress,
  markInlined,
  markPastMain,
  orderThreads,
  type DebuggerOptions,
  type ExtractionInput,
  type ExtractionResult,
  type PreparedDebugger,
} from '../extraction';
import { GdbSession } from './session';
import { PathAliases } from '../../platform/path-aliases';
import { miString, type MiTuple } from './mi-parser';
import * as mi from './mi-commands';
import { withInferredTailCalls } from './tail-calls';
import { mark } from '../../platform/timeline';
import { debuggerDebugDirs } from '../../symbols/locate';

/** The debug-file-directory list; `:` separates it, so every folder goes through `aliases`. */
export function gdbInitCommands(debugDirs: string[], aliases: PathAliases, plainDebugDir?: string | null): string[] {
  const dirs = debuggerDebugDirs(debugDirs, plainDebugDir).map((d) => aliases.alias(d));
  // Disassembly names C++ functions as frames do (tail calls are found by comparing the two).
  return [`set debug-file-directory ${dirs.join(':')}`, 'set print asm-demangle on'];
}

/** gdb's index cache in the workbench's cache, private to the user; none without a cache. */
export function indexCacheCommands(dir: string | null | undefined, aliases: PathAliases): string[] {
  if (!dir) return [];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return [`set index-cache directory ${aliases.alias(dir)}`, 'set index-cache enabled on'];
}

/** Where gdb finds the core's libraries: the sysroot first, then each solib folder by file name. */
export function gdbLibraryCommands(files: { sysroot: string | null; solibDirs: string[] }, aliases: PathAliases): string[] {
  return [
    ...(files.sysroot ? [`set sysroot ${aliases.alias(files.sysroot)}`] : []),
    ...(files.solibDirs.length ? [`set solib-search-path ${files.solibDirs.map((d) => aliases.alias(d)).join(':')}`] : []),
  ];
}

function parseFrame(tuple: MiTuple, input: ExtractionInput): Frame {
  const address = hexAddress(miString(tuple.addr)) ?? '0x0';
  const line = miString(tuple.line);
  const fn = miString(tuple.func);
  return {
    index: Number(miString(tuple.level) ?? 0),
    address,
    function: fn && fn !== '??' ? fn : null,
    file: miString(tuple.fullname) ?? miString(tuple.file),
    line: line ? Number(line) : null,
    module: input.moduleAt(BigInt(address)) ?? miString(tuple.from),
    inline: false,
  };
}

function parseVariables(list: MiTuple[]): Variable[] {
  return list.map((t) => ({
    name: miString(t.name) ?? '?',
    type: miString(t.type),
    value: miString(t.value),
    isArgument: miString(t.arg) === '1',
  }));
}

function lwpOf(targetId: string | null): number | null {
  const m = /LWP (\d+)/.exec(targetId ?? '') ?? /process (\d+)/.exec(targetId ?? '');
  return m?.[1] ? Number(m[1]) : null;
}

/** Runs the commands with at most `width` in flight, so gdb's input never backs up. */
async function pipelined<T>(items: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** Loads the program and the core into a session; what gdb warns about them becomes analysis warnings. */
async function loadFiles(
  gdb: GdbSession,
  input: Pick<ExtractionInput, 'core' | 'executable' | 'debugDirs' | 'sysroot' | 'solibDirs'>,
  aliases: PathAliases,
  plainDebugDir: string | null | undefined,
  warnings: AnalysisWarning[],
): Promise<void> {
  // gdb was started before the files were found; what was found since is set now, before they load.
  for (const command of [...gdbInitCommands(input.debugDirs, aliases, plainDebugDir), ...gdbLibraryCommands(input, aliases)]) {
    await mi.consoleCommand(gdb, command);
  }
  mark('gdb loading the program');
  if (input.executable) await mi.loadProgram(gdb, aliases.alias(input.executable));
  mark('gdb loaded the program');
  // core-file takes the rest of its line as the name: only a plain path may stand there.
  const loaded = await mi.consoleCommand(gdb, `core-file ${aliases.alias(input.core)}`, 120_000);
  mark('gdb loaded the core');
  for (const text of loaded.split('\n')) {
    if (/warning: (core file may not match|exec file is newer)/i.test(text)) {
      warnings.push({ kind: 'debugger', message: text.trim() });
    }
  }
}

async function extractFrom(
  gdb: GdbSession,
  input: ExtractionInput,
  aliases: PathAliases,
  options: DebuggerOptions,
  reusable: boolean,
): Promise<ExtractionResult> {
  const warnings: AnalysisWarning[] = [];
  try {
    await loadFiles(gdb, input, aliases, options.plainDebugDir, warnings);
    const rawThreads = (await mi.threadInfo(gdb)).threads;
    if (rawThreads.length === 0) throw new DebuggerError('gdb', 'listing threads', 'the core holds no threads gdb can read');

    const threads: Thread[] = rawThreads.map((t, i) => {
      const number = t.number ?? i + 1;
      const id = lwpOf(t.targetId) ?? number;
      return {
        id,
        number,
        name: t.name,
        crashed: id === input.crashingThreadId,
        frames: [],
        framesTruncated: false,
        registers: {},
        locals: {},
      };
    });
    if (!threads.some((t) => t.crashed) && threads[0]) threads[0].crashed = true;

    const names = await mi.registerNames(gdb);
    const general = new Set(input.registerNames);
    const numbers = names.flatMap((n, i) => (general.has(n) ? [String(i)] : [])).join(' ');
    await pipelined(threads, 32, async (thread) => {
      const frames = await mi.listFrames(gdb, thread.number, 0, MAX_FRAMES - 1);
      thread.frames = markPastMain(markInlined(frames.map((f) => parseFrame(f, input))));
      thread.framesTruncated = frames.length >= MAX_FRAMES;
      thread.registers = innermostFromNotes(thread.id) ?? (await registersOf(thread.number, 0));
    });
    /**
     * A thread's innermost registers are the ones its note holds, as gdb would list them (its names,
     * its order, hex): gdb switching to each thread to list them cost ~1.7 ms a thread. A thread
     * whose note lacks any of them is asked for.
     */
    function innermostFromNotes(tid: number): Record<string, string> | null {
      const noted = input.noteRegisters?.get(tid);
      if (!noted) return null;
      const out: Record<string, string> = {};
      for (const name of names) {
        if (!general.has(name)) continue;
        const value = noted[name];
        if (value === undefined) return null;
        out[name] = value;
      }
      return out;
    }
    async function registersOf(thread: number, frame: number): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      for (const { number, value } of await mi.registerValues(gdb, thread, frame, numbers)) {
        const name = names[number];
        if (name) out[name] = value;
      }
      return out;
    }

    // The crashing thread's own frames keep their locals and their registers as unwound to them.
    mark('gdb listed frames and registers');
    const crashed = threads.find((t) => t.crashed);
    const wanted = framesForLocals(crashed).map((f) => ({ thread: crashed as Thread, frame: f.index }));
    await pipelined(wanted, 8, async ({ thread, frame }) => {
      thread.locals[String(frame)] = parseVariables(await mi.listVariables(gdb, thread.number, frame, 'simple'));
      if (frame > 0) (thread.frameRegisters ??= {})[String(frame)] = await registersOf(thread.number, frame);
    });
    mark('gdb listed locals');
    if (crashed) crashed.frames = await withInferredTailCalls(gdb, crashed.frames);
    mark('gdb inferred tail calls');
    return { threads: orderThreads(threads), warnings };
  } finally {
    if (reusable) await unload(gdb);
    else gdb.close();
  }
}

/**
 * Leaves a session as it started, for the next core: no core, no program, the library search
 * reset. A session that cannot be reset is closed, and is not used again.
 */
async function unload(gdb: GdbSession): Promise<void> {
  try {
    for (const command of ['core-file', 'file', 'set sysroot', 'set solib-search-path']) await mi.consoleCommand(gdb, command);
  } catch {
    gdb.close();
  }
}

/**
 * Starts gdb at once, so its start-up overlaps with reading the core and finding the program;
 * extract() then loads the files into the already running session. A reusable one analyses core
 * after core, one at a time, in the same gdb (which keeps what it read of the libraries they
 * share) until disposed.
 */
export function prepareGdb(options: DebuggerOptions, reusable = false, started?: PipedChild): PreparedDebugger {
  const aliases = new PathAliases();
  let session: Promise<GdbSession>;
  try {
    const initCommands = [
      ...gdbInitCommands(options.debugDirs, aliases, options.plainDebugDir),
      ...indexCacheCommands(options.indexCacheDir, aliases),
    ];
    // One started before these were known is told them now, before it loads anything.
    session = started
      ? GdbSession.adopt(started, { commandTimeoutMs: options.timeoutMs }).then(async (gdb) => {
          for (const command of initCommands) await mi.consoleCommand(gdb, command);
          return gdb;
        })
      : GdbSession.start({ initCommands, commandTimeoutMs: options.timeoutMs, ...(options.program ? { gdbPath: options.program } : {}) });
  } catch (error) {
    aliases.dispose();
    throw error;
  }
  let alive = true;
  // The rejection is observed by extract() or dispose(); this keeps it from counting as unhandled meanwhile.
  session.then(
    (gdb) => gdb.onClose(() => (alive = false)),
    () => (alive = false),
  );
  const dispose = (): void => {
    void session.then(
      (gdb) => gdb.close(),
      () => undefined,
    );
    aliases.dispose();
  };
  return {
    extract: async (input) => {
      try {
        return await extractFrom(await session, input, aliases, options, reusable);
      } finally {
        if (!reusable) aliases.dispose();
      }
    },
    dispose,
    isAlive: () => alive,
    gone: () =>
      session.then(
        (gdb) => gdb.exited,
        () => undefined,
      ),
  };
}
