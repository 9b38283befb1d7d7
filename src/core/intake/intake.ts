import { mark } from '../platform/timeline';
/**
 * Intake, step 0: what the façade calls to take crashes in — open one core, import files and
 * folders with a pool of debuggers, watch folders, sync S3 and reporters — each crash through
 * ingest, in one transaction with its group.
 */

import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type {
  Attachment,
  Crash,
  ImportReport,
  ImportRequest,
  OpenCoreRequest,
  OpenStage,
  ReanalyzeRequest,
  S3Endpoint,
  S3ImportRequest,
  S3Listing,
  Settings,
  SymbolSearchRequest,
  WorkbenchEvent,
} from '../../shared/model';
import { isSnapshot } from '../../shared/model';
import { analyzeCore, type AnalyzeOptions } from './analyze';
import { DebuggerPool } from '../debugger/debugger-pool';
import type { Ruleset } from '../fingerprint/rules/ruleset';
import { fingerprint } from '../fingerprint/fingerprint';
import { sha256OffThread } from '../offload/offload';
import { coreOf, ingestCrash, type IngestContext } from './ingest';
import { withRuntimeOutput } from './runtime-output';
import { findCores } from '../jobs/find-cores';
import type { CrashShape } from '../sources/shape';
import { runPool } from '../jobs/pool';
import { watchFolders } from '../jobs/watch';
import { importFromS3, listS3 } from '../s3/s3-import';
import type { S3Credentials } from '../s3/s3-location';
import { saveCredentials, savedCredentials, type SecretStore } from '../s3/secrets';
import type { CrashStore } from '../store/crash-store';
import type { Db } from '../store/database';
import type { GroupStore } from '../store/group-store';
import { indexCrash } from '../store/search-index';
import { fetchCoreFrom, pullFromReporter, type ReporterSource } from './reporter-pull';

/** What only in-process callers (the CLI) control about an import. */
export interface ImportControl {
  /** Debuggers at once; one per CPU core unless given. */
  jobs?: number;
  signal?: AbortSignal;
  /** Told how far each S3 download is. */
  onDownload?: (url: string, bytes: number, size: number) => void;
  /** Attributes of each file on top of the request's (an S3 object's URL …). */
  attributesFor?: (path: string) => Record<string, string>;
  /** What came beside each file (a reporter's attachments of the crash). */
  attachmentsFor?: (path: string) => Attachment[];
}

/** What the intake needs from the workbench around it. */
export interface IntakeContext {
  db: Db;
  store: CrashStore;
  groups: GroupStore;
  options: { debuggerTimeoutMs?: number; secrets?: SecretStore };
  /** Next to the database: cores taken out of bundles (cores/), objects downloaded from S3 (s3/). */
  dataDir: string;
  storeDir: string;
  emit(event: WorkbenchEvent): void;
  getSettings(): Promise<Settings>;
  getCrash(id: string): Promise<Crash>;
  /** Where to look for a crash's files: the request's folders and servers with the settings', tokens resolved. */
  symbolOptions(request: SymbolSearchRequest): Promise<SymbolOptions>;
  /** The debugger kept for the next core opened or analysed again, in a long-lived front door. */
  debuggers: DebuggerPool | null;
  /** The grouping rules that fingerprint a crash about to be stored: its project's, else the database's. */
  rulesFor(crash: Crash): Ruleset;
}

export type SymbolOptions = Pick<AnalyzeOptions, 'debugDirs' | 'solibDirs' | 'solibDirsFor' | 'sysroot' | 'symbolServers' | 'symbolCache'>;

/** How crashes come in: opened, imported from disk or S3, watched for, analysed again. */
export class Intake {
  private readonly imports = new Map<string, AbortController>();

  constructor(private readonly ctx: IntakeContext) {}

