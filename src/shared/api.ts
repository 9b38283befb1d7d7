import { z } from 'zod';
import type {
  Crash,
  CrashEvent,
  ConsoleInfo,
  ConsoleSize,
  Disassembly,
  MemoryDump,
  VariableNode,
  CrashSummary,
  DirectoryListing,
  GroupStatus,
  GroupingChange,
  GroupDetail,
  FacetCounts,
  GroupListing,
  GroupPage,
  GroupQuery,
  ImportReport,
  ImportRequest,
  OpenCoreRequest,
  ReporterSourceInfo,
  ReporterSyncRequest,
  S3Endpoint,
  S3ImportRequest,
  S3Listing,
  SourceMapping,
  ReanalyzeRequest,
  Settings,
  SourceResult,
  SymbolCacheInfo,
  SymbolServerInfo,
  ReprocessReport,
  ReprocessRequest,
  StackDiff,
  WorkbenchEvent,
  CrashComparison,
  FingerprintExplanation,
  GroupingRulesInfo,
  RulesCheck,
  ExportFile,
  ExportPreview,
  ExportRequest,
  GroupComparison,
  GroupNotes,
  Histogram,
  RedactionRules,
  SimilarGroup,
  Trends,
} from './model';
import { DEBUGGERS, EXPORT_FORMATS, GROUP_SORTS, GROUP_STATUSES, VARIABLE_HANDLES } from './model';

/**
 * Every call the UI can make. Electron (IPC), the browser host (WebSocket) and the CLI all
 * reach the same implementation in src/core/workbench.ts.
 */
