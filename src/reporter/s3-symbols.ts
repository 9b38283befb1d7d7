import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Connection } from '../core/s3/s3-client';
import { explainS3Error } from '../core/s3/s3-errors';
import type { S3Location } from '../core/s3/s3-location';
import type { SymbolKind } from '../shared/reporter-protocol';
import { StorageUnavailable } from './crash-storage';
import { checkBuildId, checkSha256, type SymbolPart, type SymbolStorage } from './symbol-storage';

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

  has(buildId: string, kind: SymbolKind): Promise<boolean> {
    return this.exists(this.key(buildId, kind));
  }

  private ownerKey(buildId: string, part: SymbolPart): string {
    return `${this.prefix}.symbols/${checkBuildId(buildId)}/${part}.owner`;
  }

  async ownerOf(buildId: string, part: SymbolPart): Promise<string | null> {
    const object = await this.get(this.ownerKey(buildId, part));
    if (!object) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of object.stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8').trim() || null;
  }

  /** S3 has no create-if-absent every store honours: the first owner seen is kept, which two uploads at the same instant could both think they are. */
  async claim(buildId: string, part: SymbolPart, project: string, replace = false): Promise<string> {
    if (!replace) {
      const owner = await this.ownerOf(buildId, part);
      if (owner) return owner;
    }
    await this.upload(this.ownerKey(buildId, part), project);
    return project;
  }

  /** Each kind as its own object, sent as the crashes' blobs are: plain parts every S3 store reads alike. */
  async put(buildId: string, kinds: SymbolKind[], file: string): Promise<void> {
    for (const kind of kinds) await this.upload(this.key(buildId, kind), createReadStream(file));
  }

  open(buildId: string, kind: SymbolKind): Promise<{ stream: Readable; size: number } | null> {
    return this.get(this.key(buildId, kind));
  }

  private async exists(key: string): Promise<boolean> {
    try {
      const { client, sdk } = await this.s3.get();
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw new StorageUnavailable(explainS3Error(error, this.location, this.where(key)).message);
    }
  }

  private async upload(key: string, body: Readable | string): Promise<void> {
    try {
      const [{ client }, { Upload }] = await Promise.all([this.s3.get(), import('@aws-sdk/lib-storage')]);
      await new Upload({
        client,
        params: { Bucket: this.location.bucket, Key: key, Body: body },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      }).done();
    } catch (error) {
      throw new StorageUnavailable(explainS3Error(error, this.location, this.where(key)).message);
    }
  }

  private async get(key: string): Promise<{ stream: Readable; size: number } | null> {
    try {
      const { client, sdk } = await this.s3.get();
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return { stream: object.Body as Readable, size: object.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw new StorageUnavailable(explainS3Error(error, this.location, this.where(key)).message);
    }
  }

  private sourceKey(sha256: string): string {
    return `${this.prefix}.symbols/sources/${checkSha256(sha256)}`;
  }

  private indexKey(buildId: string): string {
    return `${this.prefix}.symbols/${checkBuildId(buildId)}/sources.json`;
  }

  hasSource(sha256: string): Promise<boolean> {
    return this.exists(this.sourceKey(sha256));
  }

  putSource(sha256: string, file: string): Promise<void> {
    return this.upload(this.sourceKey(sha256), createReadStream(file));
  }

  openSource(sha256: string): Promise<{ stream: Readable; size: number } | null> {
    return this.get(this.sourceKey(sha256));
  }

  async sourceIndex(buildId: string): Promise<Record<string, string>> {
    const object = await this.get(this.indexKey(buildId));
    if (!object) return {};
    const chunks: Buffer[] = [];
    for await (const chunk of object.stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
  }

  setSourceIndex(buildId: string, index: Record<string, string>): Promise<void> {
    return this.upload(this.indexKey(buildId), JSON.stringify(index));
  }
}
