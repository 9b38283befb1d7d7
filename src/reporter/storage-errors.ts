import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** Why a store refused or failed an upload: the reporter's answer to each (413, 400, 503, 507) is decided by its kind. */

export class TooLarge extends Error {}

/** The bytes that arrived are not the ones the uploader hashed. */
export class Damaged extends Error {
  constructor(actual: string, expected: string) {
    super(`the body's sha256 is ${actual}, not ${expected}: the upload was damaged on the way; send it again`);
  }
}

/** The storage cannot be reached or refused the request (S3 down, denied): try again later. */
export class StorageUnavailable extends Error {}

/** The storage has no room: nothing of the upload was kept, and what was stored before is whole. */
export class StorageFull extends Error {}

/** Hashes and counts what passes, and stops past the size limit. */
export class Measure extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(new TooLarge(`the upload is larger than the limit of ${this.limit} bytes`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}
