import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import type { ImportReport, ImportRequest } from '../shared/model';

/** A reporter as a source: `reporter+http://HOST:PORT` and the project's token. */
export interface ReporterSource {
  url: string;
  token: string;
}

interface Listed {
  crashId: string;
  size: number;
  receivedAt: string;
  metadata: Record<string, string>;
}

const PAGE = 500;

export function reporterBase(url: string): URL {
  const m = /^reporter\+(https?:\/\/[^\s]+)$/.exec(url);
  if (!m?.[1]) throw new Error(`${url} is not a reporter source: write reporter+http://HOST:PORT`);
  return new URL(m[1]);
}

async function call(base: URL, path: string, token: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new Error(
      `cannot reach the reporter at ${base.origin} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}): is it running?`,
    );
  }
  if (response.status === 401 || response.status === 403)
    throw new Error(`the reporter at ${base.origin} refused the token (${response.status}): check --token`);
  if (!response.ok)
    throw new Error(`the reporter at ${base.origin} answered ${response.status} for ${path}: ${(await response.text()).slice(0, 200)}`);
  return response;
}

export interface PullDeps {
  downloadRoot: string;
  /** Where the last sync stopped, per reporter URL. */
  cursor(url: string): string | null;
  saveCursor(url: string, cursor: string): void;
  importFiles(request: ImportRequest, attributesFor: (path: string) => Record<string, string>): Promise<ImportReport>;
  onProgress?(done: number, total: number, current: string): void;
}

/** Pulls what arrived at a reporter since the last sync, downloads it and imports it. */
export async function pullFromReporter(
  source: ReporterSource,
  request: Omit<ImportRequest, 'paths'>,
  deps: PullDeps,
): Promise<ImportReport> {
  const base = reporterBase(source.url);
  const listed: Listed[] = [];
  let cursor = deps.cursor(source.url);
  for (;;) {
    const page = (await (
      await call(base, `/api/v1/crashes?limit=${PAGE}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`, source.token)
    ).json()) as {
      crashes: Listed[];
      cursor: string | null;
    };
    listed.push(...page.crashes);
    if (page.crashes.length < PAGE || !page.cursor || page.cursor === cursor) {
      cursor = page.cursor;
      break;
    }
    cursor = page.cursor;
  }
  const dir = join(deps.downloadRoot, base.host.replace(/[^\w.-]/g, '_'));
  await mkdir(dir, { recursive: true });
  const failed: ImportReport['failed'] = [];
  const attributes = new Map<string, Record<string, string>>();
  let done = 0;
  for (const crash of listed) {
    if (!/^[0-9a-f]{64}$/.test(crash.crashId)) continue;
    const target = join(dir, `${crash.crashId}.core`);
    deps.onProgress?.(done, listed.length, crash.crashId);
    try {
      const here = await access(target).then(
        () => true,
        () => false,
      );
      if (!here) {
        const response = await call(base, `/api/v1/crashes/${crash.crashId}/core`, source.token);
        if (!response.body) throw new Error('empty body');
        await pipeline(
          Readable.fromWeb(response.body as unknown as WebReadableStream),
          createWriteStream(`${target}.part`, { mode: 0o600 }),
        );
        await rename(`${target}.part`, target);
      }
      attributes.set(target, {
        ...Object.fromEntries(Object.entries(crash.metadata).map(([k, v]) => [k === 'sha256' ? 'reporter.sha256' : k, v])),
        'reporter.url': base.origin,
      });
    } catch (error) {
      await rm(`${target}.part`, { force: true });
      failed.push({ path: `${base.origin}/api/v1/crashes/${crash.crashId}`, error: (error as Error).message });
    }
    done++;
  }
  const report = attributes.size
    ? await deps.importFiles({ ...request, paths: [...attributes.keys()] }, (path) => attributes.get(path) ?? {})
    : { jobId: '', imported: [], existing: [], failed: [], skipped: 0, total: 0, cancelled: false };
  // The cursor moves only when everything listed came down: a failed download is tried again next time.
  if (failed.length === 0 && cursor) deps.saveCursor(source.url, cursor);
  return { ...report, failed: [...failed, ...report.failed], total: report.total + failed.length };
}
