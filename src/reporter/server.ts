import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPORTER_PATHS } from '../shared/reporter-protocol';
import { authenticator, type ProjectConfig } from './auth';
import { handleCrashes } from './crash-routes';
import { type CrashStorage } from './crash-storage';
import { Damaged, StorageFull, StorageUnavailable, TooLarge } from './storage-errors';
import { HttpError } from './http-error';
import { handleSymbols } from './symbol-routes';
import { handleBreakpad } from './breakpad-routes';
import { BadSymbolFile } from './symbol-storage';
import { ProjectSymbols, ReplaceRefused } from './project-symbols';

export interface ReporterOptions {
  port: number;
  host?: string;
  storage: CrashStorage;
  projects: ProjectConfig[];
  /** Defaults for projects that set no limits of their own. */
  maxBytes?: number;
  ratePerMinute?: number;
  /** A connection that sends nothing for this long is closed (slow or stalled clients); 60 s by default. */
  idleTimeoutMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningReporter {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The answer for an error: the client's fault (4xx), a full disk (507), storage away (503), or ours (500). */
function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof BadSymbolFile) return 400;
  if (error instanceof ReplaceRefused) return 403;
  if (error instanceof TooLarge) return 413;
  if (error instanceof Damaged) return 400;
  if (error instanceof StorageFull) return 507;
  if (error instanceof StorageUnavailable) return 503;
  return 500;
}

/**
 * The collecting reporter: uploads from `crashwb upload` (PUT /api/v1/crashes) and from minimal
 * uploaders (POST /api/upload, multipart with a `dump` file), streamed to storage, listed and
 * served back to workbenches. No state outside the storage but the rate limits, which are per
 * instance.
 */
export async function startReporter(options: ReporterOptions): Promise<RunningReporter> {
  const { storage } = options;
  const authenticate = authenticator(options.projects, options);
  const log = options.log ?? ((entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`));
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const snapshots = { reading: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://reporter');
    if (url.pathname === REPORTER_PATHS.health) return json(res, 200, { ok: true });
    const { project, maxBytes, symbolAdmin, rules } = authenticate(req, url);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) throw new HttpError(413, `the upload is larger than the limit of ${maxBytes} bytes`);
    if (await handleCrashes(req, res, url, { storage, project, maxBytes, rules, snapshots, json, log })) return;
    const symbols = new ProjectSymbols(storage.symbols, storage.symbolsOf(project), project, symbolAdmin);
    if (await handleSymbols(req, res, url, { storage: symbols, maxBytes, json, log, project })) return;
    const replace = url.searchParams.get('replace') === '1';
    if (await handleBreakpad(req, res, url, { storage: symbols, maxBytes, json, log, project, replace })) return;
    throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    // Until a handler reads the body, a client that goes away must not become an unhandled 'error'.
    req.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      const status = statusOf(error);
      const message = error instanceof Error ? error.message : String(error);
      // The path only: a minimal uploader's token travels in the query.
      log({ event: status >= 500 ? 'error' : 'refused', status, message, method: req.method, path: (req.url ?? '').split('?')[0] });
      if (!res.headersSent) json(res, status, { error: message });
      else res.destroy();
      req.resume();
    });
  });
  // No cap on a whole upload (a large core on a slow link takes long), but on silence.
  server.requestTimeout = 0;
  server.headersTimeout = Math.min(options.idleTimeoutMs ?? 60_000, 60_000);
  server.setTimeout(options.idleTimeoutMs ?? 60_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
