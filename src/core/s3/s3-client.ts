import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials, S3Location } from './s3-location';

export type S3Sdk = typeof import('@aws-sdk/client-s3');

let sdk: Promise<S3Sdk> | undefined;

/** The AWS SDK, loaded on first use: loaded up front it costs every crashwb command ~0.1 s. */
export function loadS3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3');
  return sdk;
}

/**
 * A client for the location's endpoint, made on first use with the SDK's command classes beside
 * it: path-style addressing by default when an endpoint is given (MinIO, Ceph and s3rver need
 * it), the SDK's credential chain unless credentials are given.
 */
export class S3Connection {
  private ready: Promise<{ client: S3Client; sdk: S3Sdk }> | undefined;

  constructor(
    private readonly location: Omit<S3Location, 'bucket' | 'prefix'>,
    private readonly credentials?: S3Credentials,
    private readonly maxAttempts?: number,
  ) {}

  get(): Promise<{ client: S3Client; sdk: S3Sdk }> {
    this.ready ??= loadS3Sdk().then((s) => ({
      sdk: s,
      client: new s.S3Client({
        endpoint: this.location.endpoint,
        region: this.location.region ?? 'us-east-1',
        forcePathStyle: this.location.pathStyle ?? Boolean(this.location.endpoint),
        credentials: this.credentials,
        maxAttempts: this.maxAttempts,
      }),
    }));
    return this.ready;
  }
}