export interface WorkbenchApi {
  openCore(request: OpenCoreRequest): Promise<Crash>;
  getCrash(id: string): Promise<Crash>;
  /** Analyses a stored crash's core again and replaces its analysis; its group follows the new stack. */
  reanalyzeCrash(id: string, request: ReanalyzeRequest): Promise<Crash>;
  getSettings(): Promise<Settings>;
  updateSettings(change: Partial<Settings>): Promise<Settings>;
  listRecent(): Promise<CrashSummary[]>;
  /** Finds a source file: the executable's own mappings first, then the source folders. */
  readSource(file: string, executable?: string | null, buildId?: string | null): Promise<SourceResult>;
  /** Build path → checkout mappings kept for one executable. */
  getSourceMappings(executable: string): Promise<SourceMapping[]>;
  setSourceMappings(executable: string, mappings: SourceMapping[]): Promise<SourceMapping[]>;
  listSourceFolders(): Promise<string[]>;
  addSourceFolder(folder: string): Promise<string[]>;
  listDirectory(path: string | null): Promise<DirectoryListing>;
  importPaths(request: ImportRequest): Promise<ImportReport>;
  cancelImport(jobId: string): Promise<void>;
  /** Buckets (no URL), or one level of s3://BUCKET/PREFIX with the crash bundles in it recognised. */
  listS3(endpoint: S3Endpoint, url: string | null): Promise<S3Listing>;
  /** Downloads what is new or changed under an S3 prefix (or the chosen keys) and imports it. */
  importS3(request: S3ImportRequest): Promise<ImportReport>;
  /** Keeps S3 credentials for an endpoint (null: AWS) in the OS keychain; the desktop app only. */
  saveS3Credentials(endpoint: string | null, credentials: { accessKeyId: string; secretAccessKey: string } | null): Promise<void>;
  /** The reporters kept as sources, and whether a token is saved for each. */
  listReporterSources(): Promise<ReporterSourceInfo[]>;
  /** Keeps a reporter as a source; a token goes to the OS keychain (desktop app only), null keeps the saved one. */
  saveReporterSource(url: string, token: string | null): Promise<ReporterSourceInfo[]>;
  removeReporterSource(url: string): Promise<ReporterSourceInfo[]>;
  /** Downloads and imports what arrived at a reporter since the last sync. */
  syncReporter(request: ReporterSyncRequest): Promise<ImportReport>;
  /** Brings a snapshot crash's core from its reporter (token: given, or the one kept); the crash is analysed from it. */
  fetchCore(crashId: string, token: string | null): Promise<Crash>;
  /** Every symbol server analyses ask: the settings', the reporters' and DEBUGINFOD_URLS'. */
  listSymbolServers(): Promise<SymbolServerInfo[]>;
  /** Keeps a symbol server's token in the OS keychain (desktop app only); null forgets it. */
  saveSymbolServerToken(url: string, token: string | null): Promise<SymbolServerInfo[]>;
  getSymbolCache(): Promise<SymbolCacheInfo>;
  /** Analyses stored crashes again (a group's, or those that lacked symbols) and regroups them. */
  reprocessCrashes(request: ReprocessRequest): Promise<ReprocessReport>;
  /** Empties the symbol cache; what it held is fetched again when needed. */
  clearSymbolCache(): Promise<SymbolCacheInfo>;
  /** Groups matching the query; with a page, one sorted window of them. */
  listGroups(query?: GroupQuery, page?: GroupPage): Promise<GroupListing>;
  /** Per facet, its values' counts among the crashes matching the rest of the query. */
  listFacets(query?: GroupQuery): Promise<FacetCounts>;
  /** A crash's stack aligned against its group's representative. */
  diffWithGroup(crashId: string): Promise<StackDiff>;
  listGroupEvents(groupId: number): Promise<CrashEvent[]>;
  getGroupDetail(groupId: number): Promise<GroupDetail>;
  /** Sets a group's status; the change can be undone. */
  setGroupStatus(groupId: number, status: GroupStatus): Promise<GroupingChange>;
  /** Keeps notes and a ticket link on a group; they follow its crashes through merges and regroups. */
  setGroupNotes(groupId: number, notes: { text: string; ticket: string | null }): Promise<GroupNotes>;
  /** Groups whose stacks are near this one's: merge suggestions, never applied by themselves. */
  similarGroups(groupId: number): Promise<SimilarGroup[]>;
  compareCrashes(a: string, b: string): Promise<CrashComparison>;
  /** How a crash's fingerprint came about, frame by frame: which rule counted or dropped each frame. */
  explainFingerprint(crashId: string, rulesText?: string): Promise<FingerprintExplanation>;
  /**
   * A grouping rules text's errors by line, or which groups it would merge and split as the rules
   * of the database (`project` null or absent) or of one project; nothing changes.
   */
  checkGroupingRules(text: string, project?: string | null): Promise<RulesCheck>;
  /** The grouping rules in effect for the database's crashes, or for one project's. */
  getGroupingRules(project?: string | null): Promise<GroupingRulesInfo>;
  /**
   * Makes a rules text the database's or a project's and regroups by it; can be undone. Null gives
   * the database the default rules back, and a project the database's.
   */
  applyGroupingRules(text: string | null, project?: string | null): Promise<GroupingChange>;
  compareGroups(a: number, b: number): Promise<GroupComparison>;
  /** Crashes per day over the last `days` days, and the groups new or regressed in them. */
  getTrends(query: GroupQuery, days: number): Promise<Trends>;
  /** Values of one attribute (version, hostname, any custom one) among the matching crashes. */
  getHistogram(query: GroupQuery, attribute: string): Promise<Histogram>;
  getRedactionRules(): Promise<RedactionRules>;
  saveRedactionRules(rules: RedactionRules): Promise<RedactionRules>;
  /** What an export would remove, and the redacted report as Markdown, without writing anything. */
  previewExport(request: ExportRequest): Promise<ExportPreview>;
  /** A report of a crash or a group, redacted unless asked not to, as the bytes of the file. */
  exportReport(request: ExportRequest): Promise<ExportFile>;
  /** Merges a group into another; the merge survives regrouping, and can be undone. */
  mergeGroups(sourceId: number, targetId: number): Promise<GroupingChange>;
  /** Moves a crash into a new group of its own; the move survives regrouping, and can be undone. */
  moveCrashToNewGroup(crashId: string): Promise<{ groupId: number; change: GroupingChange }>;
  /** Puts back a merge, move-out or status change; says what was put back. */
  undoGroupingChange(undoId: number): Promise<string>;
  /** Starts a debugger on the crash's core with a console; its output and selection arrive as events. */
  openConsole(crashId: string, size: ConsoleSize): Promise<ConsoleInfo>;
  writeConsole(sessionId: string, data: string): Promise<void>;
  resizeConsole(sessionId: string, size: ConsoleSize): Promise<void>;
  /** Makes a thread (the debugger's number) and frame level the console's selection. */
  selectFrame(sessionId: string, thread: number, frame: number): Promise<void>;
  closeConsole(sessionId: string): Promise<void>;
  /** The frame's function around its program counter, with its source lines. */
  disassemble(sessionId: string, thread: number, frame: number): Promise<Disassembly>;
  /** `length` bytes at an address expression (0x…, $sp, a pointer variable) evaluated in the frame. */
  readMemory(sessionId: string, thread: number, frame: number, expression: string, length: number): Promise<MemoryDump>;
  frameVariables(sessionId: string, thread: number, frame: number): Promise<VariableNode[]>;
  expandVariable(sessionId: string, id: string): Promise<VariableNode[]>;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
}

