import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../../src/reporter/server';
import { FUZZ_RUNS, mutationOf } from './fuzz';

const TOKEN = 'fuzz-token';
let reporter: RunningReporter;

beforeAll(async () => {
  reporter = await startReporter({
    port: 0,
    storage: new LocalStorage(mkdtempSync(join(tmpdir(), 'crashwb-fuzz-reporter-'))),
    projects: [{ name: 'fuzz', tokens: [TOKEN] }],
    maxBytes: 1024 * 1024,
    ratePerMinute: 1_000_000,
    log: () => undefined,
  });
});
afterAll(() => reporter?.close());

const FORM = Buffer.from(
  [
    '--B0undary',
    'Content-Disposition: form-data; name="version"',
    '',
    '1.2.3',
    '--B0undary',
    'Content-Disposition: form-data; name="dump"; filename="core"',
    'Content-Type: application/octet-stream',
    '',
    '\x7fELF core bytes',
    '--B0undary',
    'Content-Disposition: form-data; name="host"',
    '',
    'web-1',
    '--B0undary--',
    '',
  ].join('\r\n'),
);

/** What the reporter may answer: anything but a server error, which would mean a request it did not expect. */
const ANSWERS = new Set([200, 201, 202, 400, 401, 403, 404, 413]);

describe('fuzzing the reporter’s request parsing (seeded, bounded)', () => {
  it('answers any multipart body with a client answer, and keeps serving', async () => {
    const contentType = fc.constantFrom(
      'multipart/form-data; boundary=B0undary',
      'multipart/form-data; boundary="B0undary"',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'text/plain',
      'multipart/mixed; boundary=B0undary',
    );
    await fc.assert(
      fc.asyncProperty(mutationOf(FORM), contentType, async (body, type) => {
        const answer = await fetch(`${reporter.url}/api/upload`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': type },
          body: new Uint8Array(body),
        });
        expect(ANSWERS).toContain(answer.status);
        await answer.arrayBuffer();
      }),
      FUZZ_RUNS,
    );
    expect((await fetch(`${reporter.url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('answers any metadata, checksum and authorization header with a client answer', async () => {
    const header = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.json().map((j) => Buffer.from(j).toString('base64url')),
    );
    await fc.assert(
      fc.asyncProperty(header, fc.string({ maxLength: 70 }), fc.string({ maxLength: 40 }), async (metadata, checksum, auth) => {
        const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, '');
        const answer = await fetch(`${reporter.url}/api/v1/crashes?after=${encodeURIComponent(checksum)}`, {
          method: 'PUT',
          headers: {
            Authorization: ascii(auth) ? `${ascii(auth)} ${TOKEN}` : `Bearer ${TOKEN}`,
            'X-Crash-Metadata': ascii(metadata),
            'X-Crash-Sha256': ascii(checksum),
          },
          body: new Uint8Array(Buffer.from('core bytes')),
        });
        expect(ANSWERS).toContain(answer.status);
        await answer.arrayBuffer();
      }),
      FUZZ_RUNS,
    );
  }, 60_000);
});
