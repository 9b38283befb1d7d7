import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CRASH_ID,
  CURSOR,
  REPORTER_HEADERS,
  REPORTER_PATHS,
  REPORTER_ROUTES,
  attachmentsOf,
  MAX_ATTACHMENTS_BYTES,
  type CrashAnswer,
  type FormAnswer,
} from '../shared/reporter-protocol';
import type { Ruleset } from '../core/fingerprint/rules/ruleset';
import type { CrashStorage } from './crash-storage';
import { receiveForm } from './form-upload';
import { HttpError, readBody } from './http-error';
import { cleanMetadata, parseMetadataHeader } from './metadata';
import { receiveSnapshot } from './snapshot-upload';

/** Snapshots read at once; each is held whole in memory while it is checked. */
const SNAPSHOTS_AT_ONCE = 4;

interface CrashContext {
  storage: CrashStorage;
  project: string;
  maxBytes: number;
  rules?: Ruleset;
  /** How many snapshots this reporter is reading now, across requests. */
  snapshots: { reading: number };
  json(res: ServerResponse, status: number, body: unknown): void;
  log(entry: Record<string, unknown>): void;
}

/**
 * The crashes' calls: uploads (PUT, and the multipart form of minimal uploaders), the listing and
 * a core's bytes. True when the request was one of these.
 */
export async function handleCrashes(req: IncomingMessage, res: ServerResponse, url: URL, ctx: CrashContext): Promise<boolean> {
  const { storage, project, maxBytes } = ctx;
  const answer = (status: number, body: unknown): true => {
    ctx.json(res, status, body);
    return true;
  };
  if (req.method === 'PUT' && url.pathname === REPORTER_PATHS.crashes) {
    const expected = req.headers[REPORTER_HEADERS.sha256.toLowerCase()];
    if (expected !== undefined && (typeof expected !== 'string' || !CRASH_ID.test(expected))) {
      throw new HttpError(400, 'X-Crash-Sha256 must be the sha256 of the body, in lower-case hex');
    }
    const metadata = cleanMetadata(parseMetadataHeader(req.headers[REPORTER_HEADERS.metadata.toLowerCase()]));
    if (metadata.kind === 'snapshot') {
      // A snapshot is read whole (up to 32 MiB) before it is checked: only so many at once.
      if (ctx.snapshots.reading >= SNAPSHOTS_AT_ONCE) {
        res.setHeader('Retry-After', '5');
        throw new HttpError(503, `${SNAPSHOTS_AT_ONCE} snapshots are being received; send this one again in a few seconds`);
      }
      ctx.snapshots.reading++;
      const snapshot = await receiveSnapshot(req, storage, project, metadata, expected, ctx.rules).finally(() => ctx.snapshots.reading--);
      ctx.log({
        event: 'upload',
        project,
        crashId: snapshot.crashId,
        snapshot: true,
        created: snapshot.created,
        wantsCore: snapshot.wantsCore,
      });
      return answer(snapshot.created ? 201 : 200, {
        crash_id: snapshot.crashId,
        created: snapshot.created,
        wants_core: snapshot.wantsCore,
      } satisfies CrashAnswer);
    }
    const { crash, created } = await storage.put(project, req, metadata, maxBytes, expected);
    ctx.log({ event: 'upload', project, crashId: crash.crashId, size: crash.size, created });
    return answer(created ? 201 : 200, { crash_id: crash.crashId, created } satisfies CrashAnswer);
  }

  if (req.method === 'POST' && url.pathname === REPORTER_PATHS.form) {
    const result = await receiveForm(req, storage, project, maxBytes);
    ctx.log({
      event: 'upload',
      project,
      crashId: result.crashId,
      created: result.created,
      form: true,
      ...(result.ignored.length ? { ignored: result.ignored } : {}),
    });
    return answer(202, {
      crash_id: result.crashId,
      ...(result.ignored.length ? { ignored_fields: result.ignored } : {}),
    } satisfies FormAnswer);
  }

  if (req.method === 'GET' && url.pathname === REPORTER_PATHS.crashes) {
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
    const after = url.searchParams.get('after');
    if (after !== null && !CURSOR.test(after)) throw new HttpError(400, 'after= takes the cursor a listing returned (TIME|CRASH_ID)');
    return answer(200, await storage.list(project, after, limit));
  }

  const attached = REPORTER_ROUTES.attachments.exec(url.pathname);
  if (attached && (req.method === 'PUT' || req.method === 'GET')) {
    const id = attached[1] ?? '';
    if (!CRASH_ID.test(id)) throw new HttpError(400, 'a crash id is a sha256 in hex');
    if (!(await storage.get(project, id))) throw new HttpError(404, `no crash ${id} in project ${project}: send the core first`);
    if (req.method === 'GET') {
      const kept = await storage.attachments(project, id);
      if (!kept) throw new HttpError(404, `crash ${id} came with nothing beside its core`);
      return answer(200, kept);
    }
    let attachments: ReturnType<typeof attachmentsOf>;
    try {
      attachments = attachmentsOf(JSON.parse((await readBody(req, MAX_ATTACHMENTS_BYTES, 'what came beside a core')).toString('utf8')));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, `the attachments of ${id}: ${(error as Error).message}`);
    }
    await storage.setAttachments(project, id, attachments);
    ctx.log({ event: 'attachments', project, crashId: id, count: attachments.length });
    return answer(200, { crash_id: id, attachments: attachments.length });
  }

  const download = REPORTER_ROUTES.core.exec(url.pathname);
  if (req.method === 'GET' && download) {
    const id = download[1] ?? '';
    if (!CRASH_ID.test(id)) throw new HttpError(400, 'a crash id is a sha256 in hex');
    const opened = await storage.open(project, id);
    if (!opened) throw new HttpError(404, `no crash ${id} in project ${project}`);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(opened.size) });
    opened.stream.pipe(res);
    return true;
  }
  return false;
}
