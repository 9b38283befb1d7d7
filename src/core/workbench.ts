import { DisposableStore, toDisposable } from './platform/disposables';
import { realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { WorkbenchApi } from '../shared/api';
import type {
  ConsoleInfo,
  ConsoleSize,
  Crash,
  Disassembly,
  MemoryDump,
  VariableNode,
  CrashEvent,
  CrashSummary,
  DirectoryListing,
  GroupStatus,
  GroupDetail,
  GroupNotes,
  GroupingChange,
  CrashComparison,
  FingerprintExplanation,
  GroupingRulesInfo,
  RulesCheck,
  ExportFile,
  ExportPreview,
  ExportRequest,
  GroupComparison,
  Histogram,
  RedactionRules,
  SimilarGroup,
  Trends,
  FacetCounts,
  GroupListing,
  GroupPage,
  GroupQuery,
  ImportReport,
  ImportRequest,
  OpenCoreRequest,
  ReanalyzeRequest,
  ReporterSourceInfo,
  ReporterSyncRequest,
  S3Endpoint,
  S3ImportRequest,
  S3Listing,
  Settings,
  ReprocessReport,
  ReprocessRequest,
  SymbolCacheInfo,
  SymbolServerInfo,
  SourceMapping,
  SourceResult,
  StackDiff,
  WorkbenchEvent,
} from '../shared/model';
import type { S3Credentials } from './s3/s3-location';
import type { SecretStore } from './s3/secrets';
import { ReporterSources } from './reporter-sources';
import { listDirectory, findSource, refusedSourceFolder } from './source-files';
import { CrashStore } from './store/crash-store';
import { GroupStore } from './store/group-store';
import { GroupingUndo } from './store/grouping-undo';
import { GroupingRules } from './store/grouping-rules';
import { groupDetail } from './store/group-detail';
import { queryFacets } from './store/crash-filter';
import { similarGroups } from './compare/similar-groups';
import { histogram, trends } from './store/trends';
import { Reports } from './report/exporter';
import { Triage } from './triage';
import { chromiumPdf, type PdfRenderer } from './report/pdf';
import { DEFAULT_REDACTION, checkRules } from './report/redactor';
import { Consoles } from './consoles';
import { DEFAULT_CACHE_MB } from './symbols/symbol-cache';
import { SymbolRoom } from './symbol-room';
import { reprocessCrashes } from './intake/reprocess';
import { Intake, type ImportControl } from './intake/intake';
import { DebuggerPool } from './debugger/debugger-pool';

export type { ImportControl } from './intake/intake';
import { openDatabase, type Db } from './store/database';

export interface WorkbenchOptions {
  databasePath: string;
  /** Folder listed first in the browser host's open dialog. */
  homeDirectory?: string;
  debuggerTimeoutMs?: number;
  /** Where secrets (S3 credentials) are kept: Electron's safeStorage in the desktop app. */
  secrets?: SecretStore;
  /** Import from the watched folders in the settings while this workbench is open (the app and crashwb serve do). */
  watchFolders?: boolean;
  /** How long a watched entry must stay unchanged to count as complete. */
  watchSettleMs?: number;
  /** Prints report HTML to PDF: Electron's printToPDF in the app; headless Chromium by default. */
  pdf?: PdfRenderer;
  /** Tokens for symbol servers by URL, given on the command line (the app keeps them in `secrets`). */
  symbolTokens?: Record<string, string>;
  /** The symbol cache's folder; the user's cache folder by default. */
  symbolCacheDir?: string;
  /**
   * Keep the debugger of the last core opened for the next one: for front doors that stay open
   * (the app, `crashwb serve`), not for one-shot commands.
   */
  keepDebugger?: boolean;
}

const SOURCE_FOLDERS = 'sourceFolders';
const SETTINGS = 'settings';
const SOURCE_MAPPINGS = 'sourceMappings';
const REDACTION_RULES = 'redactionRules';
const DEFAULT_SETTINGS: Settings = {
  defaultDebugger: 'gdb',
  watchedFolders: [],
  solibDirs: [],
  debugDirs: [],
  solibDirsByExecutable: {},
  symbolServers: [],
  symbolCacheMb: DEFAULT_CACHE_MB,
};

/** The one implementation of WorkbenchApi; every front door calls into this. */
export class Workbench implements WorkbenchApi {
  private readonly db: Db;
  private readonly store: CrashStore;
  readonly groups: GroupStore;
  private readonly undo: GroupingUndo;
  private readonly listeners = new Set<(event: WorkbenchEvent) => void>();
  private readonly intake: Intake;
  private readonly debuggers: DebuggerPool | null;
  private readonly rules: GroupingRules;
  private readonly reporters: ReporterSources;
  private readonly symbols: SymbolRoom;
  private readonly reports: Reports;
  private readonly triage: Triage;
  private readonly consoles = new Consoles(
    (event) => this.emit(event),
    (file, executable) => this.readSource(file, executable),
    (executable) => this.getSourceMappings(executable),
    async () => (await this.symbols.cache()).plainDebugDir,
  );

  /** Next to the database: cores taken out of bundles (cores/), objects downloaded from S3 (s3/). */
  private readonly dataDir: string;
  private readonly storeDir: string;
  private readonly disposables = new DisposableStore();

  constructor(private readonly options: WorkbenchOptions) {
    this.dataDir =
      options.databasePath === ':memory:' ? join(tmpdir(), `crashwb-data-${process.pid}`) : dirname(resolve(options.databasePath));
    this.storeDir = join(this.dataDir, 'cores');
    this.db = openDatabase(options.databasePath);
    this.debuggers = options.keepDebugger ? new DebuggerPool(1) : null;
    // Given back the latest first: the watcher, the consoles and the kept debugger before the listeners and the database.
    this.disposables.add(toDisposable(() => this.db.close()));
    this.disposables.add(toDisposable(() => this.listeners.clear()));
    this.disposables.add(toDisposable(() => void this.debuggers?.close()));
    this.disposables.add(toDisposable(() => this.consoles.closeAll()));
    this.disposables.add(toDisposable(() => this.watcher?.stop()));
    this.store = new CrashStore(this.db);
    this.groups = new GroupStore(this.db);
    this.rules = new GroupingRules(this.db, this.store, this.groups);
    this.undo = new GroupingUndo(this.db, this.groups, this.rules);
    this.reporters = new ReporterSources(this.store, options.secrets);
    this.symbols = new SymbolRoom({
      getSettings: () => this.getSettings(),
      reporters: this.reporters,
      secrets: options.secrets,
      tokens: options.symbolTokens,
      cacheDir: options.symbolCacheDir,
    });
    this.triage = new Triage(this.db, this.store, this.groups, this.rules);
    this.reports = new Reports({
      crash: (id) => this.getCrash(id),
      readSource: (file, executable) => this.readSource(file, executable),
      group: (id) => this.getGroupDetail(id),
      newestEvents: (id, limit) => this.groups.events(id, limit),
      groupOf: (id) => this.groups.groupOf(id).groupId,
      groupTitle: (id) => this.groups.title(id),
      notes: (id) => this.groups.notes.get(id),
      rules: () => this.redactionRules(),
      pdf: options.pdf ?? chromiumPdf,
    });
    this.intake = new Intake({
      db: this.db,
      store: this.store,
      groups: this.groups,
      options,
      dataDir: this.dataDir,
      storeDir: this.storeDir,
      emit: (event) => this.emit(event),
      getSettings: () => this.getSettings(),
      getCrash: (id) => this.getCrash(id),
      symbolOptions: (request) => this.symbols.options(request),
      debuggers: this.debuggers,
      rulesFor: (crash) => this.rules.rulesetFor(crash),
    });
    if (options.watchFolders)
      this.startWatching({ ...DEFAULT_SETTINGS, ...this.store.getSetting<Partial<Settings>>(SETTINGS, {}) }.watchedFolders);
  }

  onEvent(listener: (event: WorkbenchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: WorkbenchEvent): void {
    for (const l of this.listeners) l(event);
  }

  async openCore(request: OpenCoreRequest): Promise<Crash> {
    const crash = await this.intake.openCore(request);
    return { ...crash, groupId: this.groups.groupOf(crash.id).groupId };
  }

  reanalyzeCrash(id: string, request: ReanalyzeRequest): Promise<Crash> {
    return this.intake.reanalyzeCrash(id, request);
  }

  importPaths(request: ImportRequest, control: ImportControl = {}): Promise<ImportReport> {
    return this.intake.importPaths(request, control);
  }

  /** Imports what appears in the folders, once each entry is complete, until stopped. */
  watch(...args: Parameters<Intake['watch']>): ReturnType<Intake['watch']> {
    return this.intake.watch(...args);
  }

  importS3(request: S3ImportRequest, control: ImportControl = {}): Promise<ImportReport> {
    return this.intake.importS3(request, control);
  }

  importReporter(...args: Parameters<Intake['importReporter']>): ReturnType<Intake['importReporter']> {
    return this.intake.importReporter(...args);
  }

  listReporterSources(): Promise<ReporterSourceInfo[]> {
    return this.reporters.list();
  }

  saveReporterSource(url: string, token: string | null): Promise<ReporterSourceInfo[]> {
    return this.reporters.save(url, token);
  }

  removeReporterSource(url: string): Promise<ReporterSourceInfo[]> {
    return this.reporters.remove(url);
  }

  fetchCore(crashId: string, token: string | null): Promise<Crash> {
    return this.intake.fetchCore(crashId, (source) => this.reporters.tokenFor(source, token ?? undefined));
  }

  listSymbolServers(): Promise<SymbolServerInfo[]> {
    return this.symbols.servers();
  }

  saveSymbolServerToken(url: string, token: string | null): Promise<SymbolServerInfo[]> {
    return this.symbols.saveToken(url, token);
  }

  getSymbolCache(): Promise<SymbolCacheInfo> {
    return this.symbols.cacheUsage();
  }

  clearSymbolCache(): Promise<SymbolCacheInfo> {
    return this.symbols.clearCache();
  }

  reprocessCrashes(request: ReprocessRequest): Promise<ReprocessReport> {
    return reprocessCrashes(request, {
      crashIds: (groupId) => this.groups.events(groupId).map((e) => e.id),
      getCrash: (id) => this.getCrash(id),
      reanalyze: (id) =>
        this.reanalyzeCrash(id, {
          debugDirs: request.debugDirs,
          solibDirs: request.solibDirs,
          sysroot: request.sysroot,
          symbolServers: request.symbolServers,
        }),
      emit: (event) => this.emit(event),
    });
  }

  async syncReporter(request: ReporterSyncRequest, control: ImportControl = {}): Promise<ImportReport> {
    const { url, token, ...rest } = request;
    return this.intake.importReporter({ url, token: await this.reporters.tokenFor(url, token) }, rest, control);
  }

  listS3(endpoint: S3Endpoint, url: string | null): Promise<S3Listing> {
    return this.intake.listS3(endpoint, url);
  }

  saveS3Credentials(endpoint: string | null, credentials: S3Credentials | null): Promise<void> {
    return this.intake.saveS3Credentials(endpoint, credentials);
  }

  cancelImport(jobId: string): Promise<void> {
    return this.intake.cancelImport(jobId);
  }

  async getSettings(): Promise<Settings> {
    return { ...DEFAULT_SETTINGS, ...this.store.getSetting<Partial<Settings>>(SETTINGS, {}) };
  }

  async updateSettings(change: Partial<Settings>): Promise<Settings> {
    const settings = { ...(await this.getSettings()), ...change };
    const folders: [string[] | undefined, string][] = [
      [change.watchedFolders, 'cannot watch'],
      [change.solibDirs, 'cannot search for libraries in'],
      [change.debugDirs, 'cannot search for debug files in'],
      [Object.values(change.solibDirsByExecutable ?? {}).flat(), 'cannot search for libraries in'],
    ];
    for (const [dirs, what] of folders) {
      for (const dir of dirs ?? []) {
        const info = await stat(dir).catch(() => null);
        if (!info?.isDirectory()) throw new Error(`${what} ${dir}: it is not a folder on this machine`);
      }
    }
    this.store.setSetting(SETTINGS, settings);
    if (change.watchedFolders) this.startWatching(settings.watchedFolders);
    return settings;
  }

  private watcher: { stop(): void } | null = null;

  /** (Re)starts watching the folders from the settings; each round is an import with its progress events. */
  private startWatching(dirs: string[]): void {
    this.watcher?.stop();
    this.watcher = null;
    if (!this.options.watchFolders || dirs.length === 0) return;
    // A folder that cannot be read shows where imports show their failures.
    this.watcher = this.watch(
      dirs,
      {},
      {
        settleMs: this.options.watchSettleMs,
        onError: (error) =>
          this.emit({
            type: 'import',
            jobId: 'watch',
            done: 0,
            total: 0,
            current: null,
            failed: [{ path: dirs.join(', '), error: error.message }],
          }),
      },
    );
  }

  async listGroups(query: GroupQuery = {}, page?: GroupPage): Promise<GroupListing> {
    return this.groups.list(query, page);
  }

  async listFacets(query: GroupQuery = {}): Promise<FacetCounts> {
    return queryFacets(this.db, query);
  }

  async diffWithGroup(crashId: string): Promise<StackDiff> {
    return this.triage.diffWithGroup(crashId);
  }

  async listGroupEvents(groupId: number): Promise<CrashEvent[]> {
    return this.groups.events(groupId);
  }

  /** Every crash's arrival, newest first, over all groups: for the CLI's `events`, in the same process. */
  listEvents(): CrashEvent[] {
    return this.groups.events();
  }

  async getGroupDetail(groupId: number): Promise<GroupDetail> {
    return groupDetail(this.db, groupId);
  }

  async similarGroups(groupId: number): Promise<SimilarGroup[]> {
    return similarGroups(this.db, groupId, this.rules.rulesForCrashes());
  }

  /** How a crash's fingerprint came about, frame by frame; with `rulesText`, under those rules instead. */
  async explainFingerprint(crashId: string, rulesText?: string): Promise<FingerprintExplanation> {
    return this.triage.explain(crashId, rulesText);
  }

  /** A grouping rules text's errors by line, or what it would do to the stored crashes; nothing changes. */
  async checkGroupingRules(text: string, project: string | null = null): Promise<RulesCheck> {
    return this.triage.checkRules(text, project);
  }

  /** The grouping rules in effect for the database (project null) or a project, and whether they are its own. */
  async getGroupingRules(project: string | null = null): Promise<GroupingRulesInfo> {
    const ruleset = this.rules.ruleset(project);
    return { text: ruleset.text, rules: ruleset.id, own: this.rules.ownText(project) !== null, project, projects: this.rules.projects() };
  }

  /**
   * Makes a rules text (null: the default rules) this database's and regroups every crash by it,
   * keeping notes, statuses and manual merges and move-outs; undone as one step.
   */
  async applyGroupingRules(text: string | null, project: string | null = null): Promise<GroupingChange> {
    return this.db.transaction(() => this.undo.applyRules(text, project))();
  }

  async compareCrashes(a: string, b: string): Promise<CrashComparison> {
    return this.triage.compareCrashes(a, b);
  }

  async compareGroups(a: number, b: number): Promise<GroupComparison> {
    return this.triage.compareGroups(a, b);
  }

  async getTrends(query: GroupQuery, days: number): Promise<Trends> {
    return trends(this.db, query, days);
  }

  async getHistogram(query: GroupQuery, attribute: string): Promise<Histogram> {
    return histogram(this.db, query, attribute);
  }

  /** Each group's own histogram of an attribute among the crashes matching the query: for the CLI's `groups --histogram`. */
  groupHistograms(query: GroupQuery, attribute: string, groupIds: number[]): Map<number, Histogram> {
    return this.groups.histograms(query, attribute, groupIds);
  }

  async getRedactionRules(): Promise<RedactionRules> {
    return this.redactionRules();
  }

  private redactionRules(): RedactionRules {
    return { ...DEFAULT_REDACTION, ...this.store.getSetting<Partial<RedactionRules>>(REDACTION_RULES, {}) };
  }

  async saveRedactionRules(rules: RedactionRules): Promise<RedactionRules> {
    this.store.setSetting(REDACTION_RULES, checkRules(rules));
    return rules;
  }

  previewExport(request: ExportRequest): Promise<ExportPreview> {
    return this.reports.preview(request);
  }

  exportReport(request: ExportRequest): Promise<ExportFile> {
    return this.reports.export(request);
  }

  async setGroupNotes(groupId: number, notes: { text: string; ticket: string | null }): Promise<GroupNotes> {
    return this.groups.notes.set(groupId, notes);
  }

  async setGroupStatus(groupId: number, status: GroupStatus): Promise<GroupingChange> {
    return this.db.transaction(() => this.undo.setStatus(groupId, status))();
  }

  async mergeGroups(sourceId: number, targetId: number): Promise<GroupingChange> {
    return this.db.transaction(() => this.undo.merge(sourceId, targetId))();
  }

  async moveCrashToNewGroup(crashId: string): Promise<{ groupId: number; change: GroupingChange }> {
    return this.db.transaction(() => this.undo.moveOut(crashId))();
  }

  async undoGroupingChange(undoId: number): Promise<string> {
    return this.db.transaction(() => this.undo.undo(undoId))();
  }

  /** Recomputes fingerprints made by an older algorithm version from the stored analyses. */
  regroup(): { regrouped: number; groupsRemoved: number } {
    return this.triage.regroup();
  }

  async openConsole(crashId: string, size: ConsoleSize): Promise<ConsoleInfo> {
    return this.consoles.open(await this.getCrash(crashId), size);
  }

  async writeConsole(sessionId: string, data: string): Promise<void> {
    this.consoles.write(sessionId, data);
  }

  async resizeConsole(sessionId: string, size: ConsoleSize): Promise<void> {
    this.consoles.resize(sessionId, size);
  }

  async selectFrame(sessionId: string, thread: number, frame: number): Promise<void> {
    await this.consoles.select(sessionId, thread, frame);
  }

  async closeConsole(sessionId: string): Promise<void> {
    this.consoles.close(sessionId);
  }

  disassemble(sessionId: string, thread: number, frame: number): Promise<Disassembly> {
    return this.consoles.disassemble(sessionId, thread, frame);
  }

  readMemory(sessionId: string, thread: number, frame: number, expression: string, length: number): Promise<MemoryDump> {
    return this.consoles.readMemory(sessionId, thread, frame, expression, length);
  }

  frameVariables(sessionId: string, thread: number, frame: number): Promise<VariableNode[]> {
    return this.consoles.variables(sessionId, thread, frame);
  }

  expandVariable(sessionId: string, id: string): Promise<VariableNode[]> {
    return this.consoles.expandVariable(sessionId, id);
  }

  async getCrash(id: string): Promise<Crash> {
    const crash = this.store.get(id);
    if (!crash) throw new Error(`no crash with id ${id} in ${this.options.databasePath}`);
    return { ...crash, groupId: this.groups.groupOf(id).groupId };
  }

  /** A crash id from its first hex digits, as people copy it from listings. */
  crashIdByPrefix(prefix: string): string {
    return this.store.idByPrefix(prefix);
  }

  async listRecent(): Promise<CrashSummary[]> {
    return this.store.recent();
  }

  /** A source file from this machine, else (given the build-id of its module) from the symbol servers. */
  async readSource(file: string, executable?: string | null, buildId?: string | null): Promise<SourceResult> {
    const local = await findSource(file, {
      folders: await this.listSourceFolders(),
      mappings: executable ? await this.getSourceMappings(executable) : [],
    });
    return local.found || !buildId || !file.startsWith('/') ? local : this.symbols.source(file, buildId, local);
  }

  async getSourceMappings(executable: string): Promise<SourceMapping[]> {
    return this.store.getSetting<Record<string, SourceMapping[]>>(SOURCE_MAPPINGS, {})[executable] ?? [];
  }

  async setSourceMappings(executable: string, mappings: SourceMapping[]): Promise<SourceMapping[]> {
    for (const m of mappings) {
      const refused = refusedSourceFolder(await realpath(m.to).catch(() => m.to));
      if (refused) throw new Error(`cannot map ${m.from} to ${m.to}: ${refused}`);
    }
    const all = this.store.getSetting<Record<string, SourceMapping[]>>(SOURCE_MAPPINGS, {});
    if (mappings.length) all[executable] = mappings;
    else delete all[executable];
    this.store.setSetting(SOURCE_MAPPINGS, all);
    return mappings;
  }

  async listSourceFolders(): Promise<string[]> {
    return this.store.getSetting<string[]>(SOURCE_FOLDERS, []);
  }

  async addSourceFolder(folder: string): Promise<string[]> {
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory()) throw new Error(`${folder} is not a folder`);
    const refused = refusedSourceFolder(await realpath(folder));
    if (refused) throw new Error(`cannot read sources from ${folder}: ${refused}`);
    const folders = [folder, ...(await this.listSourceFolders()).filter((f) => f !== folder)];
    this.store.setSetting(SOURCE_FOLDERS, folders);
    return folders;
  }

  async listDirectory(path: string | null): Promise<DirectoryListing> {
    return listDirectory(path ?? this.options.homeDirectory ?? process.cwd());
  }

  close(): void {
    this.disposables.dispose();
  }
}
