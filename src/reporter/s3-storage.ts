import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3Connection, type S3Sdk } from '../core/s3/s3-client';
import { explainS3Error, isMissing, isPreconditionFailed } from '../core/s3/s3-errors';
import type { S3Credentials, S3Location } from '../core/s3/s3-location';
import { attachmentsOf, type CrashPage, type StoredCrash } from '../shared/reporter-protocol';
import type { Attachment } from '../shared/model';
import {
  checkCrashId,
  checkProject,
  IN_FLIGHT_MS,
  indexName,
  pageFromIndex,
  parseIndexName,
  settleWithTwin,
  type CrashStorage,
} from './crash-storage';
import { Damaged, Measure, StorageUnavailable, TooLarge } from './storage-errors';
import { S3Symbols } from './s3-symbols';
import type { SymbolStorage } from './symbol-storage';

/** The record of a crash in the bucket: what is listed, plus where its bytes are. */
interface CrashRecord extends StoredCrash {
  blob: string;
}

/** Parts of a multipart upload, and how many are in memory at once: memory stays at a few parts per upload. */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

const unavailable = (...args: Parameters<typeof explainS3Error>): StorageUnavailable =>
  new StorageUnavailable(explainS3Error(...args).message);

/**
 * Crashes in an S3 bucket, under PREFIX<project>/:
 * - `blobs/<uuid>`: the bytes, streamed in as a multipart upload while they are hashed;
 * - `index/<receivedAt>_<sha256>`: an empty object per arrival, so listing in order of arrival is
 *   one ListObjectsV2 from a cursor;
 * - `crashes/<sha256>.json`: the record, written last: a crash exists once its record does.
 * Nothing else is kept anywhere, so reporters behind a load balancer can share the bucket.
 */
export class S3Storage implements CrashStorage {
  readonly description: string;
  readonly symbols: SymbolStorage;
  private readonly s3: S3Connection;
  private readonly prefix: string;
  private conditional: Promise<boolean> | null = null;

  constructor(
    private readonly location: S3Location,
    credentials?: S3Credentials,
  ) {
    this.s3 = new S3Connection(location, credentials);
    this.prefix = location.prefix && !location.prefix.endsWith('/') ? `${location.prefix}/` : location.prefix;
    this.description = `s3://${location.bucket}/${this.prefix}${location.endpoint ? ` at ${location.endpoint}` : ''}`;
    this.symbols = new S3Symbols(this.s3, location, this.prefix);
  }

  symbolsOf(project: string): SymbolStorage {
    // A project's name never starts with a dot, so this is no project's crashes.
    return new S3Symbols(this.s3, this.location, `${this.prefix}.symbols-of/${checkProject(project)}/`);
  }

  private key(project: string, rest: string): string {
    return `${this.prefix}${checkProject(project)}/${rest}`;
  }

  private async send<T>(what: string, run: (s3: { client: S3Client; sdk: S3Sdk }) => Promise<T>): Promise<T> {
    try {
      return await run(await this.s3.get());
    } catch (error) {
      throw unavailable(error, this.location, what);
    }
  }

  private async record(project: string, crashId: string): Promise<CrashRecord | null> {
    const key = this.key(project, `crashes/${checkCrashId(crashId)}.json`);
    try {
      const { client, sdk } = await this.s3.get();
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return JSON.parse((await object.Body?.transformToString('utf8')) ?? 'null') as CrashRecord | null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw unavailable(error, this.location, `s3://${this.location.bucket}/${key}`);
    }
  }

