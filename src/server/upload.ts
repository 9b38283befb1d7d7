import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;

/** A core dropped on the page in a browser is streamed here, then opened like any other. */
export async function receiveUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  headers: Record<string, string>,
  uploadDir: string,
): Promise<void> {
  const length = Number(req.headers['content-length'] ?? NaN);
  if (!Number.isFinite(length) || length > MAX_UPLOAD_BYTES) {
    res.writeHead(413, { ...headers, 'Content-Type': 'text/plain' });
    res.end(`uploads need a Content-Length of at most ${MAX_UPLOAD_BYTES} bytes\n`);
    return;
  }
  const name =
    basename(url.searchParams.get('name') ?? 'core')
      .replace(/[^\w.+-]/g, '_')
      .slice(0, 100) || 'core';
  await mkdir(uploadDir, { recursive: true });
  const target = join(uploadDir, `${randomUUID()}-${name}`);
  try {
    await pipeline(req, createWriteStream(target, { flags: 'wx' }));
  } catch (error) {
    await rm(target, { force: true });
    throw new Error(`the upload of ${name} broke off (${(error as Error).message}); nothing was kept, drop the file again`);
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ path: target }));
}
