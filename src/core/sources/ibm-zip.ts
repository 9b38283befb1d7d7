import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { MAX_RATIO, RATIO_FLOOR, inflateCore, storeStream } from './decompress';
import { attributeText, parseLenientJson } from './lenient-json';

/** `<uuid>-dump-<timestamp>-<hostname>-<exe>-<pid>-<signal>.zip`, as IBM's core-dump-handler uploads them. */
const ZIP_NAME = /^([0-9a-f-]{36})-dump-(\d+)-(.+)-(.+?)-(\d+)-(\d+)\.zip$/;
const MAX_JSON = 4 * 1024 * 1024;
const MAX_LOG = 256 * 1024;

export interface ZipLimits {
  /** Total bytes all entries may decompress to. */
  maxTotalBytes: number;
  signal?: AbortSignal;
}

export interface HandlerZip {
  core: { path: string; sha256: string; size: number } | null;
  attributes: Record<string, string>;
  attachments: Array<{ name: string; text: string }>;
  timestamp: string | null;
  signal: number | null;
  pid: number | null;
  executable: string | null;
}

export function isHandlerZipName(path: string): boolean {
  return ZIP_NAME.test(basename(path));
}

/** Refuses entry names that would land outside a folder they were extracted to, whatever is done with them. */
function checkEntryName(zip: string, name: string): void {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes('..')) {
    throw new Error(`${zip}: refusing the archive, its entry "${name}" points outside it (absolute or ../ path)`);
  }
}

async function readAll(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size < max) chunks.push(chunk.subarray(0, max - size));
    size += chunk.length;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return size > max ? `${text}\n… (${size - max} more bytes not shown)` : text;
}

/** The first value under `key` anywhere in a JSON document. */
function find(value: unknown, key: string, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value) && key in value) return (value as Record<string, unknown>)[key];
  for (const child of Object.values(value)) {
    const found = find(child, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Opens a core-dump-handler zip: the core goes to the store (decompressed if it is compressed
 * inside), the JSON files become attributes (pod, namespace, image, node, host …), the container
 * logs become attachments. Any path escaping the archive, an implausible compression ratio or a
 * total past the cap refuses the whole archive.
 */
export async function readHandlerZip(path: string, storeDir: string, limits: ZipLimits): Promise<HandlerZip> {
  let zip: ZipFile;
  try {
    zip = await openPromise(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new Error(`${path} is not a readable zip archive: ${(error as Error).message}`);
  }
  const result: HandlerZip = { core: null, attributes: {}, attachments: [], timestamp: null, signal: null, pid: null, executable: null };
  const json: Record<string, Record<string, unknown>> = {};
  let total = 0;
  try {
    for await (const entry of entries(zip, path)) {
      limits.signal?.throwIfAborted();
      checkEntryName(path, entry.fileName);
      if (entry.fileName.endsWith('/')) continue;
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes)
        throw new Error(`${path}: refusing the archive, it decompresses to more than ${limits.maxTotalBytes} bytes`);
      if (entry.uncompressedSize > RATIO_FLOOR && entry.uncompressedSize / Math.max(1, entry.compressedSize) > MAX_RATIO) {
        throw new Error(
          `${path}: refusing the archive, "${entry.fileName}" expands ${Math.round(entry.uncompressedSize / entry.compressedSize)}-fold (a zip bomb?)`,
        );
      }
      const name = basename(entry.fileName);
      const raw = await zip.openReadStreamPromise(entry);
      // Entries that are read are checked against their CRC-32; the rest are passed over unread.
      const checked = (): Readable => checkCrc(raw, entry, path);
      if (/\.core(\.(zst|lz4|xz|gz))?$/.test(name) && !result.core) {
        result.core = await storeCore(checked(), storeDir, `${path}!${entry.fileName}`, limits);
      } else if (name.endsWith('.json')) {
        json[name.replace(/^.*?-(dump|pod|runtime|ps|image)-info\.json$/, '$1')] = parseLenientJson(await readAll(checked(), MAX_JSON));
      } else if (name.endsWith('.log') || name.endsWith('.txt')) {
        result.attachments.push({ name, text: await readAll(checked(), MAX_LOG) });
      } else {
        // Drained, not read; a failure in it (sizes that do not add up) still refuses the archive.
        raw.resume();
        await finished(raw);
      }
    }
  } catch (error) {
    zip.close();
    const message = (error as Error).message;
    throw message.includes(path) ? error : new Error(`${path}: ${message}; the archive is corrupt`);
  }
  describe(result, json, path);
  return result;
}

/** Passes an entry's bytes on and fails at its end when they are not the ones the archive recorded. */
function checkCrc(stream: Readable, entry: Entry, path: string): Readable {
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(
        crc >>> 0 === entry.crc32 >>> 0
          ? null
          : new Error(
              `${path}: "${entry.fileName}" is damaged (its CRC-32 does not match the archive's); the archive is corrupt, fetch it again`,
            ),
      );
    },
  });
  stream.on('error', (error) => check.destroy(error));
  return stream.pipe(check);
}

