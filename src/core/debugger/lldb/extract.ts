import type { AnalysisWarning } from '../../../shared/model';
import { DebuggerError, LOADING_STEP } from '../errors';
import { debuggerDebugDirs } from '../../symbols/locate';
import {
  MAX_FRAMES,
  MAX_LOCAL_FRAMES,
  framesForLocals,
  markInlined,
  markPastMain,
  orderThreads,
  type ExtractionInput,
  type ExtractionResult,
} from '../extraction';
import { FRAME_FORMAT, THREAD_FORMAT, splitSections } from './readers';
import { PathAliases, isPlainPath, lldbQuote } from '../../platform/path-aliases';
import { LLDB, LLDB_QUERIES, selectedFrame, selectedThread } from './commands';
import { runBatch } from './batch';

/** What every lldb run loads before its own commands. */
export interface LldbTarget {
  core: string;
  executable: string | null;
  debugDirs: string[];
  /** Where the core's recorded library paths are resolved (the analysis's own folder of links). */
  sysroot?: string | null;
  /** Searched for modules by file name. */
  solibDirs?: string[];
  /** Breakpad symbol files for a minidump's modules, which lldb reads as their symbols. */
  symbolFiles?: string[];
  /** Inflated copies of compressed debug files (plain-debug.ts), searched first. */
  plainDebugDir?: string | null;
}

/** The same target with every path made safe to write into lldb's commands, through `aliases`. */
export function aliasTarget(target: LldbTarget, aliases: PathAliases): LldbTarget {
  return {
    core: aliases.alias(target.core),
    executable: target.executable ? aliases.alias(target.executable) : null,
    debugDirs: target.debugDirs.map((d) => aliases.alias(d)),
    sysroot: target.sysroot ? aliases.alias(target.sysroot) : null,
    solibDirs: (target.solibDirs ?? []).map((d) => aliases.alias(d)),
    symbolFiles: (target.symbolFiles ?? []).map((f) => aliases.alias(f)),
    plainDebugDir: target.plainDebugDir ? aliases.alias(target.plainDebugDir) : null,
  };
}

/** Loads the target; its paths must come from `aliasTarget`, and a path that did not is refused. */
export function targetCommands(target: LldbTarget): string[] {
  const path = (p: string): string => {
    if (!isPlainPath(p)) throw new Error(`internal: ${JSON.stringify(p)} was not made safe for lldb's command line`);
    return lldbQuote(p, 'path');
  };
  return [
    LLDB.noScriptsFromSymbols,
    LLDB.noCwdInit,
    LLDB.platform(target.sysroot ? path(target.sysroot) : null),
    ...debuggerDebugDirs(target.debugDirs, target.plainDebugDir).map((d) => LLDB.debugSearchPath(path(d))),
    ...(target.solibDirs ?? []).map((d) => LLDB.execSearchPath(path(d))),
    LLDB.targetCreate(target.executable ? path(target.executable) : null, path(target.core)),
    ...(target.symbolFiles ?? []).map((f) => LLDB.symbolsAdd(path(f))),
  ];
}

/**
 * Quotes one of the workbench's own constant texts (frame formats, messages), whose backslash
 * escapes (`\\n`, `\\x1b`) are meant for lldb; never text that came from outside.
 */
export const formatQuote = (text: string): string => `"${text.replace(/"/g, '\\"')}"`;

/** The queries of one extraction: every thread's frames, registers, and the crashing thread's first frames' locals. */
const extractionQueries = (input: ExtractionInput) => ({
  backtrace: LLDB_QUERIES.backtraceAll(MAX_FRAMES, input.moduleAt),
  registers: LLDB_QUERIES.registers(new Set(input.registerNames)),
  locals: LLDB_QUERIES.frameLocals,
});

export function lldbCommands(input: ExtractionInput & LldbTarget): string[] {
  const { backtrace, registers, locals } = extractionQueries(input);
  const commands = [
    LLDB.noColor,
    LLDB.format('thread-format', formatQuote(THREAD_FORMAT)),
    LLDB.format('thread-stop-format', formatQuote(THREAD_FORMAT)),
    LLDB.format('frame-format', formatQuote(FRAME_FORMAT)),
    ...targetCommands(input),
    backtrace.text,
  ];
  for (let n = 1; n <= input.threadCount; n++) commands.push(LLDB.selectThread(n), registers.text);
  // lldb numbers threads in the core's order: in an ELF core the kernel writes the crashing thread first.
  commands.push(LLDB.selectThread(input.crashingThreadNumber ?? 1));
  // Each of the crashing thread's first frames: its locals, and (past frame 0) its registers as unwound to it.
  for (let f = 0; f < MAX_LOCAL_FRAMES; f++) commands.push(LLDB.selectFrame(f), locals.text, ...(f > 0 ? [registers.text] : []));
  return commands;
}

/** Extracts threads, frames, registers and locals with lldb, in one batch run. */
export async function extractWithLldb(input: ExtractionInput, plainDebugDir?: string | null): Promise<ExtractionResult> {
  const aliases = new PathAliases();
  let output: string;
  try {
    output = await runBatch(lldbCommands({ ...input, ...aliasTarget({ ...input, plainDebugDir }, aliases) }), input.timeoutMs ?? 60_000);
  } finally {
    aliases.dispose();
  }
  const sections = splitSections(output);
  const warnings: AnalysisWarning[] = [];
  const created = sections.find((s) => s.command.startsWith('target create'));
  const createError = created?.lines.find((l) => /^error:/.test(l));
  if (!created || createError) {
    throw new DebuggerError('lldb', LOADING_STEP, createError?.replace(/^error:\s*/, '') ?? 'lldb printed no result for target create');
  }
  const { backtrace, registers, locals } = extractionQueries(input);
  const threads = backtrace.read(sections.find((s) => s.command === backtrace.text)?.lines ?? []);
  if (threads.length === 0) throw new DebuggerError('lldb', 'listing threads', 'the core holds no threads lldb can read');

  let selected = 0;
  let frame = 0;
  for (const section of sections) {
    selected = selectedThread(section.command) ?? selected;
    frame = selectedFrame(section.command) ?? frame;
    const thread = threads.find((t) => t.number === selected);
    if (!thread) continue;
    if (section.command === registers.text && frame === 0) thread.registers = registers.read(section.lines);
    else if (section.command === registers.text && thread.frames[frame]?.file) {
      (thread.frameRegisters ??= {})[String(frame)] = registers.read(section.lines);
    }
    if (section.command === locals.text && thread.frames[frame]?.file) {
      thread.locals[String(frame)] = locals.read(section.lines);
    }
  }
  for (const t of threads) {
    t.crashed = t.id === input.crashingThreadId;
    t.frames = markPastMain(markInlined(t.frames));
    t.framesTruncated = t.frames.length >= MAX_FRAMES;
    // The same frames as with gdb, so both backends give one data model.
    const kept = new Set(t.crashed ? framesForLocals(t).map((f) => String(f.index)) : []);
    t.locals = Object.fromEntries(Object.entries(t.locals).filter(([frame]) => kept.has(frame)));
    if (t.frameRegisters) t.frameRegisters = Object.fromEntries(Object.entries(t.frameRegisters).filter(([frame]) => kept.has(frame)));
  }
  return { threads: orderThreads(threads), warnings };
}
