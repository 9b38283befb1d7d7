import type { Disassembly, Thread, Variable } from '../../../shared/model';
import {
  isPointer,
  membersAnswered,
  readAddress,
  readBacktraces,
  readDisassembly,
  readFrameFunction,
  readFrameVariables,
  readMembers,
  readMemoryBytes,
  readRegisters,
  variableAnswered,
} from './readers';

/**
 * Every lldb command the workbench runs, spelled in one place. Paths come in already made safe
 * (`lldbQuote` of an aliased plain path, by the caller); formats are the workbench's own texts.
 * The commands whose answers are read are in LLDB_QUERIES below, each with its reader.
 */
export const LLDB = {
  noColor: 'settings set use-color false',
  /** A project's `.lldbinit` and scripts next to its symbol files never run. */
  noScriptsFromSymbols: 'settings set target.load-script-from-symbol-file false',
  noCwdInit: 'settings set target.load-cwd-lldbinit false',
  /** A remote platform, so its sysroot applies to the core's libraries; it has nowhere to launch anything either. */
  platform: (sysroot: string | null): string =>
    sysroot ? `platform select remote-linux --sysroot ${sysroot}` : 'platform select remote-linux',
  debugSearchPath: (dir: string): string => `settings append target.debug-file-search-paths ${dir}`,
  execSearchPath: (dir: string): string => `settings append target.exec-search-paths ${dir}`,
  sourceMap: (from: string, to: string): string => `settings append target.source-map ${from} ${to}`,
  targetCreate: (executable: string | null, core: string): string =>
    executable ? `target create ${executable} --core ${core}` : `target create --core ${core}`,
  symbolsAdd: (file: string): string => `target symbols add ${file}`,
  /** lldb's own cache of symbol indexes off: with it, llnode was seen decoding no frame at all. */
  noIndexCache: 'settings set symbols.enable-lldb-index-cache false',
  pluginLoad: (file: string): string => `plugin load ${file}`,
  format: (setting: 'thread-format' | 'thread-stop-format' | 'frame-format', quotedFormat: string): string =>
    `settings set ${setting} ${quotedFormat}`,
  selectThread: (thread: number): string => `thread select ${thread}`,
  selectFrame: (frame: number): string => `frame select ${frame}`,
} as const;

/**
 * A command whose answer is read: its spelling, the reader of what it printed (one batch
 * section's lines, which may hold lldb's stop report too), and whether those lines are its whole
 * answer (a run that died mid-answer has not; such a run is tried again).
 */
export interface LldbQuery<T> {
  readonly text: string;
  read(lines: string[]): T;
  complete(lines: string[]): boolean;
}

const query = <T>(text: string, read: (lines: string[]) => T, complete: (lines: string[]) => boolean = () => true): LldbQuery<T> => ({
  text,
  read,
  complete,
});

export const LLDB_QUERIES = {
  backtraceAll: (maxFrames: number, moduleAt: (address: bigint) => string | null): LldbQuery<Thread[]> =>
    query(`thread backtrace all -c ${maxFrames}`, (lines) => readBacktraces(lines, moduleAt)),
  registers: (wanted: Set<string>): LldbQuery<Record<string, string>> => query('register read', (lines) => readRegisters(lines, wanted)),
  /** A frame's arguments and locals, one line each with scope: "ARG: (int) argc = 1". */
  frameLocals: query<Variable[]>('frame variable -s -D 0', readFrameVariables),
  /** One variable with its type, as it is (`depth` 0: is it a pointer?) or with its members (1). */
  variable: (path: string): LldbQuery<{ pointer: boolean }> =>
    query(`frame variable -T -D 0 -- ${path}`, (lines) => ({ pointer: isPointer(lines) }), variableAnswered),
  members: (path: string): LldbQuery<ReturnType<typeof readMembers>> =>
    query(`frame variable -T -D 1 -- ${path}`, readMembers, membersAnswered),
  addressOf: (expression: string): LldbQuery<string | null> => query(`expression -f x -- (unsigned long)(${expression})`, readAddress),
  memory: (expression: string, length: number): LldbQuery<string[]> =>
    query(`memory read --force -s1 -fx -c ${length} -- ${expression}`, readMemoryBytes),
  frameInfo: query<string | null>('frame info', readFrameFunction),
  /** The frame's function, source lines interleaved: "** 12 <source>" heads line 12's instructions; "->" marks the pc. */
  disassembleFrame: (file: string | null): LldbQuery<Disassembly> =>
    query('disassemble --mixed --frame', (lines) => readDisassembly(lines, file)),
};

/** The thread or frame a batch's section selected, read back from its command. */
export const selectedThread = (command: string): number | null => {
  const m = /^thread select (\d+)/.exec(command);
  return m ? Number(m[1]) : null;
};
export const selectedFrame = (command: string): number | null => {
  const m = /^frame select (\d+)/.exec(command);
  return m ? Number(m[1]) : null;
};
