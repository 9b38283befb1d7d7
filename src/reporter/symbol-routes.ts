import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import {
  BUILD_ID,
  MAX_SOURCE_BYTES,
  MAX_SOURCES_PER_BUILD,
  MAX_SYMBOL_QUERY,
  REPORTER_PATHS,
  REPORTER_ROUTES,
  SYMBOL_KINDS,
  type SymbolKind,
  type SymbolRef,
} from '../shared/reporter-protocol';
import { HttpError } from './http-error';
import { lacking, readJson, sendStored } from './store-answers';
import type { ProjectSymbolView } from './project-symbols';
import { receiveChecked, receiveSymbolFile, SHA256 } from './symbol-storage';

/** `?replace=1`: a symbol admin's upload that takes the place of the shared copy. */
const replaceAsked = (url: URL): boolean => url.searchParams.get('replace') === '1';

interface SymbolContext {
  storage: ProjectSymbolView;
  maxBytes: number;
  project: string;
  json(res: ServerResponse, status: number, body: unknown): void;
  log(entry: Record<string, unknown>): void;
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
/** `/ABS/PATH` as debuginfod clients send it, each part percent-encoded. */
function sourcePathOf(encoded: string): string {
  let path: string;
  try {
    path = encoded
      .split('/')
      .map((part) => decodeURIComponent(part))
      .join('/');
  } catch {
    throw new HttpError(400, 'the source path is not valid percent-encoding');
  }
  if (!path.startsWith('/') || path.includes('\0')) throw new HttpError(400, 'a source path is absolute, as the debug info names it');
  return path;
}

/** Source contents by sha256, and per build the paths they were built from. */
async function handleSources(req: IncomingMessage, res: ServerResponse, url: URL, ctx: SymbolContext): Promise<boolean> {
  if (req.method === 'POST' && url.pathname === REPORTER_PATHS.missingSources) {
    const sha256s = ((await readJson(req, '{ "sha256s": […] }')) as { sha256s?: unknown } | null)?.sha256s;
    if (!Array.isArray(sha256s) || sha256s.length > MAX_SYMBOL_QUERY || !sha256s.every((h) => typeof h === 'string' && SHA256.test(h))) {
      throw new HttpError(400, `the body must hold "sha256s": up to ${MAX_SYMBOL_QUERY} sha256s in lower-case hex`);
    }
    const missing = await lacking(sha256s as string[], (h) => ctx.storage.hasSource(h));
    ctx.json(res, 200, { missing });
    return true;
  }
  const put = REPORTER_ROUTES.source.exec(url.pathname);
  if (req.method === 'PUT' && put) {
    const sha256 = put[1] ?? '';
    if (!SHA256.test(sha256)) throw new HttpError(400, 'a source is named by the sha256 of its bytes, in lower-case hex');
    const received = await receiveChecked(req, sha256, MAX_SOURCE_BYTES);
    try {
      await ctx.storage.putSource(sha256, received.file);
    } finally {
      await received.dispose();
    }
    ctx.json(res, 201, { sha256 });
    return true;
  }
  const index = REPORTER_ROUTES.sourceIndex.exec(url.pathname);
  if (req.method === 'PUT' && index) {
    const buildId = buildIdOf(index[1]);
    const files = ((await readJson(req, '{ "files": { "/build/path.c": "sha256" } }')) as { files?: unknown } | null)?.files;
    if (typeof files !== 'object' || files === null || Array.isArray(files)) {
      throw new HttpError(400, 'the body must hold "files": { "/build/path.c": "sha256", … }');
    }
    const entries = Object.entries(files as Record<string, unknown>);
    if (entries.length > MAX_SOURCES_PER_BUILD) throw new HttpError(413, `at most ${MAX_SOURCES_PER_BUILD} sources for one build`);
    for (const [path, sha256] of entries) {
      if (!path.startsWith('/') || path.includes('\0') || path.length > 4096 || typeof sha256 !== 'string' || !SHA256.test(sha256)) {
        throw new HttpError(400, `bad source entry ${JSON.stringify(path.slice(0, 80))}: an absolute path and the sha256 of its contents`);
      }
    }
    const count = await ctx.storage.addSources(buildId, files as Record<string, string>, replaceAsked(url));
    ctx.json(res, 201, { build_id: buildId, sources: count });
    return true;
  }
  return false;
}

export async function handleSymbols(req: IncomingMessage, res: ServerResponse, url: URL, ctx: SymbolContext): Promise<boolean> {
  if (await handleSources(req, res, url, ctx)) return true;
  if (req.method === 'POST' && url.pathname === REPORTER_PATHS.missingSymbols) {
    const wanted = wantedOf(await readJson(req, '{ "wanted": [{ "buildId": "…", "kind": "executable" | "debuginfo" }] }'));
    const missing = await lacking(wanted, (w) => ctx.storage.has(w.buildId, w.kind));
    ctx.json(res, 200, { missing });
    return true;
  }
  const upload = REPORTER_ROUTES.symbol.exec(url.pathname);
  if (req.method === 'PUT' && upload) {
    const buildId = buildIdOf(upload[1]);
    const kind = kindOf(upload[2]);
    const received = await receiveSymbolFile(req, buildId, kind, ctx.maxBytes);
    try {
      await ctx.storage.put(buildId, received.kinds, received.file, replaceAsked(url));
    } finally {
      await received.dispose();
    }
    ctx.log({ event: 'symbol', project: ctx.project, buildId, kinds: received.kinds });
    ctx.json(res, 201, { build_id: buildId, kinds: received.kinds });
    return true;
  }
  const served = REPORTER_ROUTES.buildId.exec(url.pathname);
  if ((req.method === 'GET' || req.method === 'HEAD') && served) {
    const buildId = buildIdOf(served[1]);
    let opened: { stream: Readable; size: number } | null;
    if (served[2] === 'source') {
      const path = sourcePathOf(served[3] ?? '');
      const sha256 = (await ctx.storage.sourceIndex(buildId))[path];
      opened = sha256 ? await ctx.storage.openSource(sha256) : null;
      if (!opened) throw new HttpError(404, `no source ${path} for build-id ${buildId}; send it with crashwb upload-symbols --sources DIR`);
    } else {
      const kind = kindOf(served[2]);
      opened = await ctx.storage.open(buildId, kind);
      if (!opened) throw new HttpError(404, `no ${kind} for build-id ${buildId}; send it with crashwb upload-symbols`);
    }
    sendStored(req, res, opened, 'application/octet-stream');
    return true;
  }
  return false;
}
