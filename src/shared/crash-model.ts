/**
 * A crash as the workbench knows it: signal, threads, frames, modules, how it was analysed, and
 * the live debugger's console and inspection views on it. JSON-safe (addresses are "0x…" strings).
 */

/** The debuggers the workbench drives; the one list that schemas, selects and the CLI read. */
export const DEBUGGERS = ['gdb', 'lldb'] as const;
export type DebuggerKind = (typeof DEBUGGERS)[number];

/**
 * How each debugger names a variable whose children the views ask for: gdb's variable object
 * (var1.child), lldb's thread, frame and member path (lldb:1:0:p->next[2]). Never spaces, quotes,
 * backticks or control characters, since the handle is written into a debugger command.
 */
export const VARIABLE_HANDLES: Record<DebuggerKind, RegExp> = {
  gdb: /^var\d+(?:\.[\w$.-]+)*$/,
  lldb: /^lldb:\d+:\d+:[\w$.\-><[\]*:&,]+$/,
};

export interface SignalInfo {
  number: number;
  name: string;
  /** si_code as the kernel wrote it. */
  code: number;
  /** Name of si_code for this signal, e.g. SEGV_MAPERR. */
  codeName: string | null;
  /** Address that faulted, for SIGSEGV/SIGBUS/SIGILL/SIGFPE. */
  faultAddress: string | null;
  /** Who sent it, for signals sent by kill/tgkill/abort. */
  senderPid: number | null;
  /** One sentence for people: "SIGSEGV at 0x0: address not mapped — a NULL pointer dereference". */
  explanation: string;
}

/** The machine a crash happened on, where the dump says (minidumps do). */
export interface SystemInfo {
  os: string;
  osVersion: string;
  cpu: string;
  /** The Linux distribution, where the dump copied its release file ("Ubuntu 16.04.3 LTS"). */
  distribution?: string;
}

/**
 * How a frame was found. The workbench's own stack walker says it as minidump-stackwalk does:
 * from the thread's registers, by unwind rules (CFI or Windows frame data), by the frame-pointer
 * chain, or by scanning the stack for something that looks like a return address (a guess).
 * `guess` is a debugger's frame found by unwinding through code whose file it lacked, so without
 * its unwind rules: gdb and lldb then guess from the code's prologue and the stack.
 */
export const FRAME_TRUSTS = ['context', 'cfi', 'frame-pointer', 'scan', 'guess'] as const;
export type FrameTrust = (typeof FRAME_TRUSTS)[number];

/**
 * A function between a frame and the one above it that left the stack by a tail call (a jump in
 * place of a call and a return, as -O2 compiles a call in last position). It is inferred: from
 * the frame's own call instruction, which named it, and its jumps down to the frame above.
 */
export interface TailCall {
  function: string;
  /** Its entry. */
  address: string;
  /** Where in it the tail call was made. */
  file: string | null;
  line: number | null;
  /** False where several chains of tail calls lead to the frame above and this is not on all of them: shown, but not counted in grouping. */
  certain: boolean;
  /** Inlined into the function before it, at its tail jump. */
  inline?: boolean;
}

export interface Frame {
  index: number;
  address: string;
  function: string | null;
  file: string | null;
  line: number | null;
  module: string | null;
  inline: boolean;
  /** Set on frames the workbench walked itself (minidumps); a debugger's frames leave it out. */
  trust?: FrameTrust;
  /** "0x…" from the module's base, for frames without a function name: they read `module + 0x…`. */
  moduleOffset?: string;
  /** A frame after the program's `main` (the C library's start-up, `_start`): every crash has them, so grouping leaves them out. */
  pastMain?: boolean;
  /** The functions this frame called that tail-called down to the frame above it, in call order (outermost first). */
  tailCalls?: TailCall[];
  /** A frame of a language runtime's own code (JavaScript, Go, Python), read by the reader that knows it; absent for native code. */
  language?: FrameLanguage;
  /** The column of `line`, from 1, where the reader gives one. */
  column?: number;
  /**
   * What `line` and `column` point at: where the function is defined (V8's frames, read by llnode,
   * know no more), not the line executing. Absent: the line executing.
   */
  position?: 'definition';
}

