import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import { localPathFor } from '../../src/core/s3/s3-source';
import { handlerZip, scopeCrashDir } from '../fixtures/bundles';
import { S3RVER_KEYS, startDroppingProxy, startS3, type TestS3 } from '../fixtures/s3';

const fixtures = inject('fixtures');
const root = mkdtempSync(join(tmpdir(), 'crashwb-s3-'));
let s3: TestS3;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = S3RVER_KEYS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_KEYS.secretAccessKey;
  s3 = await startS3(['crashes']);
  await s3.put('crashes', 'prod/2026-11/core.zst', execFileSync('zstd', ['-c', fixtures.nullDeref.core], { maxBuffer: 1 << 30 }));
  await s3.put('crashes', 'prod/2026-11/handler.zip', readFileSync(handlerZip(join(root, 'zips'), fixtures.cpp.core)));
  await s3.put('crashes', 'prod/README.txt', 'not a crash');
  await s3.put('crashes', 'staging/core', readFileSync(fixtures.abort.core));
  const scope = scopeCrashDir(
    join(root, 'scope'),
    777,
    1764000000,
    'backtrace info: signal 11 errno 0 fault address 0x0\n',
    fixtures.nullDeref.core,
  );
  for (const name of readdirSync(scope)) await s3.put('crashes', `appview/777/${name}`, readFileSync(join(scope, name)));
}, 60_000);
afterAll(() => s3?.close());

/** The CLI, run without blocking: the S3 server answers from this same process. */
const crashwb = (...args: string[]): Promise<{ status: number; stdout: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(process.cwd(), 'bin', 'crashwb.cjs'), ...args],
      { encoding: 'utf8', env: process.env, timeout: 120_000 },
      (error, stdout) => resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });

