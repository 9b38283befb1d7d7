import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import busboy from 'busboy';
import { METADATA_KEY, MAX_METADATA_FIELDS, MAX_METADATA_VALUE } from '../shared/reporter-protocol';
import type { CrashStorage } from './crash-storage';
import { HttpError } from './http-error';
import { cleanMetadata } from './metadata';

/** The form's file: `dump` for minimal uploaders, `upload_file_minidump` as Crashpad and Breakpad send it. */
const DUMP_FIELDS = new Set(['dump', 'upload_file_minidump']);

/**
 * A multipart form with a `dump` file. Fields before the file are stored with it; fields after
 * it are added when valid, and named in `ignored` when not. A form that ends early, has no
 * boundary or has no `dump` is refused, and nothing of it is kept.
 */
export const receiveForm = (req: IncomingMessage, storage: CrashStorage, project: string, maxBytes: number) =>
  new Promise<{ crashId: string; created: boolean; ignored: string[] }>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let stored: Promise<{ crashId: string; created: boolean }> | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 4, fields: MAX_METADATA_FIELDS, fieldSize: MAX_METADATA_VALUE, fileSize: maxBytes + 1 },
      });
    } catch (error) {
      reject(new HttpError(400, `not a multipart upload: ${(error as Error).message}; send multipart/form-data with a boundary`));
      req.resume();
      return;
    }
    let failed = false;
    let gunzip: Gunzip | null = null;
    const files = new Set<Readable>();
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      // Nothing more is read or inflated, and what was being written is closed and removed.
      req.unpipe();
      gunzip?.destroy();
      for (const file of files) file.destroy(error);
      reject(error);
    };
    // A client gone mid-form (or cut off by the idle timeout) ends nothing by itself: the
    // form's streams would wait for ever, each holding a descriptor and a partial file.
    req.once('close', () => {
      if (!req.complete) fail(new HttpError(400, 'the upload broke off before its end'));
    });
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, file) => {
      files.add(file);
      file.once('close', () => files.delete(file));
      // Listened to at once: a form that ends inside the file makes this stream fail.
      file.on('error', (error: Error) => fail(new HttpError(400, `malformed multipart upload: ${error.message}`)));
      if (!DUMP_FIELDS.has(name) || stored) {
        file.resume();
        return;
      }
      let known: Record<string, string>;
      try {
        // A field the metadata cannot take (Breakpad's "ProductName") is named in the answer, not refused.
        known = cleanMetadata(Object.fromEntries(Object.entries(fields).filter(([key]) => METADATA_KEY.test(key))));
      } catch (error) {
        file.resume();
        fail(error as Error);
        return;
      }
      stored = storage.put(project, file, known, maxBytes).then(({ crash, created }) => ({ crashId: crash.crashId, created }));
      stored.catch((error: Error) => fail(error));
    });
    parser.on('error', (error: Error) => fail(new HttpError(400, `malformed multipart upload: ${error.message}`)));
    parser.on('close', () => {
      if (failed) return;
      if (!stored) return fail(new HttpError(400, 'the upload has no "dump" (or Crashpad\'s "upload_file_minidump") file'));
      stored
        .then(async (r) => {
          const late = Object.fromEntries(Object.entries(fields).filter(([key]) => METADATA_KEY.test(key)));
          const ignored = Object.keys(fields).filter((key) => !(key in late));
          const crash = await storage.get(project, r.crashId);
          if (crash && r.created && Object.keys(late).length > Object.keys(crash.metadata).length) {
            try {
              await storage.setMetadata(project, r.crashId, cleanMetadata(late));
            } catch (error) {
              if (!(error instanceof HttpError)) throw error;
              ignored.push(...Object.keys(late).filter((key) => !(key in crash.metadata)));
            }
          }
          return { ...r, ignored };
        })
        .then(resolve, fail);
    });
    req.on('error', (error) => fail(new HttpError(400, `the upload broke off: ${error.message}`)));
    // Crashpad gzips its uploads (Content-Encoding: gzip); the limit holds for what they expand
    // to, counted as they inflate: a small bomb is stopped at the limit, never inflated whole.
    if (/^gzip$/i.test(String(req.headers['content-encoding'] ?? ''))) {
      gunzip = createGunzip();
      gunzip.on('error', (error) => fail(new HttpError(400, `the gzip-encoded upload is damaged: ${error.message}`)));
      let inflated = 0;
      const cap = maxBytes + MAX_METADATA_FIELDS * MAX_METADATA_VALUE;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          inflated += chunk.length;
          if (inflated > cap) done(new HttpError(413, `the gzip-encoded upload expands to more than the limit of ${maxBytes} bytes`));
          else done(null, chunk);
        },
      });
      limit.on('error', fail);
      req.pipe(gunzip).pipe(limit).pipe(parser);
    } else req.pipe(parser);
  });
