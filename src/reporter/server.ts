import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { CRASH_ID, LocalStorage, TooLarge } from './storage';

export interface ReporterOptions {
  port: number;
  host?: string;
  dataDir: string;
  /** Token → project. */
  tokens: Record<string, string>;
  /** Largest core accepted, in bytes. */
  maxBytes?: number;
  /** Uploads per token per minute. */
  ratePerMinute?: number;
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningReporter {
  url: string;
  port: number;
  close(): Promise<void>;
}

const METADATA_KEY = /^[a-z][a-z0-9_.-]{0,63}$/;
const MAX_FIELDS = 64;
const MAX_VALUE = 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Keeps uploader-sent metadata to short strings under plain keys; nothing in it is ever a path. */
function cleanMetadata(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (Object.keys(out).length >= MAX_FIELDS) throw new HttpError(400, `at most ${MAX_FIELDS} metadata fields`);
    if (!METADATA_KEY.test(key)) throw new HttpError(400, `bad metadata field name ${JSON.stringify(key.slice(0, 80))}`);
    if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `metadata field ${key} must be text`);
    const text = String(value);
    if (text.length > MAX_VALUE) throw new HttpError(400, `metadata field ${key} is longer than ${MAX_VALUE} characters`);
    out[key] = text;
  }
  return out;
}

/** A token bucket per token: a burst of a minute's worth, refilled continuously. */
function rateLimiter(perMinute: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (token: string): boolean => {
    const now = Date.now();
    const bucket = buckets.get(token) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * perMinute);
    bucket.at = now;
    buckets.set(token, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}

/**
 * The collecting reporter: uploads from `crashwb upload` (PUT /api/v1/crashes) and from minimal
 * uploaders (POST /api/upload, multipart with a `dump` file), streamed to storage, listed and
 * served back to workbenches. No state outside the storage directory.
 */
export async function startReporter(options: ReporterOptions): Promise<RunningReporter> {
  const storage = new LocalStorage(options.dataDir);
  const maxBytes = options.maxBytes ?? 8 * 1024 ** 3;
  const allow = rateLimiter(options.ratePerMinute ?? 6_000);
  const log = options.log ?? ((entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`));

  const authenticate = (req: IncomingMessage, url: URL): { token: string; project: string } => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('token');
    if (!token) throw new HttpError(401, 'no token: send Authorization: Bearer TOKEN, or ?token=TOKEN');
    const project = Object.prototype.hasOwnProperty.call(options.tokens, token) ? options.tokens[token] : undefined;
    if (!project) throw new HttpError(403, 'this token is not valid for any project');
    if (!allow(token)) throw new HttpError(429, 'too many uploads for this token; retry later');
    return { token, project };
  };

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://reporter');
    if (url.pathname === '/healthz') return json(res, 200, { ok: true });
    const { project } = authenticate(req, url);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) throw new HttpError(413, `the upload is larger than the limit of ${maxBytes} bytes`);

    if (req.method === 'PUT' && url.pathname === '/api/v1/crashes') {
      const raw = req.headers['x-crash-metadata'];
      let fields: Record<string, unknown> = {};
      if (typeof raw === 'string') {
        try {
          fields = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
        } catch {
          throw new HttpError(400, 'X-Crash-Metadata must be base64url-encoded JSON');
        }
      }
      const { crash, created } = await storage.put(project, req, cleanMetadata(fields), maxBytes);
      const expected = req.headers['x-crash-sha256'];
      if (typeof expected === 'string' && expected !== crash.crashId) {
        throw new HttpError(400, `the body's sha256 is ${crash.crashId}, not ${expected}: the upload was damaged; send it again`);
      }
      log({ event: 'upload', project, crashId: crash.crashId, size: crash.size, created });
      return json(res, created ? 201 : 200, { crash_id: crash.crashId, created });
    }

    if (req.method === 'POST' && url.pathname === '/api/upload') {
      const result = await new Promise<{ crashId: string; created: boolean }>((resolve, reject) => {
        const fields: Record<string, string> = {};
        let stored: Promise<{ crashId: string; created: boolean }> | null = null;
        const parser = busboy({
          headers: req.headers,
          limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_VALUE, fileSize: maxBytes + 1 },
        });
        parser.on('field', (name, value) => (fields[name] = value));
        parser.on('file', (name, file) => {
          if (name !== 'dump') {
            file.resume();
            return;
          }
          // Fields sent before the file are known here; the form's usual order puts them first.
          stored = storage.put(project, file, {}, maxBytes).then(({ crash, created }) => ({ crashId: crash.crashId, created }));
          stored.catch(() => undefined);
        });
        parser.on('error', (error: Error) => reject(new HttpError(400, `malformed multipart upload: ${error.message}`)));
        parser.on('close', () => {
          if (!stored) return reject(new HttpError(400, 'the upload has no "dump" file'));
          stored.then(async (r) => {
            const crash = await storage.get(project, r.crashId);
            if (crash && r.created) await storage.setMetadata(project, r.crashId, cleanMetadata(fields));
            resolve(r);
          }, reject);
        });
        req.pipe(parser);
      });
      log({ event: 'upload', project, crashId: result.crashId, created: result.created, form: true });
      return json(res, 202, { crash_id: result.crashId });
    }

    if (req.method === 'GET' && url.pathname === '/api/v1/crashes') {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      return json(res, 200, await storage.list(project, url.searchParams.get('after'), limit));
    }

    const download = /^\/api\/v1\/crashes\/([^/]+)\/core$/.exec(url.pathname);
    if (req.method === 'GET' && download) {
      const id = download[1] ?? '';
      if (!CRASH_ID.test(id)) throw new HttpError(400, 'a crash id is a sha256 in hex');
      const opened = await storage.open(project, id);
      if (!opened) throw new HttpError(404, `no crash ${id} in project ${project}`);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(opened.size) });
      opened.stream.pipe(res);
      return;
    }
    throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof TooLarge ? 413 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (status >= 500) log({ event: 'error', status, message, path: req.url });
      if (!res.headersSent) json(res, status, { error: message });
      else res.destroy();
      req.resume();
    });
  });
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