export type WorkbenchMethod = Exclude<keyof WorkbenchApi, 'onEvent'>;

const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');

const debuggerKind = z.enum(DEBUGGERS);

/** ReanalyzeRequest, AnalysisOptions, BatchOptions: each a step of the one before. */
/** A symbol server's address: http(s) only, without credentials (tokens are kept apart). */
const symbolServerUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#@]+(?:\/[^\s?#]*)?$/, 'http(s)://HOST[:PORT][/PATH], without user or token');
const symbolSearchShape = {
  debugDirs: z.array(absolutePath).max(64).optional(),
  solibDirs: z.array(absolutePath).max(64).optional(),
  sysroot: absolutePath.optional(),
  symbolServers: z.array(symbolServerUrl).max(16).optional(),
};
const reanalyzeShape = { ...symbolSearchShape, debugger: debuggerKind.optional() };
const analysisShape = { ...reanalyzeShape, executable: absolutePath.optional() };
const batchShape = { ...analysisShape, attributes: z.record(z.string().max(256), z.string().max(4096)).optional() };

export const openCoreRequestSchema = z.object({ path: absolutePath, ...analysisShape }).strict();

export const importRequestSchema = z.object({ paths: z.array(absolutePath).min(1).max(10_000), ...batchShape }).strict();

const groupId = z.number().int().positive();
const crashId = z.string().regex(/^[0-9a-f]{16,64}$/, 'crash id is a hex digest');
/** A grouping rules text: a few hundred lines at most in practice; 256 KiB leaves room. */
const rulesText = z.string().max(256 * 1024);
/** Whose grouping rules: a project's (the value of crashes' `project` attribute), or null for the database's. */
const rulesScope = z.string().min(1).max(256).nullable();
const isoTime = z
  .string()
  .max(40)
  .refine((t) => !Number.isNaN(Date.parse(t)), 'must be a date');
const facetValue = z.string().max(4096);

export const groupQuerySchema = z
  .object({
    text: z.string().max(1000).optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
    executable: facetValue.optional(),
    version: facetValue.optional(),
    hostname: facetValue.optional(),
    signal: facetValue.optional(),
    status: z.enum(GROUP_STATUSES).optional(),
    attributes: z
      .record(z.string().min(1).max(256), facetValue)
      .refine((a) => Object.keys(a).length <= 16, 'at most 16 attribute filters')
      .optional(),
  })
  .strict();

