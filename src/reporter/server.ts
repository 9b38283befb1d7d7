import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { CRASH_ID, CURSOR, REPORTER_HEADERS, REPORTER_PATHS } from '../shared/reporter-protocol';
import { type CrashStorage } from './crash-storage';
import { Damaged, StorageFull, StorageUnavailable, TooLarge } from './storage-errors';
import { HttpError } from './http-error';
import { handleSymbols } from './symbol-routes';
import { handleBreakpad } from './breakpad-routes';
import { receiveSnapshot } from './snapshot-upload';
import { BadSymbolFile } from './symbol-storage';
import { ProjectSymbols, ReplaceRefused } from './project-symbols';

/** A project: its own crashes, the tokens that may send and read them, and its limits. */
export interface ProjectConfig {
  name: string;
  tokens: string[];
  /** Largest core accepted, in bytes. */
  maxBytes?: number;
  /** Requests per token per minute. */
  ratePerMinute?: number;
  /** May replace the shared copy of a build-id another project sent first (`?replace=1`). */
  symbolAdmin?: boolean;
}

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

const METADATA_KEY = /^[a-z][a-z0-9_.-]{0,63}$/;
/** The form's file: `dump` for minimal uploaders, `upload_file_minidump` as Crashpad and Breakpad send it. */
const DUMP_FIELDS = new Set(['dump', 'upload_file_minidump']);
const MAX_FIELDS = 64;
const MAX_VALUE = 1024;
/** Snapshots read at once; each is held whole in memory while it is checked. */
const SNAPSHOTS_AT_ONCE = 4;

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

