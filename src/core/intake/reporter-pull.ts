import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import type { Attachment, ImportReport, ImportRequest } from '../../shared/model';
import {
  attachmentsOf,
  reporterBase,
  bearer,
  CRASH_ID,
  cursorTime,
  PROJECT_NAME,
  REPORTER_PATHS,
  type StoredCrash,
} from '../../shared/reporter-protocol';
import type { CrashStore } from '../store/crash-store';

/** A reporter as a source: `reporter+http://HOST:PORT` and the project's token. */
export interface ReporterSource {
  url: string;
  token: string;
}

/** A crash as a reporter lists it; its project is the token's, which a reporter before rules per project did not list. */
type Listed = Omit<StoredCrash, 'project'> & { project?: unknown };

const PAGE = 500;

async function call(base: URL, path: string, token: string): Promise<Response>;
/** With `missing: 'none'`, a 404 is no error but null: what the reporter does not keep for this crash. */
async function call(base: URL, path: string, token: string, missing: 'none'): Promise<Response | null>;
async function call(base: URL, path: string, token: string, missing?: 'none'): Promise<Response | null> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), { headers: { Authorization: bearer(token) } });
  } catch (error) {
    throw new Error(
      `cannot reach the reporter at ${base.origin} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}): is it running?`,
    );
  }
  if (response.status === 401 || response.status === 403)
    throw new Error(`the reporter at ${base.origin} refused the token (${response.status}): check the project's token`);
  if (missing === 'none' && response.status === 404) return null;
  if (!response.ok)
    throw new Error(`the reporter at ${base.origin} answered ${response.status} for ${path}: ${(await response.text()).slice(0, 200)}`);
  return response;
}

/** Downloads one crash's bytes (a core, or a snapshot) into `target`, whole or not at all. */
async function download(base: URL, token: string, crashId: string, target: string): Promise<void> {
  try {
    const response = await call(base, REPORTER_PATHS.core(crashId), token);
    if (!response.body) throw new Error(`the reporter at ${base.origin} sent an empty body for ${crashId}`);
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream), createWriteStream(`${target}.part`, { mode: 0o600 }));
    await rename(`${target}.part`, target);
  } catch (error) {
    await rm(`${target}.part`, { force: true });
    throw error;
  }
}

/**
 * What the crash's uploader sent beside its core (the runtime's output the capture agent kept);
 * none where the reporter keeps none for it, or is older than attachments.
 */
async function fetchAttachments(base: URL, token: string, crashId: string): Promise<Attachment[]> {
  const response = await call(base, REPORTER_PATHS.attachments(crashId), token, 'none');
  if (!response) return [];
  try {
    return attachmentsOf(await response.json());
  } catch (error) {
    throw new Error(
      `the reporter at ${base.origin} sent what came beside ${crashId} in a shape not understood: ${(error as Error).message}`,
    );
  }
}

/**
 * Fetches the core of a crash that arrived as a snapshot, from the reporter it came through:
 * the reporter names a core by its sha256, which is the crash's id. Returns the local file.
 */
export async function fetchCoreFrom(source: ReporterSource, crashId: string, downloadRoot: string): Promise<string> {
  if (!CRASH_ID.test(crashId)) throw new Error(`${crashId} is not a crash id`);
  const base = reporterBase(source.url);
  const dir = join(downloadRoot, base.host.replace(/[^\w.-]/g, '_'));
  await mkdir(dir, { recursive: true });
  const target = join(dir, `${crashId}.core`);
  try {
    if (!(await exists(target))) await download(base, source.token, crashId, target);
  } catch (error) {
    if (/answered 404/.test((error as Error).message)) {
      throw new Error(
        `the reporter at ${base.origin} has no core for this crash: its host kept it, by its core policy (or has not sent it yet)`,
      );
    }
    throw error;
  }
  return target;
}

export interface PullDeps {
  store: Pick<CrashStore, 'getSetting' | 'setSetting' | 'remoteSynced' | 'markRemoteSynced' | 'awaitsCore'>;
  downloadRoot: string;
  importFiles(
    request: ImportRequest,
    attributesFor: (path: string) => Record<string, string>,
    attachmentsFor: (path: string) => Attachment[],
  ): Promise<ImportReport>;
  onProgress?(done: number, total: number, current: string): void;
  signal?: AbortSignal;
}

/**
 * How far back each sync asks again. Reporters behind a load balancer stamp arrivals with their
 * own clocks, and one may finish storing a crash after another has listed a later one; asking
 * again from a little earlier, and skipping what was already pulled, catches those.
 */
export const REWIND_MS = 10 * 60_000;

/** The cursor to ask from: the last one seen, moved back by REWIND_MS. */
export function rewound(cursor: string | null): string | null {
  const time = cursor ? cursorTime(cursor) : NaN;
  return Number.isNaN(time) ? null : `${new Date(time - REWIND_MS).toISOString()}|`;
}