export const FRAME_LANGUAGES = ['javascript', 'go', 'python'] as const;
export type FrameLanguage = (typeof FRAME_LANGUAGES)[number];

/** The language runtimes whose crashes the workbench reads at the level of their own language. */
export const RUNTIMES = ['node', 'go', 'python'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** What the runtime the crashed program ran on says, beside the debugger's native view. */
export interface RuntimeReading {
  runtime: RuntimeName;
  /** The tool that read it: "llnode", "delve", "py-bt"; null where none could. */
  reader: string | null;
  /** The thrown value or the panic, as the runtime would print it: "TypeError: bad input", "panic: assignment to entry in nil map". */
  message: string | null;
  /**
   * Why the runtime's own frames are not shown, and what would show them: "install python3.11-dbg
   * …". Null when they are.
   */
  missing: string | null;
}

export interface Variable {
  name: string;
  type: string | null;
  value: string | null;
  isArgument: boolean;
}

export interface Thread {
  /** Kernel thread id (LWP): the same whichever debugger extracted it. */
  id: number;
  /** The debugger's own thread number, as typed in its console; a goroutine's id for a goroutine. */
  number: number;
  name: string | null;
  /** Set where the thread is a Go goroutine (read by Delve): its id. Its `id` is then its OS thread's LWP, or minus its id where it ran on none. */
  goroutine?: number;
  crashed: boolean;
  frames: Frame[];
  /** True when the stack was cut at the frame limit (deep recursion). */
  framesTruncated: boolean;
  registers: Record<string, string>;
  /** Locals and arguments by frame index, for the frames that have debug info. */
  locals: Record<string, Variable[]>;
  /**
   * Registers as unwound to frames other than #0, by frame index: the crashing thread's frames
   * that have locals, or what the stack walker recovered. Frame #0's are `registers`.
   */
  frameRegisters?: Record<string, Record<string, string>>;
}

export const SYMBOL_STATUSES = ['debug-info', 'symbols', 'none', 'missing'] as const;
export type SymbolStatus = (typeof SYMBOL_STATUSES)[number];

/** Where a module's file or its debug info was found; the Modules tab says it, and reprocess reads it. */
export const ORIGIN_KINDS = [
  'recorded-path',
  'exe-option',
  'sysroot',
  'solib-dir',
  'debug-dir',
  'embedded',
  'symbol-server',
  /** Not a file: the image the core saved of it (the vdso). */
  'core-memory',
] as const;
export type OriginKind = (typeof ORIGIN_KINDS)[number];

export interface FileOrigin {
  kind: OriginKind;
  /** The folder, server or path it came from, as a person would look for it. */
  from: string;
}

export interface Module {
  /** Path as the crashed process saw it. */
  path: string;
  /** Path on this machine that was used, when found. */
  hostPath: string | null;
  buildId: string | null;
  /** Separate debug file found by build-id, if any. */
  debugFile: string | null;
  symbols: SymbolStatus;
  start: string;
  end: string;
  /** Breakpad's debug identifier and debug file name (a PDB's), for modules of minidumps. */
  debugId?: string;
  debugName?: string | null;
  /** The file version a minidump records for the module (Windows' and macOS' "5.1.2600.2180"). */
  version?: string;
  /** What identifies the file itself (Windows: timestamp and image size; ELF: build-id), as symbol servers ask for executables. */
  codeId?: string;
  /** Where `hostPath` and the debug info came from; absent in crashes stored before it was kept. */
  origin?: { file: FileOrigin | null; debug: FileOrigin | null };
}

/** `symbol-file`: a Breakpad symbol file that is malformed, of another build, or not one at all. */
export const WARNING_KINDS = [
  'build-id-mismatch',
  'executable-missing',
  'truncated-core',
  'debugger',
  'no-debug-info',
  'symbol-server',
  'symbol-file',
] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

export interface AnalysisWarning {
  kind: WarningKind;
  message: string;
}

/** What the analysis of one core finds, before the crash is stored. */
export interface CrashAnalysis {
  /** Absolute path the crash was opened from. */
  source: string;
  size: number;
  analyzedAt: string;
  /** When the process died, from the core file's mtime. */
  timestamp: string;
  debugger: DebuggerKind;
  signal: SignalInfo;
  pid: number;
  /** How long the process had run when it died, in seconds, where the dump says (minidumps). */
  uptimeSeconds?: number;
  commandLine: string;
  /** NAME=value strings the process started with, as the core kept them; absent where unknown. */
  environment?: string[];
  executable: string | null;
  executableBuildId: string | null;
  crashingThreadId: number;
  threads: Thread[];
  modules: Module[];
  warnings: AnalysisWarning[];
  /**
   * Why the debugger could not finish, when it could not. The crash then still has what the
   * core itself says (signal, threads, registers), so nothing is lost.
   */
  analysisError: string | null;
  /**
   * The files the debugger was given, so a live session can load the same ones. Absent in
   * crashes stored before it was kept.
   */
  loaded?: {
    executable: string | null;
    debugDirs: string[];
    /** Folders searched for the program and its libraries by file name or build-id. */
    solibDirs?: string[];
    /** A copy of the crashed machine's root, under which recorded paths were resolved. */
    sysroot?: string | null;
    /** Symbol servers asked (URLs without their tokens). */
    symbolServers?: string[];
    /** Each mapped file found on this machine, by the path the core recorded; the console loads the same. */
    libraries?: { path: string; hostPath: string }[];
    /** Breakpad symbol files (`.sym`) the minidump's modules were named from; the lldb console adds them too. */
    symbolFiles?: string[];
    /**
     * The core the debugger read when it is not `source` itself (decompressed from a .zst, taken
     * out of a zip or an apport report into the store); null when the bundle had no core.
     */
    core?: string | null;
  };
  /** OS, version and CPU, where the dump says. */
  system?: SystemInfo | null;
  /** What the crash came as, when not a plain core: "apport report", "zstd-compressed core" … */
  origin?: string;
  /** Text that came with the crash: container logs, AppScope's info and cfg … */
  attachments?: Attachment[];
  /** The language runtime it ran on (Node.js, Go, Python) and what that runtime's reader found. */
  runtime?: RuntimeReading;
}

export interface Attachment {
  name: string;
  text: string;
}

/** How a crash known only from its host's analysis (a snapshot) names its origin; its core, when it comes, replaces it. */
export const SNAPSHOT_ORIGIN = 'snapshot analysed on the host';

export const isSnapshot = (crash: Pick<CrashAnalysis, 'origin'>): boolean => crash.origin?.startsWith(SNAPSHOT_ORIGIN) ?? false;

/** A stored crash: its identity is the sha256 of the core, so the same core is one crash. */
export interface Crash extends CrashAnalysis {
  id: string;
  sha256: string;
  /** hostname, version, custom key=value pairs given at import. */
  attributes: Record<string, string>;
  /** The group it is in, for the link from the crash to its group. */
  groupId?: number | null;
}

export interface CrashSummary {
  id: string;
  source: string;
  executable: string | null;
  signalName: string;
  explanation: string;
  timestamp: string;
  analyzedAt: string;
}

/** Analyse a stored crash again: with more debug directories, or with the other debugger. */
export interface ReanalyzeRequest extends SymbolSearchRequest {
  debugger?: DebuggerKind;
}

/**
 * Where a crash's program, libraries and debug info may be, besides the paths the core recorded.
 * Symbol servers are named by URL; their tokens are kept by the front door, never sent with a request.
 */
export interface SymbolSearchRequest {
  debugDirs?: string[];
  solibDirs?: string[];
  sysroot?: string;
  symbolServers?: string[];
}

/** How a core is analysed, wherever it comes from: a file opened, an import, S3, a reporter. */
export interface AnalysisOptions extends ReanalyzeRequest {
  executable?: string;
}

export interface OpenCoreRequest extends AnalysisOptions {
  path: string;
}

/** Analysis options for many crashes, with attributes given to each. */
export interface BatchOptions extends AnalysisOptions {
  attributes?: Record<string, string>;
}

/** A build path and where its files are on this machine (gdb's substitute-path, lldb's source-map). */
export interface SourceMapping {
  from: string;
  to: string;
}

export interface Settings {
  /** The debugger that opens and imports cores unless one is chosen for a crash. */
  defaultDebugger: DebuggerKind;
  /** Folders whose new crashes are imported as they land, while the app (or crashwb serve) runs. */
  watchedFolders: string[];
  /** Searched for every crash's program and libraries (by file name, build-id checked) and debug files. */
  solibDirs: string[];
  debugDirs: string[];
  /** Per executable (its recorded path), more folders for its program and libraries. */
  solibDirsByExecutable: Record<string, string[]>;
  /** debuginfod-protocol servers, asked by build-id after DEBUGINFOD_URLS' own. */
  symbolServers: string[];
  /** The symbol cache's size limit, in MiB. */
  symbolCacheMb: number;
}

/** The cache of files fetched from symbol servers. */
export interface SymbolCacheInfo {
  dir: string;
  files: number;
  bytes: number;
  limitBytes: number;
}

/** A symbol server that analyses ask, and where it was named. */
export interface SymbolServerInfo {
  url: string;
  from: 'settings' | 'reporter' | 'environment';
  tokenSaved: boolean;
}

export type OpenStage = 'hashing' | 'reading-core' | 'locating-files' | 'debugging' | 'storing' | 'done';

export interface ProgressEvent {
  type: 'progress';
  jobId: string;
  path: string;
  stage: OpenStage;
  /** 0..1 where the stage knows it, otherwise null. */
  fraction: number | null;
  message: string;
}

export interface SourceRequest {
  file: string;
  /** Extra folders to look in, for sources not at their build path. */
  executable: string | null;
}

export type SourceResult =
  | { found: true; path: string; text: string; language: string; /** The symbol server it came from, when it did. */ from?: string }
  | {
      found: false;
      searched: string[];
      message: string;
      /** The folder the crash records the file in, when it is there but not yet trusted: the user may confirm it. */
      buildFolder?: string;
    };

export interface DirectoryEntry {
  name: string;
  path: string;
  kind: 'file' | 'directory';
  size: number;
}

export interface DirectoryListing {
  path: string;
  parent: string | null;
  entries: DirectoryEntry[];
}

export interface Instruction {
  address: string;
  /** Bytes from the function's start, when the address is in a known function. */
  offset: number | null;
  opcodes: string | null;
  text: string;
  /** The frame's program counter (or return address, for outer frames). */
  current: boolean;
}

/** Instructions that came from one source line; `file`/`line` are null where there is no line info. */
export interface DisassemblyBlock {
  file: string | null;
  line: number | null;
  /** The text of that source line, when the file was found. */
  source: string | null;
  instructions: Instruction[];
}

export interface Disassembly {
  function: string | null;
  blocks: DisassemblyBlock[];
  /** Instructions were left out, far from the program counter, to keep a huge function readable. */
  truncated: boolean;
}

/** Memory at an address; `hex` has two digits per byte, `readable` is false where the core holds nothing. */
export interface MemoryChunk {
  address: string;
  hex: string;
  readable: boolean;
}

export interface MemoryDump {
  expression: string;
  address: string;
  chunks: MemoryChunk[];
}

/** A variable that can be opened: structures, arrays and pointers have children, read on demand. */
export interface VariableNode {
  /** Handle for expanding it within its console session. */
  id: string;
  name: string;
  type: string | null;
  value: string | null;
  childCount: number;
  isArgument: boolean;
}

/** A live debugger console on one crash, as the views know it. */
export interface ConsoleInfo {
  sessionId: string;
  crashId: string;
  debugger: DebuggerKind;
}

export interface ConsoleSize {
  cols: number;
  rows: number;
}

/** Terminal bytes from a console, escape sequences included. */
export interface ConsoleOutputEvent {
  type: 'console-output';
  sessionId: string;
  data: string;
}

/** The debugger's selection moved (`thread` is the debugger's thread number, `frame` the level). */
export interface ConsoleSelectionEvent {
  type: 'console-selection';
  sessionId: string;
  thread: number;
  frame: number;
}

export interface ConsoleClosedEvent {
  type: 'console-closed';
  sessionId: string;
  reason: string;
}

export type ConsoleEvent = ConsoleOutputEvent | ConsoleSelectionEvent | ConsoleClosedEvent;