export const groupPageSchema = z
  .object({
    sort: z.enum(GROUP_SORTS),
    desc: z.boolean(),
    offset: z.number().int().nonnegative().max(10_000_000),
    limit: z.number().int().positive().max(5_000),
  })
  .strict();

const sourcePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL');
/** A path as the crashed machine recorded it (an executable, a build folder): `C:\\app\\app.exe` as well as `/usr/bin/app`. */
const recordedPath = sourcePath;
const sessionId = z.string().uuid();
const endpointUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/]+(?:\/[^\s]*)?$/, 'an http(s) URL');
const s3Url = z
  .string()
  .max(2048)
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/.*)?$/, 's3://BUCKET[/PREFIX]');
const s3EndpointSchema = z
  .object({
    endpoint: endpointUrl.optional(),
    region: z
      .string()
      .max(64)
      .regex(/^[a-z0-9-]+$/)
      .optional(),
    pathStyle: z.boolean().optional(),
    savedCredentials: z.boolean().optional(),
  })
  .strict();
const reporterUrl = z
  .string()
  .max(2048)
  .regex(/^reporter\+https?:\/\/[^\s/?#]+\/?$/, 'reporter+http(s)://HOST:PORT');
const reporterToken = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');
const threadNumber = z.number().int().positive().max(1_000_000);
const frameLevel = z.number().int().nonnegative().max(100_000);
export const MAX_MEMORY_READ = 4096;
/**
 * What the memory view evaluates: addresses, registers, variables, fields, indexing, casts to
 * pointers and arithmetic. Debugger convenience functions ($_…) can reach outside the core, so
 * they are refused here; the console remains for anything else.
 */
/** A variable handle of any debugger the workbench drives (see VARIABLE_HANDLES). */
const isVariableHandle = (handle: string): boolean => DEBUGGERS.some((kind) => VARIABLE_HANDLES[kind].test(handle));

const addressExpression = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w$&*.\-> ()[\]+]+$/, 'use an address, a register ($sp), a variable or a simple expression of them')
  .refine((e) => !e.includes('$_'), 'debugger convenience functions are not allowed here');

const redactionRulesSchema = z
  .object({
    environment: z.boolean(),
    secrets: z.boolean(),
    homePaths: z.boolean(),
    hostnames: z.boolean(),
    ipAddresses: z.boolean(),
    keys: z.array(z.string().min(1).max(256)).max(64),
    patterns: z.array(z.string().min(1).max(500)).max(64),
  })
  .strict();
export const exportRequestSchema = z
  .object({
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('crash'), id: crashId }).strict(),
      z.object({ kind: z.literal('group'), id: groupId }).strict(),
    ]),
    format: z.enum(EXPORT_FORMATS),
    redact: z.boolean(),
    rules: redactionRulesSchema.optional(),
  })
  .strict();
const groupNotesSchema = z
  .object({
    text: z.string().max(65_536),
    ticket: z
      .string()
      .max(2048)
      .regex(/^(?:https?:\/\/\S+)?$/, 'an http(s) link')
      .nullable(),
  })
  .strict();

/** Methods whose first argument is a console session, which only its opener may use. */
export const SESSION_METHODS = new Set<WorkbenchMethod>([
  'writeConsole',
  'resizeConsole',
  'selectFrame',
  'closeConsole',
  'disassemble',
  'readMemory',
  'frameVariables',
  'expandVariable',
]);
const consoleSize = z.object({ cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }).strict();

const reanalyzeRequestSchema = z.object(reanalyzeShape).strict();
const s3ImportRequestSchema = s3EndpointSchema
  .extend({ url: s3Url, keys: z.array(z.string().min(1).max(1024)).max(10_000).optional(), ...batchShape })
  .strict();
const reporterSyncRequestSchema = z.object({ url: reporterUrl, token: reporterToken.optional(), ...batchShape }).strict();

