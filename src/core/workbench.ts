import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { WorkbenchApi } from '../shared/api';
import type { Crash, CrashSummary, DirectoryListing, OpenCoreRequest, OpenStage, SourceResult, WorkbenchEvent } from '../shared/model';
import { analyzeCore } from './analyze';
import { sha256File } from './hash';
import { listDirectory, findSource } from './source-files';
import { CrashStore } from './store/crash-store';
import { openDatabase, type Db } from './store/database';

export interface WorkbenchOptions {
  databasePath: string;
  /** Folder listed first in the browser host's open dialog. */
  homeDirectory?: string;
  debuggerTimeoutMs?: number;
}

const SOURCE_FOLDERS = 'sourceFolders';

/** The one implementation of WorkbenchApi; every front door calls into this. */
export class Workbench implements WorkbenchApi {
  private readonly db: Db;
  private readonly store: CrashStore;
  private readonly listeners = new Set<(event: WorkbenchEvent) => void>();

  constructor(private readonly options: WorkbenchOptions) {
    this.db = openDatabase(options.databasePath);
    this.store = new CrashStore(this.db);
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
    const info = await stat(path);
    const onStage = (stage: OpenStage, message: string, fraction?: number): void =>
      this.emit({ type: 'progress', jobId, path, stage, message, fraction: fraction ?? null });
    // The digest is I/O and the debugger is CPU: on a big core, doing both at once saves seconds.
    const known = this.store.knownDigest(path, info.size, info.mtimeMs);
    const digest = known
      ? Promise.resolve(known)
      : sha256File(path, (f) => onStage('hashing', 'Computing the core’s digest', f), info.size);
    const [sha256, analysis] = await Promise.all([
      digest,
      analyzeCore(path, {
        executable: request.executable,
        debugDirs: request.debugDirs,
        debugger: request.debugger,
        timeoutMs: this.options.debuggerTimeoutMs,
        onStage,
      }),
    ]);
    const crash: Crash = { id: sha256, sha256, ...analysis };
    this.emit({ type: 'progress', jobId, path, stage: 'storing', message: 'Saving the analysis', fraction: null });
    this.db.transaction(() => {
      this.store.save(crash, info.mtimeMs);
      this.store.touchRecent(path, crash.id);
    })();
    this.emit({ type: 'progress', jobId, path, stage: 'done', message: 'Done', fraction: 1 });
    return crash;
  }

  async getCrash(id: string): Promise<Crash> {
    const crash = this.store.get(id);
    if (!crash) throw new Error(`no crash with id ${id} in ${this.options.databasePath}`);
    return crash;
  }

  async listRecent(): Promise<CrashSummary[]> {
    return this.store.recent();
  }

  async readSource(file: string): Promise<SourceResult> {
    return findSource(file, await this.listSourceFolders());
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
    this.listeners.clear();
    this.db.close();
  }
}
