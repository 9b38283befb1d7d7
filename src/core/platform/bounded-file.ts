import { constants, type ReadStream, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** What a path that is not a regular file is, in words. */
export function fileTypeName(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a folder';
  return 'not a regular file';
}

export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly type: string,
  ) {
    super(`${path} is ${type}, not a regular file; it was skipped (only regular files are read, so that nothing can block the reader)`);
  }
}

/**
 * Opens a regular file for reading, without blocking, and checks it before any read: opening a
 * FIFO for reading otherwise waits for a writer for ever, and a device or socket is no crash file.
 */
async function openRegular(path: string, extraFlags: number): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | extraFlags);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new NotRegularFileError(path, fileTypeName(stat));
    return { handle, size: stat.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads a large file in small pieces; nothing here ever loads the whole file. */
export class BoundedFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Only a regular file (see `openRegular`); with `noFollow`, a symbolic link is refused (ELOOP) instead of read through. */
  static async open(path: string, options: { noFollow?: boolean } = {}): Promise<BoundedFile> {
    const { handle, size } = await openRegular(path, options.noFollow ? constants.O_NOFOLLOW : 0);
    return new BoundedFile(path, handle, size);
  }

  /** Reads exactly `length` bytes at `offset`, or fewer if the file ends first. */
  async read(offset: number, length: number): Promise<Buffer> {
    if (offset >= this.size || length <= 0) return Buffer.alloc(0);
    const wanted = Math.min(length, this.size - offset);
    const buffer = Buffer.alloc(wanted);
    let done = 0;
    while (done < wanted) {
      const { bytesRead } = await this.handle.read(buffer, done, wanted - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === wanted ? buffer : buffer.subarray(0, done);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export async function withFile<T>(path: string, use: (file: BoundedFile) => Promise<T>, options: { noFollow?: boolean } = {}): Promise<T> {
  const file = await BoundedFile.open(path, options);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

/** A read stream of a regular file (see `openRegular`). */
export async function regularFileStream(path: string, options: { highWaterMark?: number } = {}): Promise<ReadStream> {
  const { handle } = await openRegular(path, 0);
  return handle.createReadStream({ highWaterMark: options.highWaterMark });
}
