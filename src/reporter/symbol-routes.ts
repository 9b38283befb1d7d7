import type { IncomingMessage, ServerResponse } from 'node:http';
import { BUILD_ID, MAX_SYMBOL_QUERY, REPORTER_PATHS, SYMBOL_KINDS, type SymbolKind, type SymbolRef } from '../shared/reporter-protocol';
import { HttpError } from './http-error';
import { receiveSymbolFile, type SymbolStorage } from './symbol-storage';

const MAX_QUERY_BYTES = 2 * 1024 * 1024;
const CHECKS_AT_ONCE = 16;

interface SymbolContext {
  storage: SymbolStorage;
  maxBytes: number;
  project: string;
  json(res: ServerResponse, status: number, body: unknown): void;
  log(entry: Record<string, unknown>): void;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_QUERY_BYTES) throw new HttpError(413, `a symbol query is at most ${MAX_QUERY_BYTES} bytes; ask in smaller batches`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body must be JSON: { "wanted": [{ "buildId": "…", "kind": "executable" | "debuginfo" }] }');
  }
}

function kindOf(text: string | undefined): SymbolKind {
  const kind = SYMBOL_KINDS.find((k) => k === text);
  if (!kind) throw new HttpError(400, `a symbol is ${SYMBOL_KINDS.join(' or ')}, not ${JSON.stringify(text?.slice(0, 40))}`);
  return kind;
}

function buildIdOf(text: string | undefined): string {
  if (!text || !BUILD_ID.test(text)) throw new HttpError(400, 'a build-id is 8 to 128 lower-case hex digits');
  return text;
}

function wantedOf(body: unknown): SymbolRef[] {
  const wanted = (body as { wanted?: unknown } | null)?.wanted;
  if (!Array.isArray(wanted)) throw new HttpError(400, 'the body must hold "wanted": a list of { buildId, kind }');
  if (wanted.length > MAX_SYMBOL_QUERY) throw new HttpError(413, `at most ${MAX_SYMBOL_QUERY} build-ids at once`);
  return wanted.map((item: unknown) => {
    const ref = item as { buildId?: unknown; kind?: unknown };
    return { buildId: buildIdOf(typeof ref?.buildId === 'string' ? ref.buildId : undefined), kind: kindOf(String(ref?.kind)) };
  });
}

/**
 * The reporter as a symbol store: which build-ids it lacks, uploads checked against their
 * build-id, and debuginfod's GET /buildid/<id>/executable|debuginfo for every client. True when
 * the request was one of these.
 */
export async function handleSymbols(req: IncomingMessage, res: ServerResponse, url: URL, ctx: SymbolContext): Promise<boolean> {
  if (req.method === 'POST' && url.pathname === REPORTER_PATHS.missingSymbols) {
    const wanted = wantedOf(await readJson(req));
    const missing: SymbolRef[] = [];
    for (let i = 0; i < wanted.length; i += CHECKS_AT_ONCE) {
      const batch = wanted.slice(i, i + CHECKS_AT_ONCE);
      const held = await Promise.all(batch.map((w) => ctx.storage.has(w.buildId, w.kind)));
      batch.forEach((w, j) => {
        if (!held[j]) missing.push(w);
      });
    }
    ctx.json(res, 200, { missing });
    return true;
  }
  const upload = /^\/api\/v1\/symbols\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'PUT' && upload) {
    const buildId = buildIdOf(upload[1]);
    const kind = kindOf(upload[2]);
    const received = await receiveSymbolFile(req, buildId, kind, ctx.maxBytes);
    try {
      await ctx.storage.put(buildId, received.kinds, received.file);
    } finally {
      await received.dispose();
    }
    ctx.log({ event: 'symbol', project: ctx.project, buildId, kinds: received.kinds });
    ctx.json(res, 201, { build_id: buildId, kinds: received.kinds });
    return true;
  }
  const served = /^\/buildid\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
  if ((req.method === 'GET' || req.method === 'HEAD') && served) {
    const buildId = buildIdOf(served[1]);
    if (served[2] === 'source') throw new HttpError(404, 'this reporter keeps no sources; point the source view at a checkout');
    const kind = kindOf(served[2]);
    const opened = await ctx.storage.open(buildId, kind);
    if (!opened) throw new HttpError(404, `no ${kind} for build-id ${buildId}; send it with crashwb upload-symbols`);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(opened.size) });
    if (req.method === 'HEAD') {
      opened.stream.destroy();
      res.end();
    } else opened.stream.pipe(res);
    return true;
  }
  return false;
}