/**
 * Whether two types are the same type, field for field: mutual assignability is not enough, as
 * an optional field only one of them has would pass it.
 */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Argument tuples per method: what a process boundary accepts, checked before the call. */
export const methodParams = {
  openCore: z.tuple([openCoreRequestSchema]),
  getCrash: z.tuple([crashId]),
  reanalyzeCrash: z.tuple([crashId, reanalyzeRequestSchema]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([
    z
      .object({
        defaultDebugger: debuggerKind.optional(),
        watchedFolders: z.array(absolutePath).max(32).optional(),
        solibDirs: z.array(absolutePath).max(64).optional(),
        debugDirs: z.array(absolutePath).max(64).optional(),
        solibDirsByExecutable: z.record(absolutePath, z.array(absolutePath).max(64)).optional(),
        symbolServers: z.array(symbolServerUrl).max(16).optional(),
        symbolCacheMb: z.number().int().min(16).max(1_048_576).optional(),
      })
      .strict(),
  ]),
  listRecent: z.tuple([]),
  readSource: z.union([
    z.tuple([sourcePath]),
    z.tuple([sourcePath, recordedPath.nullable()]),
    z.tuple([
      sourcePath,
      recordedPath.nullable(),
      z
        .string()
        .regex(/^[0-9a-f]{8,128}$/)
        .nullable(),
    ]),
  ]),
  getSourceMappings: z.tuple([recordedPath]),
  setSourceMappings: z.tuple([recordedPath, z.array(z.object({ from: recordedPath, to: absolutePath }).strict()).max(64)]),
  listSourceFolders: z.tuple([]),
  addSourceFolder: z.tuple([absolutePath]),
  listDirectory: z.tuple([absolutePath.nullable()]),
  importPaths: z.tuple([importRequestSchema]),
  cancelImport: z.tuple([z.string().uuid()]),
  listS3: z.tuple([s3EndpointSchema, s3Url.nullable()]),
  importS3: z.tuple([s3ImportRequestSchema]),
  saveS3Credentials: z.tuple([
    endpointUrl.nullable(),
    z
      .object({ accessKeyId: z.string().min(1).max(256), secretAccessKey: z.string().min(1).max(1024) })
      .strict()
      .nullable(),
  ]),
  listReporterSources: z.tuple([]),
  saveReporterSource: z.tuple([reporterUrl, reporterToken.nullable()]),
  fetchCore: z.tuple([crashId, reporterToken.nullable()]),
  listSymbolServers: z.tuple([]),
  saveSymbolServerToken: z.tuple([symbolServerUrl, reporterToken.nullable()]),
  getSymbolCache: z.tuple([]),
  reprocessCrashes: z.tuple([
    z.object({ ...symbolSearchShape, missingSymbols: z.boolean().optional(), groupId: groupId.optional() }).strict(),
  ]),
  clearSymbolCache: z.tuple([]),
  removeReporterSource: z.tuple([reporterUrl]),
  syncReporter: z.tuple([reporterSyncRequestSchema]),
  listGroups: z.union([z.tuple([]), z.tuple([groupQuerySchema]), z.tuple([groupQuerySchema, groupPageSchema])]),
  listFacets: z.union([z.tuple([]), z.tuple([groupQuerySchema])]),
  diffWithGroup: z.tuple([crashId]),
  openConsole: z.tuple([crashId, consoleSize]),
  // A paste is one message; 64 KiB is more than any command line.
  writeConsole: z.tuple([sessionId, z.string().max(65_536)]),
  resizeConsole: z.tuple([sessionId, consoleSize]),
  selectFrame: z.tuple([sessionId, threadNumber, frameLevel]),
  closeConsole: z.tuple([sessionId]),
  disassemble: z.tuple([sessionId, threadNumber, frameLevel]),
  readMemory: z.tuple([sessionId, threadNumber, frameLevel, addressExpression, z.number().int().positive().max(MAX_MEMORY_READ)]),
  frameVariables: z.tuple([sessionId, threadNumber, frameLevel]),
  expandVariable: z.tuple([sessionId, z.string().max(1000).refine(isVariableHandle, 'not a variable handle')]),
  listGroupEvents: z.tuple([groupId]),
  getGroupDetail: z.tuple([groupId]),
  setGroupStatus: z.tuple([groupId, z.enum(GROUP_STATUSES)]),
  mergeGroups: z.tuple([groupId, groupId]),
  moveCrashToNewGroup: z.tuple([crashId]),
  undoGroupingChange: z.tuple([z.number().int().positive()]),
  setGroupNotes: z.tuple([groupId, groupNotesSchema]),
  similarGroups: z.tuple([groupId]),
  compareCrashes: z.tuple([crashId, crashId]),
  explainFingerprint: z.union([z.tuple([crashId]), z.tuple([crashId, rulesText])]),
  checkGroupingRules: z.union([z.tuple([rulesText]), z.tuple([rulesText, rulesScope])]),
  getGroupingRules: z.union([z.tuple([]), z.tuple([rulesScope])]),
  applyGroupingRules: z.union([z.tuple([rulesText.nullable()]), z.tuple([rulesText.nullable(), rulesScope])]),
  compareGroups: z.tuple([groupId, groupId]),
  getTrends: z.tuple([groupQuerySchema, z.number().int().min(1).max(366)]),
  getHistogram: z.tuple([groupQuerySchema, z.string().min(1).max(256)]),
  getRedactionRules: z.tuple([]),
  saveRedactionRules: z.tuple([redactionRulesSchema]),
  previewExport: z.tuple([exportRequestSchema]),
  exportReport: z.tuple([exportRequestSchema]),
} satisfies Record<WorkbenchMethod, z.ZodTypeAny>;

export const workbenchMethods = Object.keys(methodParams) as WorkbenchMethod[];

export function isWorkbenchMethod(name: unknown): name is WorkbenchMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methodParams, name);
}

