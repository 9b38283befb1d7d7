import { S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials, S3Location } from './s3-location';

/**
 * A client for the location's endpoint: path-style addressing by default when an endpoint is
 * given (MinIO, Ceph and s3rver need it), the SDK's credential chain unless credentials are given.
 */
export function s3ClientFor(location: Omit<S3Location, 'bucket' | 'prefix'>, credentials?: S3Credentials, maxAttempts?: number): S3Client {
  return new S3Client({
    endpoint: location.endpoint,
    region: location.region ?? 'us-east-1',
    forcePathStyle: location.pathStyle ?? Boolean(location.endpoint),
    credentials,
    maxAttempts,
  });
}