describe('importing from S3', () => {
  it('syncs a prefix with the CLI, and a second sync downloads and imports nothing', async () => {
    const db = join(mkdtempSync(join(root, 'db-')), 'wb.db');
    const first = await crashwb('import', '--db', db, 's3://crashes/prod', '--endpoint', s3.endpoint, '--path-style');
    expect(first.stdout).toMatch(/imported 2, already present 0, failed 1/);
    expect(first.stdout).toMatch(/failed: s3:\/\/crashes\/prod\/README\.txt: .*not a crash/);
    const downloaded = join(db, '..', 's3', 'crashes', 'prod', '2026-11', 'core.zst');
    const before = statSync(downloaded).mtimeMs;
    const second = await crashwb('import', '--db', db, 's3://crashes/prod', '--endpoint', s3.endpoint, '--path-style');
    expect(second.stdout).toMatch(/imported 0, already present 2, failed 1/);
    expect(statSync(downloaded).mtimeMs).toBe(before);
    const events = JSON.parse((await crashwb('events', '--db', db, '--json')).stdout) as Array<{ attributes: Record<string, string> }>;
    expect(events.map((e) => e.attributes['s3.url']).sort()).toEqual([
      's3://crashes/prod/2026-11/core.zst',
      's3://crashes/prod/2026-11/handler.zip',
    ]);
    expect(events.find((e) => e.attributes.namespace)?.attributes).toMatchObject({ namespace: 'payments', 's3.bucket': 'crashes' });
  });

  it('imports an AppView crash folder as one crash with its metadata, even when one part is picked', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db') });
    try {
      const report = await wb.importS3({
        url: 's3://crashes/appview',
        endpoint: s3.endpoint,
        pathStyle: true,
        keys: ['appview/777/core_1764000000'],
      });
      expect(report).toMatchObject({ imported: ['s3://crashes/appview/777/'], failed: [] });
      const [group] = (await wb.listGroups()).groups;
      const [crash] = await wb.listGroupEvents(group?.id ?? 0);
      expect(crash?.attributes['s3.url']).toBe('s3://crashes/appview/777/');
      expect(crash?.attributes).toMatchObject({ hostname: 'scope-host', 'scope.version': 'v1.4.1', application: 'server' });
      const listing = await wb.listS3({ endpoint: s3.endpoint, pathStyle: true }, 's3://crashes/appview/777/');
      expect(new Set(listing.objects.map((o) => o.kind))).toEqual(new Set(['AppView crash folder']));
    } finally {
      wb.close();
    }
  });

  it('resumes a download whose connection dropped halfway', async () => {
    const proxy = await startDroppingProxy(s3.port, 64 * 1024);
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db') });
    try {
      const progress: Array<{ done: number; total: number; current: string | null }> = [];
      wb.onEvent((e) => {
        if (e.type === 'import' && e.jobId === 'download') progress.push({ done: e.done, total: e.total, current: e.current });
      });
      const report = await wb.importS3({ url: 's3://crashes/staging', endpoint: `http://127.0.0.1:${proxy.port}`, pathStyle: true });
      expect(progress.at(-1)).toEqual({
        done: statSync(fixtures.abort.core).size,
        total: statSync(fixtures.abort.core).size,
        current: 'downloading s3://crashes/staging/core',
      });
      expect(report.failed).toEqual([]);
      expect(report.imported).toEqual(['s3://crashes/staging/core']);
      expect(proxy.cuts).toBe(1);
      expect((await wb.listGroups()).groups[0]?.title).toMatch(/abort in check_invariant/);
    } finally {
      wb.close();
      await proxy.close();
    }
  });

  it('says what is wrong for bad credentials, a missing bucket and an unreachable endpoint, losing nothing', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db') });
    try {
      await wb.openCore({ path: fixtures.workerThread.core });
      // s3rver checks the key id, not the secret: an unknown key id is its 403.
      process.env.AWS_ACCESS_KEY_ID = 'NOT-A-KEY';
      await expect(wb.importS3({ url: 's3://crashes/prod', endpoint: s3.endpoint, pathStyle: true })).rejects.toThrow(
        /access denied to s3:\/\/crashes\/prod .*check the credentials/,
      );
      process.env.AWS_ACCESS_KEY_ID = S3RVER_KEYS.accessKeyId;
      await expect(wb.importS3({ url: 's3://no-such-bucket/x', endpoint: s3.endpoint, pathStyle: true })).rejects.toThrow(
        /s3:\/\/no-such-bucket\/x does not exist .*check the bucket name/,
      );
      await expect(wb.importS3({ url: 's3://crashes/prod', endpoint: 'http://127.0.0.1:9', pathStyle: true })).rejects.toThrow(
        /cannot reach the S3 endpoint http:\/\/127\.0\.0\.1:9/,
      );
      expect((await wb.listGroups()).crashes).toBe(1);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = S3RVER_KEYS.accessKeyId;
      wb.close();
    }
  });

  it('lists buckets and one level at a time, recognising crash bundles by name, and keeps credentials only where it can', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db') });
    try {
      expect((await wb.listS3({ endpoint: s3.endpoint, pathStyle: true }, null)).buckets).toEqual(['crashes']);
      const rootLevel = await wb.listS3({ endpoint: s3.endpoint, pathStyle: true }, 's3://crashes');
      expect(rootLevel.prefixes).toEqual(['appview/', 'prod/', 'staging/']);
      const month = await wb.listS3({ endpoint: s3.endpoint, pathStyle: true }, 's3://crashes/prod/2026-11/');
      expect(month.objects.map((o) => [o.key, o.kind, o.synced])).toEqual([
        ['prod/2026-11/core.zst', 'compressed core', false],
        ['prod/2026-11/handler.zip', 'zip', false],
      ]);
      await expect(wb.saveS3Credentials(s3.endpoint, { accessKeyId: 'a', secretAccessKey: 'b' })).rejects.toThrow(
        /can be saved in the desktop app only/,
      );
      await expect(wb.listS3({ endpoint: s3.endpoint, savedCredentials: true }, null)).rejects.toThrow(/kept by the desktop app only/);
    } finally {
      wb.close();
    }
  });

  it('uses the credentials saved for an endpoint instead of the environment’s', async () => {
    const kept = new Map<string, string>();
    const secrets = {
      get: async (name: string) => kept.get(name) ?? null,
      set: async (name: string, value: string | null) => void (value === null ? kept.delete(name) : kept.set(name, value)),
    };
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db'), secrets });
    process.env.AWS_ACCESS_KEY_ID = 'NOT-A-KEY';
    try {
      await expect(wb.listS3({ endpoint: s3.endpoint, savedCredentials: true }, null)).rejects.toThrow(/no credentials are saved for http/);
      await wb.saveS3Credentials(s3.endpoint, S3RVER_KEYS);
      expect([...kept.keys()]).toEqual([`s3:${s3.endpoint}`]);
      expect((await wb.listS3({ endpoint: s3.endpoint, savedCredentials: true }, null)).buckets).toEqual(['crashes']);
      await expect(wb.listS3({ endpoint: s3.endpoint }, null)).rejects.toThrow(/access denied/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = S3RVER_KEYS.accessKeyId;
      wb.close();
    }
  });

  it('refuses object keys that would land outside the download folder', () => {
    expect(() => localPathFor('/data/s3', 'b', '../../etc/passwd')).toThrow(/refusing s3:\/\/b\/\.\.\/\.\.\/etc\/passwd/);
    expect(localPathFor('/data/s3', 'b', 'prod//core.zst')).toBe('/data/s3/b/prod/core.zst');
  });
});
