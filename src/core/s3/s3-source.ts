import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Connection } from './s3-client';
import { explainS3Error } from './s3-errors';
import { s3Url, type S3Credentials, type S3Location } from './s3-location';

export interface S3Object {
  key: string;
  size: number;
  etag: string;
  lastModified: string | null;
}

/** Objects listed at most, so a wrong prefix on a huge bucket cannot run for ever. */
const MAX_OBJECTS = 100_000;
/** Attempts per download; each resumes where the last one stopped. */
const ATTEMPTS = 4;

/** The local file an object downloads to, under `root`; keys that climb out of it are refused. */
export function localPathFor(root: string, bucket: string, key: string): string {
  const parts = key.split('/');
  if (key.startsWith('/') || parts.includes('..') || parts.includes('.')) {
    throw new Error(`refusing ${s3Url(bucket, key)}: its key would be written outside the download folder`);
  }
  return join(root, bucket, ...parts.filter(Boolean));
}

/** One bucket and prefix of an S3-compatible store, read through the AWS SDK v3. */
export class S3Source {
  private readonly s3: S3Connection;

  constructor(
    readonly location: S3Location,
    credentials?: S3Credentials,
  ) {
    // Retries are ours (resuming downloads); the SDK's would restart them from zero.
    this.s3 = new S3Connection(location, credentials, 1);
  }

  private where(key = this.location.prefix): string {
    return s3Url(this.location.bucket, key);
  }

  async buckets(): Promise<string[]> {
    try {
      const { client, sdk } = await this.s3.get();
      const listed = await client.send(new sdk.ListBucketsCommand({}));
      return (listed.Buckets ?? []).flatMap((b) => (b.Name ? [b.Name] : []));
    } catch (error) {
      throw explainS3Error(error, this.location, 'the list of buckets');
    }
  }

  /**
   * One level below the prefix: its sub-prefixes ("folders") and the objects directly in it,
   * worked out from the full listing (some S3-compatible servers leave out common prefixes at a
   * bucket's root).
   */
  async level(): Promise<{ prefixes: string[]; objects: S3Object[] }> {
    const prefix = this.location.prefix;
    const prefixes = new Set<string>();
    const objects: S3Object[] = [];
    for (const object of await this.list()) {
      const rest = object.key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) prefixes.add(prefix + rest.slice(0, slash + 1));
      else objects.push(object);
    }
    return { prefixes: [...prefixes].sort(), objects };
  }

  async list(): Promise<S3Object[]> {
    const objects: S3Object[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        const { client, sdk } = await this.s3.get();
        page = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: this.location.prefix || undefined,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw explainS3Error(error, this.location, this.where());
      }
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue;
        objects.push({
          key: o.Key,
          size: o.Size ?? 0,
          etag: (o.ETag ?? '').replace(/"/g, ''),
          lastModified: o.LastModified?.toISOString() ?? null,
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && objects.length < MAX_OBJECTS);
    return objects;
  }

  /**
   * Downloads an object to `target` as a stream, through `target.part`: a dropped connection is
   * resumed from the bytes already there (a Range request pinned to the same ETag), a few times,
   * before it is an error. The file appears under its name only when whole.
   */
  async download(object: S3Object, target: string, onBytes?: (done: number) => void): Promise<void> {
    await mkdir(dirname(target), { recursive: true });
    const part = `${target}.part`;
    let lastError: Error | null = null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const have = await stat(part).then(
        (s) => s.size,
        () => 0,
      );
      if (have > object.size) await rm(part, { force: true });
      const from = have > object.size ? 0 : have;
      if (from === object.size && object.size > 0) break;
      try {
        const { client, sdk } = await this.s3.get();
        const response = await client.send(
          new sdk.GetObjectCommand({
            Bucket: this.location.bucket,
            Key: object.key,
            Range: from > 0 ? `bytes=${from}-` : undefined,
            IfMatch: object.etag ? `"${object.etag}"` : undefined,
          }),
        );
        const body = response.Body as Readable | undefined;
        if (!body) throw new Error('the object has no body');
        let done = from;
        body.on('data', (chunk: Buffer) => {
          done += chunk.length;
          onBytes?.(done);
        });
        await pipeline(body, createWriteStream(part, { flags: from > 0 ? 'a' : 'w', mode: 0o600 }));
        lastError = null;
        break;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        // The object changed since it was listed: what is on disk belongs to the old one.
        if (status === 412) await rm(part, { force: true });
        lastError = explainS3Error(error, this.location, this.where(object.key));
        if (status && status !== 412 && status < 500) break;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
    if (lastError) throw lastError;
    const size = (await stat(part)).size;
    if (size !== object.size) {
      throw new Error(`${this.where(object.key)}: downloaded ${size} of ${object.size} bytes; run the import again to resume`);
    }
    await rename(part, target);
  }
}
