import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
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
  FacetCounts,
  GroupListing,
  GroupPage,
  GroupQuery,
  ImportReport,
  ImportRequest,
  OpenCoreRequest,
  ReanalyzeRequest,
  S3Endpoint,
  S3ImportRequest,
  S3Listing,
  Settings,
  OpenStage,
  SourceMapping,
  SourceResult,
  StackDiff,
  WorkbenchEvent,
} from '../shared/model';
import { analyzeCore } from './analyze';
import { coreOf, ingestCrash, type IngestContext } from './ingest';
import { importFromS3, listS3 } from './s3/s3-import';
import type { S3Credentials } from './s3/s3-location';
import { saveCredentials, savedCredentials, type SecretStore } from './s3/secrets';
import { watchFolders } from './jobs/watch';
import { sha256File } from './hash';
import { listDirectory, findSource } from './source-files';
import { CrashStore } from './store/crash-store';
import { GroupStore } from './store/group-store';
import { indexCrash } from './store/search-index';
import { groupDetail, representativeCrash } from './store/group-detail';
import { queryFacets } from './store/crash-filter';
import { diffStacks } from './compare/stack-diff';
import { Consoles } from './consoles';
import { FINGERPRINT_VERSION, fingerprint } from './fingerprint/fingerprint';
import { findCores } from './jobs/find-cores';
import { runPool } from './jobs/pool';
import { availableParallelism } from 'node:os';
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
}

const SOURCE_FOLDERS = 'sourceFolders';
const SETTINGS = 'settings';
const SOURCE_MAPPINGS = 'sourceMappings';
const DEFAULT_SETTINGS: Settings = { defaultDebugger: 'gdb', watchedFolders: [] };

/** What only in-process callers (the CLI) control about an import. */
export interface ImportControl {
  /** Debuggers at once; one per CPU core unless given. */
  jobs?: number;
  signal?: AbortSignal;
  /** Told how far each S3 download is. */
  onDownload?: (url: string, bytes: number, size: number) => void;
  /** Attributes of each file on top of the request's (an S3 object's URL …). */
  attributesFor?: (path: string) => Record<string, string>;
}

/** The one implementation of WorkbenchApi; every front door calls into this. */
export class Workbench implements WorkbenchApi {
  private readonly db: Db;
  private readonly store: CrashStore;
  readonly groups: GroupStore;
  private readonly listeners = new Set<(event: WorkbenchEvent) => void>();
  private readonly imports = new Map<string, AbortController>();
  private readonly consoles = new Consoles(
    (event) => this.emit(event),
    (file, executable) => this.readSource(file, executable),
    (executable) => this.getSourceMappings(executable),
  );

  /** Next to the database: cores taken out of bundles (cores/), objects downloaded from S3 (s3/). */
  private readonly dataDir: string;
  private readonly storeDir: string;

  constructor(private readonly options: WorkbenchOptions) {
    this.dataDir =
      options.databasePath === ':memory:' ? join(tmpdir(), `crashwb-data-${process.pid}`) : dirname(resolve(options.databasePath));
    this.storeDir = join(this.dataDir, 'cores');
    this.db = openDatabase(options.databasePath);
    this.store = new CrashStore(this.db);
    this.groups = new GroupStore(this.db);
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
    const path = resolve(request.path);
    const jobId = randomUUID();
    const onStage = (stage: OpenStage, message: string, fraction?: number): void =>
      this.emit({ type: 'progress', jobId, path, stage, message, fraction: fraction ?? null });
    const settings = await this.getSettings();
    const ingested = await ingestCrash(
      path,
      {},
      {
        ...this.ingestContext(),
        refresh: true,
        onHashing: (f) => onStage('hashing', 'Computing the core’s digest', f),
        analyze: (core) =>
          analyzeCore(core, {
            executable: request.executable,
            debugDirs: request.debugDirs,
            debugger: request.debugger ?? settings.defaultDebugger,
            timeoutMs: this.options.debuggerTimeoutMs,
            onStage,
          }),
      },
    );
    const crash = ingested.crash ?? (await this.getCrash(ingested.id));
    // Opening again keeps what an import gave the crash (its attributes).
    const existing = this.store.get(crash.id);
    if (existing) crash.attributes = { ...existing.attributes, ...crash.attributes };
    this.emit({ type: 'progress', jobId, path, stage: 'storing', message: 'Saving the analysis', fraction: null });
    this.db.transaction(() => {
      this.save(crash, ingested.mtimeMs, ingested.origin);
      this.store.touchRecent(path, crash.id);
    })();
    this.emit({ type: 'progress', jobId, path, stage: 'done', message: 'Done', fraction: 1 });
    return crash;
  }

