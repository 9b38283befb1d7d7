import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ImportReport, ImportRequest, S3Endpoint, S3ImportRequest, S3Listing } from '../../shared/model';
import { crashFoldersIn } from '../sources/registry';
import { recognizeKey } from './recognize';
import type { CrashStore } from '../store/crash-store';
import { localPathFor, S3Source } from './s3-source';
import { parseS3Url, s3Url, type S3Credentials } from './s3-location';

export interface S3ImportDeps {
  store: CrashStore;
  /** Where downloaded objects are kept (bucket/key below it). */
  downloadRoot: string;
  /** Explicit credentials; the SDK's chain (profile, environment) when absent. */
  credentials?: S3Credentials;
  importFiles(request: ImportRequest, attributesFor: (path: string) => Record<string, string>): Promise<ImportReport>;
  onDownload?(url: string, bytes: number, size: number): void;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const folderOf = (key: string): string => key.slice(0, key.lastIndexOf('/') + 1);
const nameOf = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/**
 * Syncs a prefix into the workbench: lists it, downloads what is new or changed (by ETag) with
 * resume, then imports the files like any others. A failed object is reported and the rest go on;
 * nothing already imported is touched.
 */
export async function importFromS3(request: S3ImportRequest, deps: S3ImportDeps): Promise<ImportReport> {
  const { bucket, prefix } = parseS3Url(request.url);
  const source = new S3Source(
    { bucket, prefix, endpoint: request.endpoint, region: request.region, pathStyle: request.pathStyle },
    deps.credentials,
  );
  const listed = await source.list();
  const crashFolders = crashFoldersIn(listed.map((o) => o.key));
  /** Whether an object is a part of a crash folder (an AppScope one's info_, core_ …). */
  const isFolderPart = (key: string): boolean => crashFolders.get(folderOf(key))?.(nameOf(key)) ?? false;
  const wanted = request.keys ? new Set(request.keys) : null;
  const wantedFolders = new Set([...(wanted ?? [])].map(folderOf).filter((f) => crashFolders.has(f)));
  // A part of a crash folder brings the whole folder: it is one crash in several objects.
  const objects = listed.filter((o) => !wanted || wanted.has(o.key) || (wantedFolders.has(folderOf(o.key)) && isFolderPart(o.key)));
  const failed: ImportReport['failed'] = [];
  const urlOf = new Map<string, string>();
  for (const object of objects) {
    const url = s3Url(bucket, object.key);
    let path: string;
    try {
      path = localPathFor(deps.downloadRoot, bucket, object.key);
    } catch (error) {
      failed.push({ path: url, error: (error as Error).message });
      continue;
    }
    const synced = deps.store.remoteSynced(url);
    // Unchanged since the last sync and still on disk: the import below finds it already stored.
    if (synced?.etag !== object.etag || !(await exists(path))) {
      try {
        await source.download(object, path, (bytes) => deps.onDownload?.(url, bytes, object.size));
        deps.store.markRemoteSynced(url, object.etag, path);
      } catch (error) {
        failed.push({ path: url, error: (error as Error).message });
        continue;
      }
    }
    // The parts of a crash folder are imported as their folder, as on disk.
    if (isFolderPart(object.key)) urlOf.set(dirname(path), s3Url(bucket, folderOf(object.key)));
    else urlOf.set(path, url);
  }
  const empty: ImportReport = { jobId: '', imported: [], existing: [], failed: [], skipped: 0, total: 0, cancelled: false };
  const report = urlOf.size
    ? await deps.importFiles(
        {
          paths: [...urlOf.keys()],
          executable: request.executable,
          debugDirs: request.debugDirs,
          solibDirs: request.solibDirs,
          sysroot: request.sysroot,
          symbolServers: request.symbolServers,
          debugger: request.debugger,
          attributes: request.attributes,
        },
        (path) => ({ 's3.url': urlOf.get(path) ?? '', 's3.bucket': bucket }),
      )
    : empty;
  const named = (path: string) => urlOf.get(path) ?? path;
  return {
    ...report,
    imported: report.imported.map(named),
    existing: report.existing.map(named),
    failed: [...failed, ...report.failed.map((f) => ({ ...f, path: named(f.path) }))],
    total: report.total + failed.length,
  };
}

/** Buckets (no URL), or one level of a bucket with crash bundles recognised by name. */
export async function listS3(endpoint: S3Endpoint, url: string | null, store: CrashStore, credentials?: S3Credentials): Promise<S3Listing> {
  if (!url) {
    const source = new S3Source({ bucket: '', prefix: '', ...endpoint }, credentials);
    return { buckets: await source.buckets(), prefixes: [], objects: [] };
  }
  const { bucket, prefix } = parseS3Url(url);
  const source = new S3Source({ bucket, prefix, ...endpoint }, credentials);
  const level = await source.level();
  return {
    buckets: [],
    prefixes: level.prefixes,
    objects: level.objects.map((o) => ({
      key: o.key,
      size: o.size,
      lastModified: o.lastModified,
      ...recognizeKey(o.key),
      synced: store.remoteSynced(s3Url(bucket, o.key))?.etag === o.etag,
    })),
  };
}
