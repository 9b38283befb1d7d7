import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BREAKPAD_DEBUG_ID,
  MAX_SYMBOL_QUERY,
  REPORTER_PATHS,
  REPORTER_ROUTES,
  badDebugFile,
  type BreakpadRef,
} from '../shared/reporter-protocol';
import { HttpError } from './http-error';
import { lacking, readJson, sendStored } from './store-answers';
import type { ProjectSymbolView } from './project-symbols';
import { breakpadKey, receiveBreakpadFile } from './symbol-storage';

interface BreakpadContext {
  storage: ProjectSymbolView;
  maxBytes: number;
  project: string;
  replace: boolean;
  json(res: ServerResponse, status: number, body: unknown): void;
  log(entry: Record<string, unknown>): void;
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, 'the path is not valid percent-encoding');
  }
}

/** A debug file and id as a request names them, checked: a plain file name, and an id of Breakpad's form. */
export function breakpadRefOf(debugFile: unknown, debugId: unknown): BreakpadRef {
  if (typeof debugFile !== 'string' || typeof debugId !== 'string') throw new HttpError(400, 'a Breakpad symbol is { debugFile, debugId }');
  const why = badDebugFile(debugFile);
  if (why) throw new HttpError(400, `${why}: ${JSON.stringify(debugFile.slice(0, 80))}`);
  const id = debugId.toUpperCase();
  if (!BREAKPAD_DEBUG_ID.test(id)) throw new HttpError(400, 'a Breakpad debug id is 33 to 40 hex digits (its MODULE line says it)');
  return { debugFile, debugId: id };
}

async function wantedOf(req: IncomingMessage): Promise<BreakpadRef[]> {
  const body = await readJson(req, '{ "wanted": [{ "debugFile": "app.pdb", "debugId": "…" }] }');
  const wanted = (body as { wanted?: unknown } | null)?.wanted;
  if (!Array.isArray(wanted)) throw new HttpError(400, 'the body must hold "wanted": a list of { debugFile, debugId }');
  if (wanted.length > MAX_SYMBOL_QUERY) throw new HttpError(413, `at most ${MAX_SYMBOL_QUERY} symbol files at once`);
  return wanted.map((item: unknown) => {
    const ref = item as { debugFile?: unknown; debugId?: unknown } | null;
    return breakpadRefOf(ref?.debugFile, ref?.debugId);
  });
}

/**
 * The reporter as a Breakpad symbol store: which `.sym` files it lacks, uploads checked against
 * their MODULE line, and the symbol-store layout (`/<debug file>/<DEBUG ID>/<name>.sym`) for the
 * workstations and any Breakpad-layout client. True when the request was one of these.
 */
export async function handleBreakpad(req: IncomingMessage, res: ServerResponse, url: URL, ctx: BreakpadContext): Promise<boolean> {
  if (req.method === 'POST' && url.pathname === REPORTER_PATHS.missingBreakpad) {
    const missing = await lacking(await wantedOf(req), (w) => ctx.storage.has(breakpadKey(w), 'breakpad'));
    ctx.json(res, 200, { missing });
    return true;
  }
  const upload = REPORTER_ROUTES.breakpadSymbol.exec(url.pathname);
  if (req.method === 'PUT' && upload) {
    const ref = breakpadRefOf(decoded(upload[1] ?? ''), upload[2]);
    const received = await receiveBreakpadFile(req, ref, ctx.maxBytes);
    try {
      await ctx.storage.put(breakpadKey(ref), ['breakpad'], received.file, ctx.replace);
    } finally {
      await received.dispose();
    }
    ctx.log({ event: 'breakpad-symbol', project: ctx.project, debugFile: ref.debugFile, debugId: ref.debugId });
    ctx.json(res, 201, ref);
    return true;
  }
  const served = REPORTER_ROUTES.breakpadStore.exec(url.pathname);
  if ((req.method === 'GET' || req.method === 'HEAD') && served) {
    const ref = breakpadRefOf(decoded(served[1] ?? ''), served[2]);
    const opened = await ctx.storage.open(breakpadKey(ref), 'breakpad');
    if (!opened) throw new HttpError(404, `no symbols for ${ref.debugFile} ${ref.debugId}; send them with crashwb upload-symbols FILE.sym`);
    sendStored(req, res, opened, 'text/plain; charset=utf-8');
    return true;
  }
  return false;
}
