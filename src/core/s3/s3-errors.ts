import type { S3Location } from './s3-location';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: { code?: string };
}

/** An S3 failure in words that say what to check, naming the bucket or object and the endpoint. */
export function explainS3Error(error: unknown, location: S3Location, what: string): Error {
  const e = (error ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  const code = e.code ?? e.cause?.code ?? e.name ?? '';
  const endpoint = location.endpoint ?? `AWS (${location.region ?? 'default region'})`;
  if (status === 403 || /AccessDenied|SignatureDoesNotMatch|InvalidAccessKeyId|Forbidden/.test(code)) {
    return new Error(
      `access denied to ${what} at ${endpoint} (${code || status}): check the credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or the ones saved in the app) and the bucket policy`,
    );
  }
  if (status === 404 || /NoSuchBucket|NoSuchKey|NotFound/.test(code)) {
    return new Error(`${what} does not exist at ${endpoint} (${code || status}): check the bucket name, the prefix and --region`);
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ETIMEDOUT/.test(code) || /ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(e.message ?? '')) {
    return new Error(`cannot reach the S3 endpoint ${endpoint} for ${what} (${code || e.message}): check --endpoint and the network`);
  }
  if (/ECONNRESET|EPIPE|socket hang up|aborted|premature close/i.test(`${code} ${e.message ?? ''}`)) {
    return new Error(`the connection to ${endpoint} dropped while reading ${what} (${code || e.message}); run the import again to resume`);
  }
  return new Error(`${what} at ${endpoint}: ${e.message ?? String(error)}`);
}

const statusOf = (error: unknown): number | undefined => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/** The object is not there. */
export const isMissing = (error: unknown): boolean => {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
};

/** A conditional write (If-None-Match: *) found the object already there. */
export const isPreconditionFailed = (error: unknown): boolean => statusOf(error) === 412 || statusOf(error) === 409;