/** Validates an untrusted call; throws an Error naming the method and the bad field. */
export function parseCall(method: unknown, params: unknown): { method: WorkbenchMethod; args: unknown[] } {
  if (!isWorkbenchMethod(method)) throw new Error(`unknown method ${JSON.stringify(method)}`);
  const result = methodParams[method].safeParse(params);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`invalid arguments for ${method}${where}: ${issue?.message ?? 'rejected'}`);
  }
  return { method, args: result.data as unknown[] };
}

/** Frames of the browser host's WebSocket protocol. */
export const clientMessageSchema = z
  .object({
    id: z.number().int().nonnegative(),
    method: z.string().max(64),
    params: z.array(z.unknown()).max(8),
  })
  .strict();

export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: string }
  | { kind: 'event'; event: WorkbenchEvent };

/**
 * A method's parameters as the argument lists it accepts: `(a: A, b?: B)` is `[A] | [A, B]`,
 * as its schema, a union of tuples, writes them.
 */
type Calls<P extends unknown[]> = number extends P['length']
  ? P
  : P extends [infer Head, ...infer Rest]
    ? [Head, ...Calls<Rest>]
    : P extends []
      ? []
      : P extends [(infer Head)?, ...infer Rest]
        ? [] | [Exclude<Head, undefined>, ...Calls<Rest>]
        : never;

/**
 * Every method's schema and its parameters in WorkbenchApi, checked against each other: a field,
 * a parameter or an option that one has and the other lacks fails to compile, naming the method.
 */
export type MethodAgreement = { [M in WorkbenchMethod]: Same<z.infer<(typeof methodParams)[M]>, Calls<Parameters<WorkbenchApi[M]>>> };
type Disagreeing = { [M in WorkbenchMethod]: MethodAgreement[M] extends true ? never : M }[WorkbenchMethod];
type Expect<T extends true> = T;
export type EveryMethodAgrees = Expect<[Disagreeing] extends [never] ? true : Disagreeing>;