const cursorKey = (url: string) => `reporterCursor:${url}`;
export const lastSyncKey = (url: string) => `reporterSynced:${url}`;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function listSince(base: URL, token: string, after: string | null): Promise<{ listed: Listed[]; cursor: string | null }> {
  const listed: Listed[] = [];
  let cursor = after;
  for (;;) {
    const page = (await (await call(base, REPORTER_PATHS.list(cursor, PAGE), token)).json()) as {
      crashes: Listed[];
      cursor: string | null;
    };
    listed.push(...page.crashes);
    const done = page.crashes.length < PAGE || !page.cursor || page.cursor === cursor;
    cursor = page.cursor ?? cursor;
    if (done) return { listed, cursor };
  }
}

/** Pulls what arrived at a reporter since the last sync, downloads it and imports it. */
export async function pullFromReporter(
  source: ReporterSource,
  request: Omit<ImportRequest, 'paths'>,
  deps: PullDeps,
): Promise<ImportReport> {
  const base = reporterBase(source.url);
  const saved = deps.store.getSetting<string | null>(cursorKey(source.url), null);
  const { listed, cursor } = await listSince(base, source.token, rewound(saved));
  const dir = join(deps.downloadRoot, base.host.replace(/[^\w.-]/g, '_'));
  await mkdir(dir, { recursive: true });
  const failed: ImportReport['failed'] = [];
  const attributes = new Map<string, Record<string, string>>();
  const attachments = new Map<string, Attachment[]>();
  const urlOf = new Map<string, string>();
  const fresh: Listed[] = [];
  // A crash that came as a snapshot is whole enough to triage: its core stays on the reporter
  // until someone opens it (fetchCoreFrom), however big it is.
  const snapshotted = new Set(
    listed.flatMap((c) => (c.metadata.kind === 'snapshot' && c.metadata.core_sha256 ? [c.metadata.core_sha256] : [])),
  );
  let deferred = 0;
  for (const crash of listed) {
    if (!CRASH_ID.test(crash.crashId)) continue;
    if (crash.metadata.kind !== 'snapshot' && (snapshotted.has(crash.crashId) || deps.store.awaitsCore(crash.crashId))) {
      deferred++;
      continue;
    }
    const url = `${base.origin}${REPORTER_PATHS.crash(crash.crashId)}`;
    if (deps.store.remoteSynced(url) && (await exists(join(dir, `${crash.crashId}.core`)))) continue;
    if (!fresh.some((c) => c.crashId === crash.crashId)) fresh.push(crash);
  }
  for (const [done, crash] of fresh.entries()) {
    if (deps.signal?.aborted) break;
    const target = join(dir, `${crash.crashId}.core`);
    const url = `${base.origin}${REPORTER_PATHS.crash(crash.crashId)}`;
    deps.onProgress?.(done, fresh.length, crash.crashId);
    try {
      if (!(await exists(target))) await download(base, source.token, crash.crashId, target);
      const beside = crash.metadata.kind === 'snapshot' ? [] : await fetchAttachments(base, source.token, crash.crashId);
      if (beside.length) attachments.set(target, beside);
      urlOf.set(target, url);
      attributes.set(target, {
        ...Object.fromEntries(Object.entries(crash.metadata).map(([k, v]) => [k === 'sha256' ? 'reporter.sha256' : k, v])),
        'reporter.url': base.origin,
        // The reporter's project is the token's: it names the crash's project, whatever the uploader said.
        ...(typeof crash.project === 'string' && PROJECT_NAME.test(crash.project) ? { project: crash.project } : {}),
      });
    } catch (error) {
      failed.push({ path: url, error: (error as Error).message });
    }
  }
  const report = attributes.size
    ? await deps.importFiles(
        { ...request, paths: [...attributes.keys()] },
        (path) => attributes.get(path) ?? {},
        (path) => attachments.get(path) ?? [],
      )
    : { jobId: '', imported: [], existing: [], failed: [], skipped: 0, total: 0, cancelled: false };
  for (const path of [...report.imported, ...report.existing]) {
    const url = urlOf.get(path);
    if (url) deps.store.markRemoteSynced(url, url.slice(-64), path);
  }
  // The cursor moves only when everything listed came down: a failed download is tried again next time.
  const complete = failed.length === 0 && !deps.signal?.aborted && !report.cancelled;
  if (complete) {
    if (cursor) deps.store.setSetting(cursorKey(source.url), cursor);
    deps.store.setSetting(lastSyncKey(source.url), new Date().toISOString());
  }
  return { ...report, failed: [...failed, ...report.failed], total: report.total + failed.length, ...(deferred ? { deferred } : {}) };
}
