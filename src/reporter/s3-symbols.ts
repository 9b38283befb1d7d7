import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Connection } from '../core/s3/s3-client';
import { explainS3Error } from '../core/s3/s3-errors';
import type { S3Location } from '../core/s3/s3-location';
import type { SymbolKind } from '../shared/reporter-protocol';
import { StorageUnavailable } from './crash-storage';
import { checkBuildId, type SymbolStorage } from './symbol-storage';

const isMissing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

/** Symbols in the crashes' bucket, under PREFIX.symbols/<build-id>/<kind>; a put of one object is whole or absent. */
export class S3Symbols implements SymbolStorage {
  constructor(
    private readonly s3: S3Connection,
    private readonly location: S3Location,
    private readonly prefix: string,
  ) {}

  private key(buildId: string, kind: SymbolKind): string {
    return `${this.prefix}.symbols/${checkBuildId(buildId)}/${kind}`;
  }

  private where(key: string): string {
    return `s3://${this.location.bucket}/${key}`;
  }

  async has(buildId: string, kind: SymbolKind): Promise<boolean> {
    const key = this.key(buildId, kind);
    try {
      const { client, sdk } = await this.s3.get();
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw new StorageUnavailable(explainS3Error(error, this.location, this.where(key)).message);
    }
  }

  async put(buildId: string, kinds: SymbolKind[], file: string): Promise<void> {
    for (const kind of kinds) {
      const key = this.key(buildId, kind);
      try {
        // As the crashes' blobs go: lib-storage's upload, whose plain parts every S3 store reads alike.
        const [{ client }, { Upload }] = await Promise.all([this.s3.get(), import('@aws-sdk/lib-storage')]);
        await new Upload({
          client,
          params: { Bucket: this.location.bucket, Key: key, Body: createReadStream(file) },
          partSize: 8 * 1024 * 1024,
          queueSize: 2,
          leavePartsOnError: false,
        }).done();
      } catch (error) {
        throw new StorageUnavailable(explainS3Error(error, this.location, this.where(key)).message);
      }
    }
  }

  async open(buildId: string, kind: SymbolKind): Promise<{ stream: Readable; size: number } | null> {
    const key = this.key(buildId, kind);
    try {
      const { client, sdk } = await this.s3.get();
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return { stream: object.Body as Readable, size: object.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw new StorageUnavailable(explainS3Error(error, this.location, this.where(key)).message);
    }
  }
}
