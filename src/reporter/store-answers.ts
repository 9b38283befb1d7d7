import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { HttpError, readBody } from './http-error';

const MAX_QUERY_BYTES = 2 * 1024 * 1024;
/** Look-ups in the store at once, for a query of thousands. */
const CHECKS_AT_ONCE = 16;

/** A JSON body of a store call; `shape` says what it should hold, for the error. */
export async function readJson(req: IncomingMessage, shape: string): Promise<unknown> {
  const body = await readBody(req as AsyncIterable<Buffer>, MAX_QUERY_BYTES, 'a symbol query (ask in smaller batches)');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, `the body must be JSON: ${shape}`);
  }
}

/** What of `wanted` the store does not hold, asked a batch at a time. */
export async function lacking<T>(wanted: T[], holds: (item: T) => Promise<boolean>): Promise<T[]> {
  const missing: T[] = [];
  for (let i = 0; i < wanted.length; i += CHECKS_AT_ONCE) {
    const batch = wanted.slice(i, i + CHECKS_AT_ONCE);
    const held = await Promise.all(batch.map(holds));
    batch.forEach((item, j) => {
      if (!held[j]) missing.push(item);
    });
  }
  return missing;
}

/** A stored file as the answer to a GET, or only its size to a HEAD. */
export function sendStored(
  req: IncomingMessage,
  res: ServerResponse,
  opened: { stream: Readable; size: number },
  contentType: string,
): void {
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(opened.size) });
  if (req.method === 'HEAD') {
    opened.stream.destroy();
    res.end();
  } else opened.stream.pipe(res);
}