  async openCore(request: OpenCoreRequest): Promise<Crash> {
    mark('open asked');
    const path = resolve(request.path);
    const jobId = randomUUID();
    const onStage = (stage: OpenStage, message: string, fraction?: number): void =>
      this.ctx.emit({ type: 'progress', jobId, path, stage, message, fraction: fraction ?? null });
    const settings = await this.ctx.getSettings();
    const symbols = await this.ctx.symbolOptions(request);
    const ingested = await ingestCrash(
      path,
      {},
      {
        ...this.ingestContext(),
        refresh: true,
        onHashing: (f) => onStage('hashing', 'Computing the core’s digest', f),
        analyze: (core) =>
          analyzeCore(core, {
            ...symbols,
            executable: request.executable,
            debugger: request.debugger ?? settings.defaultDebugger,
            timeoutMs: this.ctx.options.debuggerTimeoutMs,
            onStage,
            pool: this.ctx.debuggers,
          }),
      },
    );
    mark('ingested');
    const crash = ingested.crash ?? (await this.ctx.getCrash(ingested.id));
    // Opening again keeps what an import gave the crash (its attributes).
    const existing = this.ctx.store.get(crash.id);
    if (existing) crash.attributes = { ...existing.attributes, ...crash.attributes };
    this.ctx.emit({ type: 'progress', jobId, path, stage: 'storing', message: 'Saving the analysis', fraction: null });
    const stored = this.ctx.db.transaction(() => {
      const saved = this.save(crash, ingested.mtimeMs, ingested.origin);
      this.ctx.store.touchRecent(path, crash.id);
      return saved;
    })();
    mark('saved');
    this.ctx.emit({ type: 'progress', jobId, path, stage: 'done', message: 'Done', fraction: 1 });
    return stored;
  }

  /** What ingesting needs from this workbench: its store of cores and its database. */
  private ingestContext(): Omit<IngestContext, 'analyze' | 'refresh'> {
    return {
      storeDir: this.ctx.storeDir,
      knownDigest: (path, size, mtimeMs) => this.ctx.store.knownDigest(path, size, mtimeMs),
      has: (id) => this.ctx.store.has(id) && !this.ctx.store.awaitsCore(id),
      stored: (id) => this.ctx.store.has(id),
    };
  }

  async reanalyzeCrash(id: string, request: ReanalyzeRequest): Promise<Crash> {
    const old = await this.ctx.getCrash(id);
    const core = coreOf(old);
    if (!core) throw new Error(`${old.source} came without a core (${old.origin ?? 'a bundle'}); there is nothing to analyse again`);
    const info = await stat(core).catch((error: Error) => {
      throw new Error(`cannot analyse ${core} again: ${error.message}. Open the core from where it is now.`);
    });
    const digest = this.ctx.store.knownDigest(core, info.size, info.mtimeMs) ?? (await sha256OffThread(core, undefined, info.size));
    if (digest !== id) throw new Error(`${core} is no longer the core of this crash (its digest changed); open it as a new crash`);
    const jobId = randomUUID();
    // What was searched before is searched again, with whatever the request adds.
    // A folder searched then that has gone since is left out, not an error: it was not asked for now.
    const stillThere = async (dirs: string[]) =>
      (await Promise.all(dirs.map(async (d) => ((await stat(d).catch(() => null))?.isDirectory() ? d : null)))).filter(
        (d): d is string => d !== null,
      );
    const symbols = await this.ctx.symbolOptions({
      debugDirs: [...new Set([...(request.debugDirs ?? []), ...(old.loaded?.debugDirs ?? [])])],
      solibDirs: [...new Set([...(request.solibDirs ?? []), ...(await stillThere(old.loaded?.solibDirs ?? []))])],
      sysroot: request.sysroot ?? (await stillThere(old.loaded?.sysroot ? [old.loaded.sysroot] : []))[0],
      symbolServers: [...new Set([...(request.symbolServers ?? []), ...(old.loaded?.symbolServers ?? [])])],
    });
    // The executable given by hand stays given; one found in a folder or on a server is looked for again.
    const given = old.modules.some((m) => m.origin)
      ? old.modules.find((m) => m.origin?.file?.kind === 'exe-option')?.hostPath
      : old.loaded?.executable;
    const analysis = await analyzeCore(core, {
      ...symbols,
      executable: given ?? undefined,
      debugger: request.debugger ?? old.debugger,
      timeoutMs: this.ctx.options.debuggerTimeoutMs,
      pool: this.ctx.debuggers,
      onStage: (stage, message, fraction) =>
        this.ctx.emit({ type: 'progress', jobId, path: old.source, stage, message, fraction: fraction ?? null }),
    });
    const analysed: Crash = {
      ...analysis,
      source: old.source,
      timestamp: old.timestamp,
      origin: old.origin,
      attachments: old.attachments,
      loaded: {
        ...(analysis.loaded ?? { executable: null, debugDirs: [] }),
        ...(old.loaded?.core !== undefined ? { core: old.loaded.core } : {}),
      },
      id,
      sha256: old.sha256,
      attributes: old.attributes,
    };
    const crash = this.ctx.db.transaction(() => {
      const before = this.ctx.groups.groupOf(id).groupId;
      const stored = this.save(analysed, info.mtimeMs);
      // A crash that leaves its group with names it lacked before takes the group's notes along
      // when it was the last one there, and the empty group goes, as in a regroup.
      if (before !== null && before !== this.ctx.groups.groupOf(id).groupId) {
        this.ctx.groups.notes.followMembers(new Map([[before, [id]]]));
        this.ctx.groups.dropEmptyGroups();
      }
      return stored;
    })();
    this.ctx.emit({ type: 'progress', jobId, path: old.source, stage: 'done', message: 'Done', fraction: 1 });
    return crash;
  }

