/**
 * The domain model every side agrees on. Pure data: it crosses IPC, WebSocket and JSON output
 * unchanged, so it holds only JSON-safe values (addresses are "0x…" strings, never bigint).
 */

import type { GroupNotes } from './report-model';

export * from './report-model';

/** The debuggers the workbench drives; the one list that schemas, selects and the CLI read. */
export const DEBUGGERS = ['gdb', 'lldb'] as const;
export type DebuggerKind = (typeof DEBUGGERS)[number];

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

export interface Frame {
  index: number;
  address: string;
  function: string | null;
  file: string | null;
  line: number | null;
  module: string | null;
  inline: boolean;
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
  /** The debugger's own thread number, as typed in its console. */
  number: number;
  name: string | null;
  crashed: boolean;
  frames: Frame[];
  /** True when the stack was cut at the frame limit (deep recursion). */
  framesTruncated: boolean;
  registers: Record<string, string>;
  /** Locals and arguments by frame index, for the frames that have debug info. */
  locals: Record<string, Variable[]>;
}

export type SymbolStatus = 'debug-info' | 'symbols' | 'none' | 'missing';

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
}

export type WarningKind = 'build-id-mismatch' | 'executable-missing' | 'truncated-core' | 'debugger' | 'no-debug-info';

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
    /**
     * The core the debugger read when it is not `source` itself (decompressed from a .zst, taken
     * out of a zip or an apport report into the store); null when the bundle had no core.
     */
    core?: string | null;
  };
  /** What the crash came as, when not a plain core: "apport report", "zstd-compressed core" … */
  origin?: string;
  /** Text that came with the crash: container logs, AppScope's info and cfg … */
  attachments?: Attachment[];
}

export interface Attachment {
  name: string;
  text: string;
}

