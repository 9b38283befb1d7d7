/** Where crashes live in S3: a bucket, a prefix, and how to reach the endpoint. */
export interface S3Location {
  bucket: string;
  prefix: string;
  /** An S3-compatible endpoint (MinIO, Ceph, s3rver); AWS when absent. */
  endpoint?: string;
  region?: string;
  /** Address buckets as endpoint/bucket rather than bucket.endpoint (MinIO, Ceph, s3rver need it). */
  pathStyle?: boolean;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Parses s3://bucket/prefix. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m?.[1]) throw new Error(`${url} is not an S3 URL: write s3://BUCKET or s3://BUCKET/PREFIX`);
  return { bucket: m[1], prefix: m[2] ?? '' };
}

export const s3Url = (bucket: string, key: string): string => `s3://${bucket}/${key}`;