  /**
   * Stores a crash with its group, what came beside it (the runtime's printed output) laid over its
   * analysis, and returns it as stored; callers run it inside a transaction so both land or neither.
   */
  private save(arrived: Crash, mtimeMs: number, origin?: { size: number; storedPath: string | null }): Crash {
    const replacesSnapshot = !isSnapshot(arrived) && origin !== undefined && this.ctx.store.awaitsCore(arrived.id);
    // What the host kept beside its analysis goes on with the core's.
    const kept = replacesSnapshot ? (this.ctx.store.get(arrived.id)?.attachments ?? []) : [];
    const attachments = [...(arrived.attachments ?? []), ...kept.filter((k) => !arrived.attachments?.some((a) => a.name === k.name))];
    const crash = withRuntimeOutput(attachments.length ? { ...arrived, attachments } : arrived);
    if (replacesSnapshot && origin) this.ctx.store.replaceSnapshot(crash, mtimeMs, origin);
    else this.ctx.store.save(crash, mtimeMs, origin);
    const fp = fingerprint(crash, this.ctx.rulesFor(crash));
    this.ctx.groups.assign(crash.id, fp, crash.timestamp);
    indexCrash(this.ctx.db, crash, fp.title);
    return crash;
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
      const chosen: ImportRequest = { ...request, debugger: request.debugger ?? (await this.ctx.getSettings()).defaultDebugger };
      const symbols = await this.ctx.symbolOptions(request);
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
        this.ctx.emit({ type: 'import', jobId, done, total: found.cores.length, current, failed: report.failed });
      progress(null);
      const jobs = control.jobs ?? availableParallelism();
      const debuggers = new DebuggerPool(jobs);
      await runPool(
        found.cores,
        jobs,
        async ({ path, shape }) => {
          progress(path);
          try {
            const attributes = { ...chosen.attributes, ...control.attributesFor?.(path) };
            const beside = control.attachmentsFor?.(path) ?? [];
            if (await this.importOne(path, shape, { ...chosen, attributes }, symbols, debuggers, beside)) report.imported.push(path);
            else report.existing.push(path);
          } catch (error) {
            report.failed.push({ path, error: error instanceof Error ? error.message : String(error) });
          }
          done++;
          progress(path);
        },
        abort.signal,
      ).finally(() => debuggers.close());
      report.cancelled = abort.signal.aborted;
      return report;
    } finally {
      this.imports.delete(jobId);
    }
  }

  /** Imports one crash (any shape) unless it is already stored; true when it was new. */
  private async importOne(
    path: string,
    shape: CrashShape,
    request: ImportRequest,
    symbols: SymbolOptions,
    debuggers: DebuggerPool,
    beside: Attachment[] = [],
  ): Promise<boolean> {
    const ingested = await ingestCrash(
      path,
      { ...request.attributes },
      {
        ...this.ingestContext(),
        refresh: false,
        shape,
        beside,
        analyze: (core) =>
          analyzeCore(core, {
            ...symbols,
            executable: request.executable,
            debugger: request.debugger,
            timeoutMs: this.ctx.options.debuggerTimeoutMs,
            pool: debuggers,
          }),
      },
    );
    const crash = ingested.crash;
    if (!crash) return false;
    // Two copies of one core imported at once were both new when hashed: the first to land counts.
    return this.ctx.db.transaction(() => {
      // A core replaces the snapshot that stood for it; anything else stored already stays.
      const replacesSnapshot = !isSnapshot(crash) && this.ctx.store.awaitsCore(crash.id);
      if (this.ctx.store.has(crash.id) && !replacesSnapshot) return false;
      this.save(crash, ingested.mtimeMs, ingested.origin);
      return true;
    })();
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
      store: this.ctx.store,
      downloadRoot: join(this.ctx.dataDir, 's3'),
      importFiles: (files, attributesFor) => this.importPaths(files, { ...control, attributesFor }),
      onDownload: (url, bytes, size) => {
        control.onDownload?.(url, bytes, size);
        // The import panel shows downloads like imports: bytes of the current object, a few times a second.
        const now = Date.now();
        if (bytes < size && now - lastShown < 250) return;
        lastShown = now;
        this.ctx.emit({ type: 'import', jobId: 'download', done: bytes, total: size, current: `downloading ${url}`, failed: [] });
      },
    });
  }

  /** Pulls what arrived at a crash reporter since the last sync. */
  async importReporter(source: ReporterSource, request: Omit<ImportRequest, 'paths'>, control: ImportControl = {}): Promise<ImportReport> {
    return pullFromReporter(source, request, {
      store: this.ctx.store,
      downloadRoot: join(this.ctx.dataDir, 'reporter'),
      importFiles: (files, attributesFor, attachmentsFor) => this.importPaths(files, { ...control, attributesFor, attachmentsFor }),
      signal: control.signal,
      onProgress: (done, total, current) =>
        this.ctx.emit({
          type: 'import',
          jobId: 'download',
          done,
          total,
          current: `downloading ${current.slice(0, 12)} from ${source.url}`,
          failed: [],
        }),
    });
  }

  /** Brings the core of a crash that came as a snapshot from its reporter; the core's analysis replaces the snapshot's. */
  async fetchCore(crashId: string, tokenFor: (source: string) => Promise<string>): Promise<Crash> {
    const crash = await this.ctx.getCrash(crashId);
    if (!this.ctx.store.awaitsCore(crashId)) throw new Error(`${crash.source} has its core already; open it`);
    const origin = crash.attributes['reporter.url'];
    if (!origin) throw new Error(`this snapshot (${crash.source}) did not come through a reporter: import its core where it is`);
    const source = `reporter+${origin}`;
    const file = await fetchCoreFrom({ url: source, token: await tokenFor(source) }, crashId, join(this.ctx.dataDir, 'reporter'));
    const report = await this.importPaths({ paths: [file], attributes: crash.attributes });
    if (report.failed[0]) throw new Error(`the core came, but could not be analysed: ${report.failed[0].error}`);
    return this.ctx.getCrash(crashId);
  }

  async listS3(endpoint: S3Endpoint, url: string | null): Promise<S3Listing> {
    return listS3(endpoint, url, this.ctx.store, await this.s3Credentials(endpoint));
  }

  async saveS3Credentials(endpoint: string | null, credentials: S3Credentials | null): Promise<void> {
    await saveCredentials(this.ctx.options.secrets, endpoint ?? undefined, credentials);
  }

  private async s3Credentials(endpoint: S3Endpoint): Promise<S3Credentials | undefined> {
    return endpoint.savedCredentials ? savedCredentials(this.ctx.options.secrets, endpoint.endpoint) : undefined;
  }

  async cancelImport(jobId: string): Promise<void> {
    const job = this.imports.get(jobId);
    if (!job) throw new Error(`no import ${jobId} is running`);
    job.abort();
  }
}
