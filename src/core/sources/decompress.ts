import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { regularFileStream } from '../platform/bounded-file';
import type { SourceLimits } from './crash-input';
import { codecOf, isElfCoreHead, isMinidumpHead, type Codec } from './magic';

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
  // Nobody reads on once the output is given up (not a core, a bomb): the tool must not wait for ever.
  out.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
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

/** Cores compress well (zero pages), but not a thousandfold; past this, the stream is a bomb. */
export const MAX_RATIO = 1000;
/** Output below this size cannot do harm whatever its ratio. */
export const RATIO_FLOOR = 64 * 1024 * 1024;
/** Compression inside compression (a .zst in a zip, a gzip in a zstd) is followed this deep, no deeper. */
const MAX_LAYERS = 3;
/** What is kept free on the store's disk: a bomb never fills it. */
const DISK_MARGIN = 1024 ** 3;
/** Enough of the start of a stream to know what it is. */
const HEAD = 20;

/** The first `HEAD` bytes of a stream and the stream again, whole. */
async function peek(stream: Readable): Promise<{ head: Buffer; whole: Readable }> {
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < HEAD) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    size += next.value.length;
  }
  const whole = Readable.from(
    (async function* () {
      yield* chunks;
      if (!ended) for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  return { head: Buffer.concat(chunks).subarray(0, HEAD), whole };
}

/** Counts the bytes that pass. */
class Counter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/**
 * The core inside a stream, through every layer of compression it has (up to three): each
 * layer's first bytes say what it is, and the innermost must be an ELF core or a minidump, which
 * is known after its first bytes, not after gigabytes. The ratio of what comes out to what went
 * in is checked as the bytes pass, from the outermost input.
 */
export async function inflateCore(source: Readable, what: string): Promise<Readable> {
  const input = new Counter();
  source.on('error', (error) => input.destroy(error));
  // Every stream of every layer: given up together, without an error, so that a layer failing
  // later (a gzip stream corrupt past the point where the crash was refused) has nobody to tell.
  const opened: Readable[] = [source, source.pipe(input)];
  const stopAll = (): void => {
    for (const stream of opened) stream.destroy();
  };
  let stream: Readable = input;
  const layers: Codec[] = [];
  try {
    for (;;) {
      const { head, whole } = await peek(stream);
      opened.push(whole);
      const codec = codecOf(head);
      if (!codec) {
        if (!isElfCoreHead(head) && !isMinidumpHead(head)) {
          const inside = layers.length ? `decompresses (${layers.join(', then ')}) to something that is` : 'is';
          throw new Error(
            `${what} ${inside} not a core file (it starts with ${head.subarray(0, 8).toString('hex') || 'nothing'}); nothing was kept`,
          );
        }
        const guard = new RatioGuard(input, what, layers);
        whole.on('error', (error) => guard.destroy(error));
        // Its reader (the store) attaches a moment later, after a look at the disk, and finds an
        // error that came meanwhile in the stream's `errored`: it must not be unhandled until then.
        guard.on('error', () => undefined);
        // A guard that stops (a bomb, a full disk, the store gave up) stops every layer under it.
        guard.on('close', stopAll);
        return whole.pipe(guard);
      }
      if (layers.length >= MAX_LAYERS)
        throw new Error(
          `${what} is compressed more than ${MAX_LAYERS} times over (${[...layers, codec].join(', ')}); refusing it as a bomb`,
        );
      layers.push(codec);
      stream = decompressStream(whole, codec, what);
      opened.push(stream);
    }
  } catch (error) {
    stopAll();
    throw error;
  }
}

/** Stops a stream whose output outgrows its input past any core's compression ratio. */
class RatioGuard extends Transform {
  private bytes = 0;
  constructor(
    private readonly input: Counter,
    private readonly what: string,
    private readonly layers: Codec[],
  ) {
    super();
  }
  override _transform(chunk: Buffer, _: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    const ratio = this.bytes / Math.max(1, this.input.bytes);
    if (this.layers.length && this.bytes > RATIO_FLOOR && ratio > MAX_RATIO) {
      done(
        new Error(
          `${this.what} expands more than ${MAX_RATIO}-fold (${this.bytes} bytes from ${this.input.bytes}); refusing it as a decompression bomb. ` +
            `If it is a real core, decompress it yourself (${this.layers.join(', ')}) and import the plain file`,
        ),
      );
      return;
    }
    done(null, chunk);
  }
}

/** The most a stored core may take: the caller's limit, and never the store disk's last gigabyte. */
export async function storeLimit(dir: string, limit: number): Promise<number> {
  const disk = await statfs(dir).catch(() => null);
  return disk ? Math.max(0, Math.min(limit, disk.bavail * disk.bsize - DISK_MARGIN)) : limit;
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
      done(
        new Error(
          `${this.what} is more than ${this.limit} bytes, more than the limit or the store disk's free space allows; refusing it (a corrupt file or a decompression bomb); nothing was kept`,
        ),
      );
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
  signal?: AbortSignal,
): Promise<{ path: string; sha256: string; size: number }> {
  const partial = join(dir, `.incoming-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const measure = new Measure(await storeLimit(dir, limit), what);
  try {
    await pipeline(stream, measure, createWriteStream(partial, { mode: 0o600 }), ...(signal ? [{ signal }] : [])).catch((error: Error) => {
      if (signal?.aborted)
        throw new Error(
          `${signal.reason instanceof Error ? signal.reason.message : `${what}: unpacking it was stopped`}; nothing was kept`,
        );
      throw error;
    });
    const sha256 = measure.hash.digest('hex');
    const path = join(dir, `${sha256}.core`);
    await rename(partial, path);
    return { path, sha256, size: (await stat(path)).size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Decompresses a compressed core file into the store, through every layer, as a core or not at all. */
export async function storeDecompressed(
  file: string,
  dir: string,
  limits: SourceLimits,
): Promise<{ path: string; sha256: string; size: number }> {
  return storeStream(await inflateCore(await regularFileStream(file), file), dir, file, limits.maxCoreBytes, limits.signal);
}