  /** What ingesting needs from this workbench: its store of cores and its database. */
  private ingestContext(): Omit<IngestContext, 'analyze' | 'refresh'> {
    return {
      storeDir: this.storeDir,
      knownDigest: (path, size, mtimeMs) => this.store.knownDigest(path, size, mtimeMs),
      has: (id) => this.store.has(id),
    };
  }

  async reanalyzeCrash(id: string, request: ReanalyzeRequest): Promise<Crash> {
    const old = await this.getCrash(id);
    const core = coreOf(old);
    if (!core) throw new Error(`${old.source} came without a core (${old.origin ?? 'a bundle'}); there is nothing to analyse again`);
    const info = await stat(core).catch((error: Error) => {
      throw new Error(`cannot analyse ${core} again: ${error.message}. Open the core from where it is now.`);
    });
    const digest = this.store.knownDigest(core, info.size, info.mtimeMs) ?? (await sha256File(core, () => undefined, info.size));
    if (digest !== id) throw new Error(`${core} is no longer the core of this crash (its digest changed); open it as a new crash`);
    const jobId = randomUUID();
    const analysis = await analyzeCore(core, {
      executable: old.loaded?.executable ?? undefined,
      debugDirs: request.debugDirs ?? old.loaded?.debugDirs,
      debugger: request.debugger ?? old.debugger,
      timeoutMs: this.options.debuggerTimeoutMs,
      onStage: (stage, message, fraction) =>
        this.emit({ type: 'progress', jobId, path: old.source, stage, message, fraction: fraction ?? null }),
    });
    const crash: Crash = {
      ...analysis,
      source: old.source,
      timestamp: old.timestamp,
      origin: old.origin,
      attachments: old.attachments,
      loaded: {
        executable: analysis.loaded?.executable ?? null,
        debugDirs: analysis.loaded?.debugDirs ?? [],
        ...(old.loaded?.core !== undefined ? { core: old.loaded.core } : {}),
      },
      id,
      sha256: old.sha256,
      attributes: old.attributes,
    };
    this.db.transaction(() => this.save(crash, info.mtimeMs))();
    this.emit({ type: 'progress', jobId, path: old.source, stage: 'done', message: 'Done', fraction: 1 });
    return crash;
  }

  async getSettings(): Promise<Settings> {
    return { ...DEFAULT_SETTINGS, ...this.store.getSetting<Partial<Settings>>(SETTINGS, {}) };
  }

