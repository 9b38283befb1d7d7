import type {
  Crash,
  DirectoryListing,
  ImportReport,
  ImportRequest,
  ReporterSourceInfo,
  ReporterSyncRequest,
  S3Endpoint,
  S3ImportRequest,
  S3Listing,
  WorkbenchEvent,
} from '../../shared/model';
import type { ImportsApi } from '../../shared/services/imports';
import type { ImportControl, Intake } from '../intake/intake';
import type { Disposable } from '../platform/disposables';
import type { S3Credentials } from '../s3/s3-location';
import type { ReporterSources } from './reporter-sources';
import { listDirectory } from './source-files';

export interface ImportsOptions {
  /** Folder listed first in the browser host's open dialog. */
  homeDirectory?: string;
  /** Import from the watched folders while this workbench is open (the app and crashwb serve do). */
  watchFolders?: boolean;
  /** How long a watched entry must stay unchanged to count as complete. */
  watchSettleMs?: number;
}

/** Bringing crashes in: folders and files of this machine, watched folders, S3, reporters. */
export class ImportsService implements ImportsApi, Disposable {
  private watcher: { stop(): void } | null = null;

  constructor(
    private readonly intake: Intake,
    private readonly reporters: ReporterSources,
    private readonly options: ImportsOptions,
    private readonly emit: (event: WorkbenchEvent) => void,
  ) {}

  async listDirectory(path: string | null): Promise<DirectoryListing> {
    return listDirectory(path ?? this.options.homeDirectory ?? process.cwd());
  }

  importPaths(request: ImportRequest, control: ImportControl = {}): Promise<ImportReport> {
    return this.intake.importPaths(request, control);
  }

  cancelImport(jobId: string): Promise<void> {
    return this.intake.cancelImport(jobId);
  }

  /** Imports what appears in the folders, once each entry is complete, until stopped. */
  watch(...args: Parameters<Intake['watch']>): ReturnType<Intake['watch']> {
    return this.intake.watch(...args);
  }

  /** (Re)starts watching the folders from the settings; each round is an import with its progress events. */
  followWatchedFolders(dirs: string[]): void {
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

  listS3(endpoint: S3Endpoint, url: string | null): Promise<S3Listing> {
    return this.intake.listS3(endpoint, url);
  }

  importS3(request: S3ImportRequest, control: ImportControl = {}): Promise<ImportReport> {
    return this.intake.importS3(request, control);
  }

  saveS3Credentials(endpoint: string | null, credentials: S3Credentials | null): Promise<void> {
    return this.intake.saveS3Credentials(endpoint, credentials);
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

  /** Imports from a reporter with the token given: for the CLI, which keeps no reporter as a source. */
  importReporter(...args: Parameters<Intake['importReporter']>): ReturnType<Intake['importReporter']> {
    return this.intake.importReporter(...args);
  }

  async syncReporter(request: ReporterSyncRequest, control: ImportControl = {}): Promise<ImportReport> {
    const { url, token, ...rest } = request;
    return this.intake.importReporter({ url, token: await this.reporters.tokenFor(url, token) }, rest, control);
  }

  fetchCore(crashId: string, token: string | null): Promise<Crash> {
    return this.intake.fetchCore(crashId, (source) => this.reporters.tokenFor(source, token ?? undefined));
  }

  dispose(): void {
    this.watcher?.stop();
    this.watcher = null;
  }
}