/** The X-Crash-Metadata header: base64url of a JSON object, or nothing. */
function parseMetadataHeader(raw: string | string[] | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = typeof raw === 'string' ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : null;
  } catch {
    throw new HttpError(400, 'X-Crash-Metadata must be base64url-encoded JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'X-Crash-Metadata must hold a JSON object of field names and values');
  }
  return value as Record<string, unknown>;
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
 * served back to workbenches. No state outside the storage but the rate limits, which are per
 * instance.
 */
export async function startReporter(options: ReporterOptions): Promise<RunningReporter> {
  const { storage } = options;
  const byToken = new Map<string, { project: ProjectConfig; allow: (token: string) => boolean }>();
  for (const project of options.projects) {
    const allow = rateLimiter(project.ratePerMinute ?? options.ratePerMinute ?? 6_000);
    for (const token of project.tokens) {
      if (byToken.has(token)) throw new Error(`a token is given to two projects (${byToken.get(token)?.project.name} and ${project.name})`);
      byToken.set(token, { project, allow });
    }
  }
  const log = options.log ?? ((entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`));

  const authenticate = (req: IncomingMessage, url: URL): { project: string; maxBytes: number; symbolAdmin: boolean } => {
    // The scheme's name is case-insensitive (RFC 9110): `bearer` is as good as `Bearer`.
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const token = bearer?.[1] ?? url.searchParams.get('token');
    if (!token) throw new HttpError(401, 'no token: send Authorization: Bearer TOKEN, or ?token=TOKEN');
    const entry = byToken.get(token);
    if (!entry) throw new HttpError(403, 'this token is not valid for any project');
    if (!entry.allow(token)) throw new HttpError(429, 'too many requests for this token; retry later');
    return {
      project: entry.project.name,
      maxBytes: entry.project.maxBytes ?? options.maxBytes ?? 8 * 1024 ** 3,
      symbolAdmin: entry.project.symbolAdmin === true,
    };
  };

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  /**
   * A multipart form with a `dump` file. Fields before the file are stored with it; fields after
   * it are added when valid, and named in `ignored` when not. A form that ends early, has no
   * boundary or has no `dump` is refused, and nothing of it is kept.
   */
  const receiveForm = (req: IncomingMessage, project: string, maxBytes: number) =>
    new Promise<{ crashId: string; created: boolean; ignored: string[] }>((resolve, reject) => {
      const fields: Record<string, string> = {};
      let stored: Promise<{ crashId: string; created: boolean }> | null = null;
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          limits: { files: 4, fields: MAX_FIELDS, fieldSize: MAX_VALUE, fileSize: maxBytes + 1 },
        });
      } catch (error) {
        reject(new HttpError(400, `not a multipart upload: ${(error as Error).message}; send multipart/form-data with a boundary`));
        req.resume();
        return;
      }
      let failed = false;
      let gunzip: Gunzip | null = null;
      const files = new Set<Readable>();
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        // Nothing more is read or inflated, and what was being written is closed and removed.
        req.unpipe();
        gunzip?.destroy();
        for (const file of files) file.destroy(error);
        reject(error);
      };
      // A client gone mid-form (or cut off by the idle timeout) ends nothing by itself: the
      // form's streams would wait for ever, each holding a descriptor and a partial file.
      req.once('close', () => {
        if (!req.complete) fail(new HttpError(400, 'the upload broke off before its end'));
      });
      parser.on('field', (name, value) => (fields[name] = value));
      parser.on('file', (name, file) => {
        files.add(file);
        file.once('close', () => files.delete(file));
        // Listened to at once: a form that ends inside the file makes this stream fail.
        file.on('error', (error: Error) => fail(new HttpError(400, `malformed multipart upload: ${error.message}`)));
        if (!DUMP_FIELDS.has(name) || stored) {
          file.resume();
          return;
        }
        let known: Record<string, string>;
        try {
          // A field the metadata cannot take (Breakpad's "ProductName") is named in the answer, not refused.
          known = cleanMetadata(Object.fromEntries(Object.entries(fields).filter(([key]) => METADATA_KEY.test(key))));
        } catch (error) {
          file.resume();
          fail(error as Error);
          return;
        }
        stored = storage.put(project, file, known, maxBytes).then(({ crash, created }) => ({ crashId: crash.crashId, created }));
        stored.catch((error: Error) => fail(error));
      });
      parser.on('error', (error: Error) => fail(new HttpError(400, `malformed multipart upload: ${error.message}`)));
      parser.on('close', () => {
        if (failed) return;
        if (!stored) return fail(new HttpError(400, 'the upload has no "dump" (or Crashpad\'s "upload_file_minidump") file'));
        stored
          .then(async (r) => {
            const late = Object.fromEntries(Object.entries(fields).filter(([key]) => METADATA_KEY.test(key)));
            const ignored = Object.keys(fields).filter((key) => !(key in late));
            const crash = await storage.get(project, r.crashId);
            if (crash && r.created && Object.keys(late).length > Object.keys(crash.metadata).length) {
              try {
                await storage.setMetadata(project, r.crashId, cleanMetadata(late));
              } catch (error) {
                if (!(error instanceof HttpError)) throw error;
                ignored.push(...Object.keys(late).filter((key) => !(key in crash.metadata)));
              }
            }
            return { ...r, ignored };
          })
          .then(resolve, fail);
      });
      req.on('error', (error) => fail(new HttpError(400, `the upload broke off: ${error.message}`)));
      // Crashpad gzips its uploads (Content-Encoding: gzip); the limit holds for what they expand
      // to, counted as they inflate: a small bomb is stopped at the limit, never inflated whole.
      if (/^gzip$/i.test(String(req.headers['content-encoding'] ?? ''))) {
        gunzip = createGunzip();
        gunzip.on('error', (error) => fail(new HttpError(400, `the gzip-encoded upload is damaged: ${error.message}`)));
        let inflated = 0;
        const cap = maxBytes + MAX_FIELDS * MAX_VALUE;
        const limit = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            inflated += chunk.length;
            if (inflated > cap) done(new HttpError(413, `the gzip-encoded upload expands to more than the limit of ${maxBytes} bytes`));
            else done(null, chunk);
          },
        });
        limit.on('error', fail);
        req.pipe(gunzip).pipe(limit).pipe(parser);
      } else req.pipe(parser);
    });

  let snapshotsReading = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://reporter');
    if (url.pathname === REPORTER_PATHS.health) return json(res, 200, { ok: true });
    const { project, maxBytes, symbolAdmin } = authenticate(req, url);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) throw new HttpError(413, `the upload is larger than the limit of ${maxBytes} bytes`);

    if (req.method === 'PUT' && url.pathname === REPORTER_PATHS.crashes) {
      const expected = req.headers[REPORTER_HEADERS.sha256.toLowerCase()];
      if (expected !== undefined && (typeof expected !== 'string' || !CRASH_ID.test(expected))) {
        throw new HttpError(400, 'X-Crash-Sha256 must be the sha256 of the body, in lower-case hex');
      }
      const metadata = cleanMetadata(parseMetadataHeader(req.headers[REPORTER_HEADERS.metadata.toLowerCase()]));
      if (metadata.kind === 'snapshot') {
        // A snapshot is read whole (up to 32 MiB) before it is checked: only so many at once.
        if (snapshotsReading >= SNAPSHOTS_AT_ONCE) {
          res.setHeader('Retry-After', '5');
          throw new HttpError(503, `${SNAPSHOTS_AT_ONCE} snapshots are being received; send this one again in a few seconds`);
        }
        snapshotsReading++;
        const snapshot = await receiveSnapshot(req, storage, project, metadata, expected).finally(() => snapshotsReading--);
        log({
          event: 'upload',
          project,
          crashId: snapshot.crashId,
          snapshot: true,
          created: snapshot.created,
          wantsCore: snapshot.wantsCore,
        });
        return json(res, snapshot.created ? 201 : 200, {
          crash_id: snapshot.crashId,
          created: snapshot.created,
          wants_core: snapshot.wantsCore,
        });
      }
      const { crash, created } = await storage.put(project, req, metadata, maxBytes, expected);
      log({ event: 'upload', project, crashId: crash.crashId, size: crash.size, created });
      return json(res, created ? 201 : 200, { crash_id: crash.crashId, created });
    }

    if (req.method === 'POST' && url.pathname === REPORTER_PATHS.form) {
      const result = await receiveForm(req, project, maxBytes);
      log({
        event: 'upload',
        project,
        crashId: result.crashId,
        created: result.created,
        form: true,
        ...(result.ignored.length ? { ignored: result.ignored } : {}),
      });
      return json(res, 202, { crash_id: result.crashId, ...(result.ignored.length ? { ignored_fields: result.ignored } : {}) });
    }

    if (req.method === 'GET' && url.pathname === REPORTER_PATHS.crashes) {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      const after = url.searchParams.get('after');
      if (after !== null && !CURSOR.test(after)) throw new HttpError(400, 'after= takes the cursor a listing returned (TIME|CRASH_ID)');
      return json(res, 200, await storage.list(project, after, limit));
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
