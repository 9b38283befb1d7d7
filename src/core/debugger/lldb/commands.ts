/**
 * Every lldb command the workbench runs, spelled in one place. Paths come in already made safe
 * (`lldbQuote` of an aliased plain path, by the caller); formats are the workbench's own texts.
 * The readers of their output are in `output.ts` and `inspect.ts`, which match these spellings.
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
  format: (setting: 'thread-format' | 'thread-stop-format' | 'frame-format', quotedFormat: string): string =>
    `settings set ${setting} ${quotedFormat}`,
  backtraceAll: (maxFrames: number): string => `thread backtrace all -c ${maxFrames}`,
  selectThread: (thread: number): string => `thread select ${thread}`,
  selectFrame: (frame: number): string => `frame select ${frame}`,
  registers: 'register read',
  /** A frame's arguments and locals, one line each with scope: "ARG: (int) argc = 1". */
  frameLocals: 'frame variable -s -D 0',
  /** One variable with its type, `depth` levels of members deep. */
  variable: (path: string, depth: 0 | 1): string => `frame variable -T -D ${depth} -- ${path}`,
  addressOf: (expression: string): string => `expression -f x -- (unsigned long)(${expression})`,
  memory: (expression: string, length: number): string => `memory read --force -s1 -fx -c ${length} -- ${expression}`,
  frameInfo: 'frame info',
  /** The frame's function, source lines interleaved: "** 12 <source>" heads line 12's instructions; "->" marks the pc. */
  disassembleFrame: 'disassemble --mixed --frame',
} as const;

/** The thread or frame a batch's section selected, read back from its command. */
export const selectedThread = (command: string): number | null => {
  const m = /^thread select (\d+)/.exec(command);
  return m ? Number(m[1]) : null;
};
export const selectedFrame = (command: string): number | null => {
  const m = /^frame select (\d+)/.exec(command);
  return m ? Number(m[1]) : null;
};