  private async putRecord(record: CrashRecord): Promise<void> {
    const key = this.key(record.project, `crashes/${record.crashId}.json`);
    await this.send(`s3://${this.location.bucket}/${key}`, ({ client, sdk }) =>
      client.send(
        new sdk.PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: JSON.stringify(record),
          ContentType: 'application/json',
        }),
      ),
    );
  }

  /**
   * Takes the right to write a crash's record, so that of several reporters that took the same
   * core at once one wins: a conditional put of `claims/<sha256>` (If-None-Match: *) where the
   * store makes that atomic (S3, MinIO, R2), else an election among the claims written under
   * `claims/<sha256>/`. A claim older than a put can take, whose record never came, was left by a
   * killed reporter and is passed over.
   */
  private async claim(project: string, crashId: string): Promise<boolean> {
    if (!(await this.conditionalWrites(project))) return this.elect(project, crashId);
    const key = this.key(project, `claims/${crashId}`);
    const where = `s3://${this.location.bucket}/${key}`;
    try {
      await this.putEmpty(key, true);
      return true;
    } catch (error) {
      if (!isPreconditionFailed(error)) throw unavailable(error, this.location, where);
    }
    const head = await this.send(where, ({ client, sdk }) =>
      client.send(new sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: key })),
    );
    if (Date.now() - (head.LastModified?.getTime() ?? 0) < IN_FLIGHT_MS) return false;
    await this.send(where, () => this.putEmpty(key, false));
    return true;
  }

  /** Each claimant writes its own claim, then the earliest live one wins; all read the same listing. */
  private async elect(project: string, crashId: string): Promise<boolean> {
    const prefix = this.key(project, `claims/${crashId}/`);
    const mine = `${prefix}${new Date().toISOString()}_${randomUUID()}`;
    const where = `s3://${this.location.bucket}/${prefix}`;
    await this.send(where, () => this.putEmpty(mine, false));
    const listed = await this.send(where, ({ client, sdk }) =>
      client.send(new sdk.ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix })),
    );
    const live = (listed.Contents ?? [])
      .map((o) => o.Key ?? '')
      .filter((key) => Date.now() - Date.parse(key.slice(prefix.length).split('_')[0] ?? '') < IN_FLIGHT_MS)
      .sort();
    return live[0] === mine;
  }

  /**
   * Whether the store refuses a second If-None-Match put of one key, found once with a probe:
   * S3 and MinIO do; older gateways and some test servers take the condition and ignore it.
   */
  private conditionalWrites(project: string): Promise<boolean> {
    this.conditional ??= (async () => {
      const probe = this.key(project, `claims/.probe-${randomUUID()}`);
      const where = `s3://${this.location.bucket}/${probe}`;
      await this.send(where, () => this.putEmpty(probe, true));
      let honoured = false;
      try {
        await this.putEmpty(probe, true);
      } catch (error) {
        if (!isPreconditionFailed(error)) throw unavailable(error, this.location, where);
        honoured = true;
      }
      await this.deleteBlob(probe);
      return honoured;
    })().catch((error: unknown) => {
      this.conditional = null;
      throw error;
    });
    return this.conditional;
  }

  private async putEmpty(key: string, ifNoneMatch: boolean): Promise<void> {
    const { client, sdk } = await this.s3.get();
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: this.location.bucket,
        Key: key,
        Body: '',
        ContentLength: 0,
        ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}),
      }),
    );
  }

  private async deleteBlob(key: string): Promise<void> {
    await this.send(`s3://${this.location.bucket}/${key}`, ({ client, sdk }) =>
      client.send(new sdk.DeleteObjectCommand({ Bucket: this.location.bucket, Key: key })),
    );
  }

  async put(
    project: string,
    body: Readable,
    metadata: Record<string, string>,
    limit: number,
    expectedSha256?: string,
  ): Promise<{ crash: StoredCrash; created: boolean }> {
    const blob = this.key(project, `blobs/${randomUUID()}`);
    const measure = new Measure(limit);
    body.once('error', (error) => measure.destroy(error));
    try {
      const [{ client }, { Upload }] = await Promise.all([this.s3.get(), import('@aws-sdk/lib-storage')]);
      const upload = new Upload({
        client,
        params: { Bucket: this.location.bucket, Key: blob, Body: body.pipe(measure) },
        partSize: PART_BYTES,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      });
      await upload.done();
    } catch (error) {
      if (error instanceof TooLarge || measure.errored instanceof TooLarge) throw measure.errored ?? error;
      throw unavailable(error, this.location, `s3://${this.location.bucket}/${blob}`);
    }
    const crashId = measure.hash.digest('hex');
    if (expectedSha256 !== undefined && expectedSha256 !== crashId) {
      await this.deleteBlob(blob);
      throw new Damaged(crashId, expectedSha256);
    }
    const receivedAt = new Date().toISOString();
    const crash: StoredCrash = { crashId, project, size: measure.bytes, receivedAt, metadata };
    let existing: StoredCrash | null;
    try {
      existing = await settleWithTwin(crashId, async () => {
        const stored = await this.get(project, crashId);
        if (stored) return { stored };
        return (await this.claim(project, crashId)) ? { stored: null } : null;
      }).then(({ stored }) => stored);
    } catch (error) {
      await this.deleteBlob(blob);
      throw error;
    }
    if (existing) {
      await this.deleteBlob(blob);
      return { crash: existing, created: false };
    }
    const index = this.key(project, `index/${indexName({ receivedAt, crashId })}`);
    await this.send(`s3://${this.location.bucket}/${index}`, ({ client, sdk }) =>
      client.send(new sdk.PutObjectCommand({ Bucket: this.location.bucket, Key: index, Body: '', ContentLength: 0 })),
    );
    await this.putRecord({ ...crash, blob });
    // A store without conditional writes lets two reporters that took the same core at once both
    // write a record; the last one stands, and the other's bytes would be kept for nothing.
    const standing = await this.record(project, crashId);
    if (standing && standing.blob !== blob) await this.deleteBlob(blob);
    return { crash, created: true };
  }

  async get(project: string, crashId: string): Promise<StoredCrash | null> {
    const record = await this.record(project, crashId);
    if (!record) return null;
    return {
      crashId: record.crashId,
      project: record.project,
      size: record.size,
      receivedAt: record.receivedAt,
      metadata: record.metadata,
    };
  }

  async list(project: string, after: string | null, limit: number): Promise<CrashPage> {
    const prefix = this.key(project, 'index/');
    const listed = await this.send(`s3://${this.location.bucket}/${prefix}`, ({ client, sdk }) =>
      client.send(
        new sdk.ListObjectsV2Command({
          Bucket: this.location.bucket,
          Prefix: prefix,
          StartAfter: after ? `${prefix}${after.replace('|', '_')}` : undefined,
          MaxKeys: limit,
        }),
      ),
    );
    const entries = (listed.Contents ?? []).flatMap((object) => parseIndexName(object.Key?.slice(prefix.length) ?? '') ?? []);
    return pageFromIndex(entries, after, (crashId) => this.get(project, crashId));
  }

  async open(project: string, crashId: string): Promise<{ stream: Readable; size: number } | null> {
    const record = await this.record(project, crashId);
    if (!record) return null;
    const object = await this.send(`s3://${this.location.bucket}/${record.blob}`, ({ client, sdk }) =>
      client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: record.blob })),
    );
    return { stream: object.Body as Readable, size: object.ContentLength ?? record.size };
  }

  async setMetadata(project: string, crashId: string, metadata: Record<string, string>): Promise<void> {
    const record = await this.record(project, crashId);
    if (record) await this.putRecord({ ...record, metadata });
  }

  async setAttachments(project: string, crashId: string, attachments: Attachment[]): Promise<void> {
    const key = this.key(project, `attachments/${checkCrashId(crashId)}.json`);
    await this.send(`s3://${this.location.bucket}/${key}`, ({ client, sdk }) =>
      client.send(
        new sdk.PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: JSON.stringify(attachments),
          ContentType: 'application/json',
        }),
      ),
    );
  }

  async attachments(project: string, crashId: string): Promise<Attachment[] | null> {
    const key = this.key(project, `attachments/${checkCrashId(crashId)}.json`);
    let text: string;
    try {
      const { client, sdk } = await this.s3.get();
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      text = (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (isMissing(error)) return null;
      throw unavailable(error, this.location, `s3://${this.location.bucket}/${key}`);
    }
    return attachmentsOf(JSON.parse(text));
  }

  /** Read, then written when absent: two reporters taking the first two at once may both say new. */
  async firstOfFingerprint(project: string, fingerprint: string, crashId: string): Promise<string> {
    if (!/^[0-9a-f]{16,128}$/.test(fingerprint)) throw new Error('bad fingerprint');
    const key = this.key(project, `fingerprints/${fingerprint}`);
    try {
      const { client, sdk } = await this.s3.get();
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return ((await object.Body?.transformToString('utf8')) ?? '').trim();
    } catch (error) {
      if (!isMissing(error)) throw unavailable(error, this.location, `s3://${this.location.bucket}/${key}`);
    }
    await this.send(`s3://${this.location.bucket}/${key}`, ({ client, sdk }) =>
      client.send(new sdk.PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: checkCrashId(crashId) })),
    );
    return crashId;
  }
}