  async updateSettings(change: Partial<Settings>): Promise<Settings> {
    const settings = { ...(await this.getSettings()), ...change };
    if (change.watchedFolders) {
      for (const dir of change.watchedFolders) {
        const info = await stat(dir).catch(() => null);
        if (!info?.isDirectory()) throw new Error(`cannot watch ${dir}: it is not a folder on this machine`);
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

  /** Stores a crash with its group; callers run it inside a transaction so both land or neither. */
  private save(crash: Crash, mtimeMs: number, origin?: { size: number; storedPath: string | null }): void {
    this.store.save(crash, mtimeMs, origin);
    const fp = fingerprint(crash);
    this.groups.assign(crash.id, fp, crash.timestamp);
    indexCrash(this.db, crash, fp.title);
  }

  /**
   * Imports cores from files and folders with a pool of debuggers. Each crash lands in one
   * transaction, so an import killed at any moment leaves whole crashes only, and running it
   * again imports the rest: a core already stored (same sha256) is not analysed again.
   */
  async importPaths(request: ImportRequest, control: ImportControl = {}): Promise<ImportReport> {
    const jobId = randomUUID();
    const abort = new AbortController();
    control.signal?.addEventListener('abort', () => abort.abort());
    this.imports.set(jobId, abort);
    try {
      const found = await findCores(request.paths);
      const chosen: ImportRequest = { ...request, debugger: request.debugger ?? (await this.getSettings()).defaultDebugger };
      const report: ImportReport = {
        jobId,
        imported: [],
        existing: [],
        failed: [...found.rejected],
        skipped: found.skipped,
        total: found.cores.length,
        cancelled: false,
      };
      let done = 0;
      const progress = (current: string | null): void =>
        this.emit({ type: 'import', jobId, done, total: found.cores.length, current, failed: report.failed });
      progress(null);
      await runPool(
        found.cores,
        control.jobs ?? availableParallelism(),
        async (path) => {
          progress(path);
          try {
            const attributes = { ...chosen.attributes, ...control.attributesFor?.(path) };
            if (await this.importOne(path, { ...chosen, attributes })) report.imported.push(path);
            else report.existing.push(path);
          } catch (error) {
            report.failed.push({ path, error: error instanceof Error ? error.message : String(error) });
          }
          done++;
          progress(path);
        },
        abort.signal,
      );
      report.cancelled = abort.signal.aborted;
      return report;
    } finally {
      this.imports.delete(jobId);
    }
  }

  /** Imports one crash (any shape) unless it is already stored; true when it was new. */
  private async importOne(path: string, request: ImportRequest): Promise<boolean> {
    const ingested = await ingestCrash(
      path,
      { ...request.attributes },
      {
        ...this.ingestContext(),
        refresh: false,
        analyze: (core) =>
          analyzeCore(core, {
            executable: request.executable,
            debugDirs: request.debugDirs,
            debugger: request.debugger,
            timeoutMs: this.options.debuggerTimeoutMs,
          }),
      },
    );
    const crash = ingested.crash;
    if (!crash) return false;
    this.db.transaction(() => this.save(crash, ingested.mtimeMs, ingested.origin))();
    return true;
  }

  /**
   * Imports what appears in the folders, once each entry is complete, until stopped. Each round
   * is an ordinary import: a crash already stored is not imported again.
   */
  watch(
    dirs: string[],
    request: Omit<ImportRequest, 'paths'>,
    options: { settleMs?: number; onReport?(report: ImportReport): void; onError?(error: Error): void } = {},
  ): { stop(): void } {
    return watchFolders(dirs, {
      settleMs: options.settleMs,
      onReady: async (paths) => {
        const report = await this.importPaths({ ...request, paths });
        options.onReport?.(report);
      },
      onError: options.onError,
    });
  }

  /** Syncs an S3 prefix: downloads what is new or changed, then imports it. */
  async importS3(request: S3ImportRequest, control: ImportControl = {}): Promise<ImportReport> {
    let lastShown = 0;
    return importFromS3(request, {
      credentials: await this.s3Credentials(request),
      store: this.store,
      downloadRoot: join(this.dataDir, 's3'),
      importFiles: (files, attributesFor) => this.importPaths(files, { ...control, attributesFor }),
      onDownload: (url, bytes, size) => {
        control.onDownload?.(url, bytes, size);
        // The import panel shows downloads like imports: bytes of the current object, a few times a second.
        const now = Date.now();
        if (bytes < size && now - lastShown < 250) return;
        lastShown = now;
        this.emit({ type: 'import', jobId: 'download', done: bytes, total: size, current: `downloading ${url}`, failed: [] });
      },
    });
  }

  async listS3(endpoint: S3Endpoint, url: string | null): Promise<S3Listing> {
    return listS3(endpoint, url, this.store, await this.s3Credentials(endpoint));
  }

  async saveS3Credentials(endpoint: string | null, credentials: S3Credentials | null): Promise<void> {
    await saveCredentials(this.options.secrets, endpoint ?? undefined, credentials);
  }

  private async s3Credentials(endpoint: S3Endpoint): Promise<S3Credentials | undefined> {
    return endpoint.savedCredentials ? savedCredentials(this.options.secrets, endpoint.endpoint) : undefined;
  }

  async cancelImport(jobId: string): Promise<void> {
    const job = this.imports.get(jobId);
    if (!job) throw new Error(`no import ${jobId} is running`);
    job.abort();
  }

  async listGroups(query: GroupQuery = {}, page?: GroupPage): Promise<GroupListing> {
    return this.groups.list(query, page);
  }

  async listFacets(query: GroupQuery = {}): Promise<FacetCounts> {
    return queryFacets(this.db, query);
  }

  async diffWithGroup(crashId: string): Promise<StackDiff> {
    const crash = await this.getCrash(crashId);
    const { groupId, fingerprint } = this.groups.groupOf(crashId);
    if (groupId === null) throw new Error(`crash ${crashId} is in no group yet; run crashwb regroup`);
    const base = representativeCrash(this.db, groupId);
    if (!base) throw new Error(`group ${groupId} has no crashes`);
    const stack = (c: Crash) => (c.threads.find((t) => t.crashed) ?? c.threads[0])?.frames ?? [];
    return {
      baseCrashId: base.id,
      crashId,
      sameFingerprint: fingerprint !== null && fingerprint === this.groups.groupOf(base.id).fingerprint,
      rows: diffStacks(stack(base), stack(crash)),
    };
  }

  async listGroupEvents(groupId: number): Promise<CrashEvent[]> {
    return this.groups.events(groupId);
  }

  async getGroupDetail(groupId: number): Promise<GroupDetail> {
    return groupDetail(this.db, groupId);
  }

  async setGroupStatus(groupId: number, status: GroupStatus): Promise<void> {
    this.groups.setStatus(groupId, status);
  }

  async mergeGroups(sourceId: number, targetId: number): Promise<void> {
    this.db.transaction(() => this.groups.merge(sourceId, targetId))();
  }

  async moveCrashToNewGroup(crashId: string): Promise<number> {
    return this.db.transaction(() => this.groups.moveToNewGroup(crashId))();
  }

  /** Recomputes fingerprints made by an older algorithm version from the stored analyses. */
  regroup(): { regrouped: number; groupsRemoved: number } {
    const stale = this.groups.staleCrashIds(FINGERPRINT_VERSION);
    this.db.transaction(() => {
      for (const id of stale) {
        const crash = this.store.get(id);
        if (!crash) continue;
        const fp = fingerprint(crash);
        this.groups.assign(id, fp, crash.timestamp);
        indexCrash(this.db, crash, fp.title);
      }
    })();
    return { regrouped: stale.length, groupsRemoved: this.groups.dropEmptyGroups() };
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
    return crash;
  }

  async listRecent(): Promise<CrashSummary[]> {
    return this.store.recent();
  }

  async readSource(file: string, executable?: string | null): Promise<SourceResult> {
    return findSource(file, await this.listSourceFolders(), executable ? await this.getSourceMappings(executable) : []);
  }

  async getSourceMappings(executable: string): Promise<SourceMapping[]> {
    return this.store.getSetting<Record<string, SourceMapping[]>>(SOURCE_MAPPINGS, {})[executable] ?? [];
  }

  async setSourceMappings(executable: string, mappings: SourceMapping[]): Promise<SourceMapping[]> {
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
    const folders = [folder, ...(await this.listSourceFolders()).filter((f) => f !== folder)];
    this.store.setSetting(SOURCE_FOLDERS, folders);
    return folders;
  }

  async listDirectory(path: string | null): Promise<DirectoryListing> {
    return listDirectory(path ?? this.options.homeDirectory ?? process.cwd());
  }

  close(): void {
    this.watcher?.stop();
    this.consoles.closeAll();
    this.listeners.clear();
    this.db.close();
  }
}