/** A stored crash: its identity is the sha256 of the core, so the same core is one crash. */
export interface Crash extends CrashAnalysis {
  id: string;
  sha256: string;
  /** hostname, version, custom key=value pairs given at import. */
  attributes: Record<string, string>;
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
export interface ReanalyzeRequest {
  debugDirs?: string[];
  debugger?: DebuggerKind;
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
  { found: true; path: string; text: string; language: string } | { found: false; searched: string[]; message: string };

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

/** A group's place in triage, in the order the workflow goes. */
export const GROUP_STATUSES = ['new', 'ongoing', 'resolved', 'regressed'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

export interface GroupSummary {
  id: number;
  title: string;
  fingerprint: string;
  version: number;
  mechanism: string;
  frames: string[];
  count: number;
  firstSeen: string;
  lastSeen: string;
  status: GroupStatus;
  /** Its crashes' versions and hosts, most common first (at most a few), and how many distinct ones there are. */
  versions: FacetValue[];
  versionCount: number;
  hosts: FacetValue[];
  hostCount: number;
  /** Crashes per day over the last 30 days, oldest first. */
  daily: number[];
  /** The ticket link kept on the group, and whether it has notes (the text is in its detail). */
  ticket: string | null;
  hasNotes: boolean;
}

export const GROUP_SORTS = ['title', 'count', 'firstSeen', 'lastSeen', 'status', 'versions', 'hosts', 'trend'] as const;
/** Orders of the triage table; `trend` is the number of crashes in the last 30 days. */
export type GroupSort = (typeof GROUP_SORTS)[number];

/** A window of the sorted groups: the table asks for the rows it is about to show. */
export interface GroupPage {
  sort: GroupSort;
  desc: boolean;
  offset: number;
  limit: number;
}

export const FACETS = ['executable', 'version', 'hostname', 'signal'] as const;
export type Facet = (typeof FACETS)[number];

/** What the triage view filters groups by: words, a time range, and facet values. */
export interface GroupQuery {
  text?: string;
  since?: string;
  until?: string;
  executable?: string;
  version?: string;
  hostname?: string;
  signal?: string;
  /** Other attributes that must have these values (pod, namespace, custom key=value …). */
  attributes?: Record<string, string>;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface GroupListing {
  /** The requested page of groups, or all of them when no page was asked for. */
  groups: GroupSummary[];
  /** Groups that match the query. */
  total: number;
  /** Crashes that match the query. */
  crashes: number;
}

/** Counts per facet, and per other attribute (application, pod, namespace, uname fields, custom ones). */
export type FacetCounts = Record<Facet, FacetValue[]> & { attributes: Record<string, FacetValue[]> };

/** One group up close: how its crashes spread over attributes and days, and a typical stack. */
export interface GroupDetail {
  group: GroupSummary;
  /** Per attribute (hostname, version, …) its values with their counts, most common first. */
  attributes: Record<string, FacetValue[]>;
  /** The group's first crash, whose crashing stack stands for the group. */
  representative: { crashId: string; frames: Frame[] } | null;
  /** Crashes per day over the last 30 days, oldest first, days without crashes included. */
  daily: Array<{ day: string; count: number }>;
  notes: GroupNotes;
}

/**
 * How a crash's stack lines up with another's (the group's representative): frames matched by
 * normalized function name, in order.
 *  same: same function at the same file:line; moved: same function, other line (a shifted
 *  build); added: only in the crash; removed: only in the base stack.
 */
export type FrameDiffKind = 'same' | 'moved' | 'added' | 'removed';

export interface StackDiffRow {
  kind: FrameDiffKind;
  base: Frame | null;
  other: Frame | null;
}

export interface StackDiff {
  baseCrashId: string;
  crashId: string;
  /** Whether both crashes have the same fingerprint. */
  sameFingerprint: boolean;
  rows: StackDiffRow[];
}

export interface CrashEvent {
  id: string;
  groupId: number | null;
  fingerprint: string | null;
  source: string;
  signal: string;
  executable: string | null;
  timestamp: string;
  attributes: Record<string, string>;
}

export interface ImportRequest extends BatchOptions {
  paths: string[];
}

/** How to reach an S3-compatible store, and with which credentials. */
export interface S3Endpoint {
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  /** The credentials saved in the desktop app for this endpoint, instead of AWS_PROFILE / the environment. */
  savedCredentials?: boolean;
}

/** One level of a bucket: its sub-prefixes and its objects, crash bundles recognised by name. */
export interface S3Listing {
  buckets: string[];
  prefixes: string[];
  objects: S3Entry[];
}

export interface S3Entry {
  key: string;
  size: number;
  lastModified: string | null;
  /** What the name says it is ("core-dump-handler zip", "systemd-coredump", "apport report" …), null when no crash. */
  kind: string | null;
  /** What the name tells before downloading: host, executable, pid, signal, time … */
  metadata: Record<string, string>;
  /** Downloaded already, unchanged since (same ETag). */
  synced: boolean;
}

/** Import what lies under an S3 prefix: only objects new or changed since the last sync are downloaded. */
export interface S3ImportRequest extends S3Endpoint, BatchOptions {
  /** s3://BUCKET or s3://BUCKET/PREFIX */
  url: string;
  /** Only these keys, when given (a selection in the browser). */
  keys?: string[];
}

/** A crash reporter the workbench pulls from. */
export interface ReporterSourceInfo {
  /** reporter+http(s)://HOST:PORT */
  url: string;
  /** A token is kept for it in the OS keychain (desktop app). */
  tokenSaved: boolean;
  /** When the last complete sync ended. */
  lastSync: string | null;
}

/** Pull what arrived at a reporter since the last sync; the token saved for it unless one is given. */
export interface ReporterSyncRequest extends BatchOptions {
  url: string;
  token?: string;
}

export interface ImportReport {
  jobId: string;
  imported: string[];
  existing: string[];
  failed: Array<{ path: string; error: string }>;
  /** Files met in folders that are not cores. */
  skipped: number;
  total: number;
  cancelled: boolean;
}

export interface ImportProgressEvent {
  type: 'import';
  jobId: string;
  done: number;
  total: number;
  current: string | null;
  failed: Array<{ path: string; error: string }>;
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

export type WorkbenchEvent = ProgressEvent | ImportProgressEvent | ConsoleEvent;
