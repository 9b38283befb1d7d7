import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

export type Codec = 'gzip' | 'zstd' | 'xz' | 'lz4';

const MAGIC: Array<[Codec, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];

/** The compression a file's first bytes announce, whatever its name says. */
export function codecOf(head: Buffer): Codec | null {
  return MAGIC.find(([, magic]) => magic.every((b, i) => head[i] === b))?.[0] ?? null;
}

const TOOL: Record<Exclude<Codec, 'gzip'>, { command: string; package: string }> = {
  zstd: { command: 'zstd', package: 'zstd' },
  xz: { command: 'xz', package: 'xz-utils' },
  lz4: { command: 'lz4', package: 'lz4' },
};

/** A stream of the decompressed bytes; zstd, xz and lz4 by their own tools, as a stream, never whole in memory. */
export function decompressStream(source: Readable, codec: Codec, what: string): Readable {
  if (codec === 'gzip') {
    const out = new PassThrough();
    const gunzip = createGunzip();
    source.on('error', (error) => out.destroy(error));
    gunzip.on('error', (error) =>
      out.destroy(new Error(`${what}: gzip could not decompress it (${error.message}); the file is corrupt or cut off`)),
    );
    return source.pipe(gunzip).pipe(out);
  }
  const tool = TOOL[codec];
  const child = spawn(tool.command, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
  // The output ends only once the tool has said it finished well: a cut-off file still yields
  // bytes before the tool notices, and those must not pass for a whole core.
  const out = new PassThrough();
  child.stdout.pipe(out, { end: false });
  child.on('error', (error: NodeJS.ErrnoException) =>
    out.destroy(
      error.code === 'ENOENT'
        ? new Error(`${what} is ${codec}-compressed and ${tool.command} is not installed (apt-get install ${tool.package})`)
        : error,
    ),
  );
  child.on('close', (code) => {
    if (code)
      out.destroy(
        new Error(`${what}: ${tool.command} could not decompress it (${stderr.trim() || `exit ${code}`}); the file is corrupt or cut off`),
      );
    else out.end();
  });
  source.on('error', (error) => child.stdin.destroy(error));
  // A tool that stops early (corrupt input) closes its stdin; its exit code above says why, EPIPE adds nothing.
  child.stdin.on('error', () => undefined);
  source.pipe(child.stdin);
  return out;
}

/** Counts and hashes what passes through, and stops it past a size cap. */
class Measure extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(new Error(`${this.what} decompresses to more than ${this.limit} bytes; refusing it (a corrupt file or a decompression bomb)`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/**
 * Writes a stream into `dir` under its sha256, hashing as it goes: the file appears whole under
 * its final name or not at all. Returns the path and digest.
 */
export async function storeStream(
  stream: Readable,
  dir: string,
  what: string,
  limit: number,
): Promise<{ path: string; sha256: string; size: number }> {
  const partial = join(dir, `.incoming-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const measure = new Measure(limit, what);
  try {
    await pipeline(stream, measure, createWriteStream(partial, { mode: 0o600 }));
    const sha256 = measure.hash.digest('hex');
    const path = join(dir, `${sha256}.core`);
    await rename(partial, path);
    return { path, sha256, size: (await stat(path)).size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Decompresses a compressed core file into the store. */
export function storeDecompressed(
  file: string,
  codec: Codec,
  dir: string,
  limit: number,
): Promise<{ path: string; sha256: string; size: number }> {
  return storeStream(decompressStream(createReadStream(file), codec, file), dir, file, limit);
}