/** A zip's core entry, through any compression inside it, into the store. */
async function storeCore(stream: Readable, dir: string, what: string, limits: ZipLimits) {
  return storeStream(await inflateCore(stream, what), dir, what, limits.maxTotalBytes, limits.signal);
}

function entries(zip: ZipFile, path: string): AsyncIterable<Entry> {
  return {
    [Symbol.asyncIterator]() {
      return {
        next: () =>
          new Promise<IteratorResult<Entry>>((resolve, reject) => {
            const cleanup = () => {
              zip.off('entry', onEntry);
              zip.off('end', onEnd);
              zip.off('error', onError);
            };
            const onEntry = (entry: Entry) => {
              cleanup();
              resolve({ value: entry, done: false });
            };
            const onEnd = () => {
              cleanup();
              resolve({ value: undefined, done: true });
            };
            const onError = (error: Error) => {
              cleanup();
              reject(
                new Error(
                  `${path}: ${/invalid relative path|absolute path/.test(error.message) ? 'refusing the archive, an entry points outside it (' + error.message + ')' : `the archive is corrupt (${error.message})`}`,
                ),
              );
            };
            zip.once('entry', onEntry);
            zip.once('end', onEnd);
            zip.once('error', onError);
            zip.readEntry();
          }),
      };
    },
  };
}

function describe(result: HandlerZip, json: Record<string, Record<string, unknown>>, path: string): void {
  const dump = json.dump ?? {};
  const text = (value: unknown) => attributeText(value);
  const named = ZIP_NAME.exec(basename(path));
  const set = (key: string, value: unknown) => {
    const t = text(value);
    if (t) result.attributes[key] = t;
  };
  set('hostname', dump.hostname ?? named?.[3]);
  set('application', dump.exe ?? named?.[4]);
  set('node', dump.node_hostname);
  set('dump.uuid', dump.uuid ?? named?.[1]);
  set('dump.path', dump.path);
  set('pod', find(json.pod, 'name'));
  set('namespace', find(json.pod, 'namespace'));
  const tags = find(json.image, 'repoTags');
  set('image', Array.isArray(tags) ? tags[0] : (find(json.image, 'image') ?? find(json.runtime, 'image')));
  result.signal = Number(text(dump.signal) ?? named?.[6]) || null;
  result.pid = Number(text(dump.real_pid) ?? named?.[5]) || null;
  result.executable = text(dump.exe) ?? named?.[4] ?? null;
  const stamp = text(dump.timestamp) ?? named?.[2];
  if (stamp && /^\d+$/.test(stamp)) {
    // core-dump-handler writes the time in seconds, milliseconds or microseconds depending on the version.
    const n = Number(stamp);
    const ms = n > 1e14 ? n / 1000 : n > 1e11 ? n : n * 1000;
    result.timestamp = new Date(ms).toISOString();
  }
}
