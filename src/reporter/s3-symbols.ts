import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Connection } from '../core/s3/s3-client';
import { explainS3Error, isMissing, isPreconditionFailed } from '../core/s3/s3-errors';
import type { S3Location } from '../core/s3/s3-location';
import { StorageUnavailable } from './storage-errors';
import { checkBuildId, checkSha256, type StoredKind, type SymbolPart, type SymbolStorage } from './symbol-storage';

/** Symbols in the crashes' bucket, under PREFIX.symbols/<build-id>/<kind>; a put of one object is whole or absent. */
export class S3Symbols implements SymbolStorage {
  constructor(
    private readonly s3: S3Connection,
    private readonly location: S3Location,
    private readonly prefix: string,
  ) {}

  private key(buildId: string, kind: StoredKind): string {
    return `${this.prefix}.symbols/${checkBuildId(buildId)}/${kind}`;
  }

  private where(key: string): string {
    return `s3://${this.location.bucket}/${key}`;
  }

  has(buildId: string, kind: StoredKind): Promise<boolean> {
    return this.exists(this.key(buildId, kind));
  }

  private ownerKey(buildId: string, part: SymbolPart): string {
    return `${this.prefix}.symbols/${checkBuildId(buildId)}/${part}.owner`;
  }

  async ownerOf(buildId: string, part: SymbolPart): Promise<string | null> {
    return (await this.text(this.ownerKey(buildId, part)))?.trim() || null;
  }

  /**
   * The owner record is made with a conditional put (If-None-Match: *), as the crashes' claims
   * are: of two projects sending the same new build-id at once, one owns it, on the stores that
   * honour the condition (S3, MinIO, R2); on others the later write wins.
   */
  async claim(buildId: string, part: SymbolPart, project: string, replace = false): Promise<string> {
    const key = this.ownerKey(buildId, part);
    if (replace) {
      await this.upload(key, project);
      return project;
    }
    const owner = await this.ownerOf(buildId, part);
    if (owner) return owner;
    try {
      const { client, sdk } = await this.s3.get();
      await client.send(new sdk.PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: project, IfNoneMatch: '*' }));
      return project;
    } catch (error) {
      if (!isPreconditionFailed(error)) throw new StorageUnavailable(explainS3Error(error, this.location, this.where(key)).message);
      return (await this.ownerOf(buildId, part)) ?? project;
    }
  }

  /** Each kind as its own object, sent as the crashes' blobs are: plain parts every S3 store reads alike. */
  async put(buildId: string, kinds: StoredKind[], file: string): Promise<void> {
    for (const kind of kinds) await this.upload(this.key(buildId, kind), createReadStream(file));
  }

  open(buildId: string, kind: StoredKind): Promise<{ stream: Readable; size: number } | null> {
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
    const text = await this.text(this.indexKey(buildId));
    return text === null ? {} : (JSON.parse(text) as Record<string, string>);
  }

  /** A small object whole, as text, or null when there is none. */
  private async text(key: string): Promise<string | null> {
    const object = await this.get(key);
    if (!object) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of object.stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  setSourceIndex(buildId: string, index: Record<string, string>): Promise<void> {
    return this.upload(this.indexKey(buildId), JSON.stringify(index));
  }
}
