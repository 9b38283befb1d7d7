import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Reads a large file in small pieces; nothing here ever loads the whole file. */
export class BoundedFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** With `noFollow`, a symbolic link is refused (ELOOP) instead of read through. */
  static async open(path: string, options: { noFollow?: boolean } = {}): Promise<BoundedFile> {
    const handle = await open(path, options.noFollow ? constants.O_RDONLY | constants.O_NOFOLLOW : constants.O_RDONLY);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
      return new BoundedFile(path, handle, stat.size);
    } catch (error) {
      await handle.close();
      throw error;
    }
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
