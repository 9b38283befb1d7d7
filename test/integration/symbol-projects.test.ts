import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrashStorage } from '../../src/reporter/crash-storage';
import { LocalStorage } from '../../src/reporter/local-storage';
import { S3Storage } from '../../src/reporter/s3-storage';
import { S3RVER_KEYS, startS3, type TestS3 } from '../fixtures/s3';
import { startReporter, type RunningReporter } from '../../src/reporter/server';

/**
 * A build-id is whatever the linker was told to write: one project can send a file under
 * another's build-id. On a shared reporter that must never change what the other project reads.
 */
const root = mkdtempSync(join(tmpdir(), 'crashwb-symbol-projects-'));
const BUILD_ID = 'c0ffee00'.repeat(5);
const TOKENS = {
  alpha: 'alpha-token-0123456789',
  beta: 'beta-token-0123456789',
  gamma: 'gamma-token-0123456789',
  admin: 'admin-token-0123456789',
};
let reporter: RunningReporter;
let s3: TestS3;
const binaries: Record<string, Buffer> = {};
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const ALPHA_SOURCE = 'int alpha_function(void) { return 1; }\n';
const BETA_SOURCE = 'int HACKED_BY_PROJECT_BETA(void) { return 2; }\n';

/** A program whose build-id is the one given, whatever its code. */
function buildWithId(name: string, source: string): Buffer {
  const c = join(root, `${name}.c`);
  writeFileSync(c, `${source}int main(void) { return 0; }\n`);
  const out = join(root, name);
  execFileSync('gcc', ['-g', `-Wl,--build-id=0x${BUILD_ID}`, '-o', out, c]);
  return readFileSync(out);
}

const call = (project: keyof typeof TOKENS, path: string, init: RequestInit = {}) =>
  fetch(`${reporter.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKENS[project]}`, ...(init.headers ?? {}) } });
const put = (project: keyof typeof TOKENS, path: string, body: Buffer | string) =>
  call(project, path, { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body) });
const fetched = async (project: keyof typeof TOKENS, path: string): Promise<Buffer> => {
  const answer = await call(project, path);
  expect(answer.status, `${project} GET ${path}`).toBe(200);
  return Buffer.from(await answer.arrayBuffer());
};
const missing = async (project: keyof typeof TOKENS): Promise<unknown[]> => {
  const answer = await call(project, '/api/v1/symbols/missing', {
    method: 'POST',
    body: JSON.stringify({ wanted: [{ buildId: BUILD_ID, kind: 'executable' }] }),
  });
  return ((await answer.json()) as { missing: unknown[] }).missing;
};

beforeAll(async () => {
  binaries.alpha = buildWithId('alpha', ALPHA_SOURCE);
  binaries.beta = buildWithId('beta', BETA_SOURCE);
  binaries.admin = buildWithId('admin', 'int rebuilt_by_admin(void) { return 3; }\n');
  s3 = await startS3(['symbols']);
}, 60_000);
afterAll(() => s3?.close());

const STORAGES: Array<[string, () => CrashStorage]> = [
  ['on local disk', () => new LocalStorage(join(mkdtempSync(join(root, 'data-')), 'data'))],
  [
    'in S3',
    () =>
      new S3Storage(
        { bucket: 'symbols', prefix: `run-${Date.now()}/`, endpoint: s3.endpoint, region: 'us-east-1', pathStyle: true },
        S3RVER_KEYS,
      ),
  ],
];

describe.each(STORAGES)('symbols shared between projects by build-id, %s', (_where, storage) => {
  beforeAll(async () => {
    reporter = await startReporter({
      port: 0,
      storage: storage(),
      projects: [
        { name: 'alpha', tokens: [TOKENS.alpha] },
        { name: 'beta', tokens: [TOKENS.beta] },
        { name: 'gamma', tokens: [TOKENS.gamma] },
        { name: 'release', tokens: [TOKENS.admin], symbolAdmin: true },
      ],
      log: () => undefined,
    });
  });
  afterAll(() => reporter?.close());

  it('keeps the first project’s file and sources when another sends the same build-id', async () => {
    expect((await put('alpha', `/api/v1/symbols/${BUILD_ID}/executable`, binaries.alpha as Buffer)).status).toBe(201);
    expect((await put('alpha', `/api/v1/sources/${sha(ALPHA_SOURCE)}`, ALPHA_SOURCE)).status).toBe(201);
    expect(
      (await put('alpha', `/api/v1/symbols/${BUILD_ID}/sources`, JSON.stringify({ files: { '/build/app.c': sha(ALPHA_SOURCE) } }))).status,
    ).toBe(201);

    // Beta sends its own file under alpha's build-id, and a source map pointing at its own text.
    expect((await put('beta', `/api/v1/symbols/${BUILD_ID}/executable`, binaries.beta as Buffer)).status).toBe(201);
    expect((await put('beta', `/api/v1/sources/${sha(BETA_SOURCE)}`, BETA_SOURCE)).status).toBe(201);
    expect(
      (await put('beta', `/api/v1/symbols/${BUILD_ID}/sources`, JSON.stringify({ files: { '/build/app.c': sha(BETA_SOURCE) } }))).status,
    ).toBe(201);

    expect((await fetched('alpha', `/buildid/${BUILD_ID}/executable`)).equals(binaries.alpha as Buffer)).toBe(true);
    expect((await fetched('alpha', `/buildid/${BUILD_ID}/source/build/app.c`)).toString()).toBe(ALPHA_SOURCE);
    // Beta reads what it sent: its own first.
    expect((await fetched('beta', `/buildid/${BUILD_ID}/executable`)).equals(binaries.beta as Buffer)).toBe(true);
    expect((await fetched('beta', `/buildid/${BUILD_ID}/source/build/app.c`)).toString()).toBe(BETA_SOURCE);
    // A third project reads the first writer's, and is told it lacks its own so that it may send it.
    expect((await fetched('gamma', `/buildid/${BUILD_ID}/executable`)).equals(binaries.alpha as Buffer)).toBe(true);
    expect(await missing('gamma')).toHaveLength(1);
    expect(await missing('alpha')).toEqual([]);
    expect(await missing('beta')).toEqual([]);
  });

  it('lets only a symbol admin replace the shared copy, and only when it asks to', async () => {
    const refused = await put('beta', `/api/v1/symbols/${BUILD_ID}/executable?replace=1`, binaries.beta as Buffer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/may not replace shared symbols/);
    expect((await fetched('gamma', `/buildid/${BUILD_ID}/executable`)).equals(binaries.alpha as Buffer)).toBe(true);

    expect((await put('admin', `/api/v1/symbols/${BUILD_ID}/executable?replace=1`, binaries.admin as Buffer)).status).toBe(201);
    expect((await fetched('gamma', `/buildid/${BUILD_ID}/executable`)).equals(binaries.admin as Buffer)).toBe(true);
    // Beta's shelf is its own still.
    expect((await fetched('beta', `/buildid/${BUILD_ID}/executable`)).equals(binaries.beta as Buffer)).toBe(true);
  });
});
