import { METADATA_KEY, MAX_METADATA_FIELDS, MAX_METADATA_VALUE } from '../shared/reporter-protocol';
import { HttpError } from './http-error';

/** The X-Crash-Metadata header: base64url of a JSON object, or nothing. */
export function parseMetadataHeader(raw: string | string[] | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = typeof raw === 'string' ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : null;
  } catch {
    throw new HttpError(400, 'X-Crash-Metadata must be base64url-encoded JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'X-Crash-Metadata must hold a JSON object of field names and values');
  }
  return value as Record<string, unknown>;
}

/** Keeps uploader-sent metadata to short strings under plain keys; nothing in it is ever a path. */
export function cleanMetadata(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (Object.keys(out).length >= MAX_METADATA_FIELDS) throw new HttpError(400, `at most ${MAX_METADATA_FIELDS} metadata fields`);
    if (!METADATA_KEY.test(key)) throw new HttpError(400, `bad metadata field name ${JSON.stringify(key.slice(0, 80))}`);
    if (typeof value !== 'string' && typeof value !== 'number') throw new HttpError(400, `metadata field ${key} must be text`);
    const text = String(value);
    if (text.length > MAX_METADATA_VALUE) throw new HttpError(400, `metadata field ${key} is longer than ${MAX_METADATA_VALUE} characters`);
    out[key] = text;
  }
  return out;
}
