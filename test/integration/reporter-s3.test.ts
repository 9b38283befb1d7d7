import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadReporterConfig } from '../../src/reporter/config';
import { startReporter, type RunningReporter } from '../../src/reporter/server';
import { S3Storage } from '../../src/reporter/s3-storage';
import { S3RVER_KEYS, startS3, type TestS3 } from '../fixtures/s3';

const fixtures = inject('fixtures');
const CLI = join(process.cwd(), 'bin', 'crashwb.cjs');
const root = mkdtempSync(join(tmpdir(), 'crashwb-reporter-s3-'));
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const WEB_TOKEN = 'web-token-0123456789';
const BATCH_TOKEN = 'batch-token-0123456789';
const ENV = {
  AWS_ACCESS_KEY_ID: S3RVER_KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_KEYS.secretAccessKey,
  CRASHWB_BATCH_TOKEN: BATCH_TOKEN,
};
let s3: TestS3;
let config: string;
const reporters: RunningReporter[] = [];

function writeConfig(name: string, storage: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const path = join(root, name);
  writeFileSync(
    path,
    JSON.stringify({
      storage,
      maxMb: 64,
      projects: [
        { name: 'web', tokens: [WEB_TOKEN] },
        { name: 'batch', tokenEnv: ['CRASHWB_BATCH_TOKEN'], maxMb: 1 },
      ],
      ...extra,
    }),
  );
  return path;
}

/** One more reporter on the shared bucket, as another instance behind the load balancer. */
async function instance(): Promise<RunningReporter> {
  const reporter = await startReporter({ ...(await loadReporterConfig(config, ENV)), port: 0, log: () => undefined });
  reporters.push(reporter);
  return reporter;
}

const put = (reporter: RunningReporter, token: string, body: Buffer, metadata: Record<string, string> = {}) =>
  fetch(`${reporter.url}/api/v1/crashes`, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${token}`,
      'X-Crash-Metadata': Buffer.from(JSON.stringify(metadata)).toString('base64url'),
    },
    body: new Uint8Array(body),
  });

const list = async (reporter: RunningReporter, token: string) =>
  (await (await fetch(`${reporter.url}/api/v1/crashes`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
    crashes: Array<{ crashId: string; size: number; metadata: Record<string, string> }>;
  };

beforeAll(async () => {
  s3 = await startS3(['crashes']);
  Object.assign(process.env, ENV);
  config = writeConfig('reporter.json', { type: 's3', bucket: 'crashes', prefix: 'reporter', endpoint: s3.endpoint, pathStyle: true });
});
afterAll(async () => {
  await Promise.all(reporters.map((r) => r.close()));
  await s3?.close();
});

describe('a reporter storing into S3, several instances on one bucket', () => {
  it('lists and serves, from one instance, what another stored, and keeps a core sent to both once', async () => {
    const [a, b] = [await instance(), await instance()];
    const core = readFileSync(fixtures.nullDeref.core);
    expect((await put(a, WEB_TOKEN, core, { hostname: 'web-1' })).status).toBe(201);
    const again = await put(b, WEB_TOKEN, core, { hostname: 'web-1' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ crash_id: sha(core), created: false });

    const form = new FormData();
    form.set('executable', 'abort');
    form.set('signal', '6');
    form.set('dump', new Blob([readFileSync(fixtures.abort.core)]), 'core');
    expect((await fetch(`${b.url}/api/upload?token=${WEB_TOKEN}`, { method: 'POST', body: form })).status).toBe(202);

    const listing = await list(a, WEB_TOKEN);
    expect(listing.crashes.map((c) => c.crashId)).toEqual([sha(core), sha(readFileSync(fixtures.abort.core))]);
    expect(listing.crashes[1]?.metadata).toMatchObject({ executable: 'abort', signal: '6' });
    const served = Buffer.from(await (await fetch(`${b.url}/api/v1/crashes/${sha(core)}/core?token=${WEB_TOKEN}`)).arrayBuffer());
    expect(sha(served)).toBe(sha(core));
  });

  it('keeps what came beside a core, sent to one instance and served by another; refuses it for an unknown crash or in a bad shape', async () => {
    const [a, b] = [await instance(), await instance()];
    const core = readFileSync(fixtures.workerThread.core);
    expect((await put(a, WEB_TOKEN, core)).status).toBeLessThan(300);
    const attachments = (id: string, init: RequestInit = {}) =>
      fetch(`${(init.method === 'PUT' ? a : b).url}/api/v1/crashes/${id}/attachments`, {
        ...init,
        headers: { Authorization: `Bearer ${WEB_TOKEN}`, 'Content-Type': 'application/json' },
      });
    expect((await attachments(sha(core))).status).toBe(404);
    const sent = [{ name: 'journal of shop.service', text: 'panic: boom\n' }];
    expect((await attachments(sha(core), { method: 'PUT', body: JSON.stringify(sent) })).status).toBe(200);
    expect(await (await attachments(sha(core))).json()).toEqual(sent);
    expect((await attachments('0'.repeat(64), { method: 'PUT', body: JSON.stringify(sent) })).status).toBe(404);
    const bad = await attachments(sha(core), { method: 'PUT', body: JSON.stringify([{ name: 'x\ny', text: '' }]) });
    expect([bad.status, await bad.text()]).toEqual([400, expect.stringMatching(/attachment 0: a name of 1 to 200 printable characters/)]);
  });

  it('streams a core larger than one part as a multipart upload, whole', async () => {
    const [a, b] = [await instance(), await instance()];
    const big = randomBytes(20 * 1024 * 1024);
    const response = await put(a, WEB_TOKEN, big);
    expect(response.status).toBe(201);
    const listed = (await list(b, WEB_TOKEN)).crashes.find((c) => c.crashId === sha(big));
    expect(listed?.size).toBe(big.length);
    const served = Buffer.from(await (await fetch(`${b.url}/api/v1/crashes/${sha(big)}/core?token=${WEB_TOKEN}`)).arrayBuffer());
    expect(sha(served)).toBe(sha(big));
  });

  it('keeps projects apart, with their own tokens (one from the environment) and size limits', async () => {
    const a = await instance();
    expect((await list(a, BATCH_TOKEN)).crashes).toEqual([]);
    expect((await fetch(`${a.url}/api/v1/crashes/${sha(readFileSync(fixtures.nullDeref.core))}/core?token=${BATCH_TOKEN}`)).status).toBe(
      404,
    );
    const tooBig = await put(a, BATCH_TOKEN, randomBytes(2 * 1024 * 1024));
    expect(tooBig.status).toBe(413);
    const small = randomBytes(1000);
    expect((await put(a, BATCH_TOKEN, small)).status).toBe(201);
    expect((await list(a, BATCH_TOKEN)).crashes.map((c) => c.crashId)).toEqual([sha(small)]);
    expect((await list(a, WEB_TOKEN)).crashes.map((c) => c.crashId)).not.toContain(sha(small));
  });

  it('answers 503 with what to check when the bucket is missing, and keeps what was stored', async () => {
    const broken = writeConfig('broken.json', { type: 's3', bucket: 'no-such-bucket', endpoint: s3.endpoint, pathStyle: true });
    const logs: Array<Record<string, unknown>> = [];
    const reporter = await startReporter({ ...(await loadReporterConfig(broken, ENV)), port: 0, log: (e) => logs.push(e) });
    reporters.push(reporter);
    const response = await put(reporter, WEB_TOKEN, randomBytes(100));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /no-such-bucket.* does not exist at http:\/\/127\.0\.0\.1:\d+.*check the bucket name/,
    );
    expect(logs).toContainEqual(expect.objectContaining({ event: 'error', status: 503, path: '/api/v1/crashes' }));
    expect((await list(await instance(), WEB_TOKEN)).crashes.length).toBeGreaterThanOrEqual(3);
  });

  it('stores a core sent eight times at once, to two instances, as one crash listed once', async () => {
    const [a, b] = [await instance(), await instance()];
    const body = randomBytes(64 * 1024);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => put(i % 2 ? a : b, WEB_TOKEN, body).then(async (r) => (await r.json()) as { created: boolean })),
    );
    expect(answers.filter((x) => x.created)).toHaveLength(1);
    const id = createHash('sha256').update(body).digest('hex');
    expect((await list(a, WEB_TOKEN)).crashes.filter((c) => c.crashId === id)).toHaveLength(1);
  });

  it('is pulled into the workbench through any instance', async () => {
    const { Workbench } = await import('../../src/core/workbench');
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db') });
    try {
      const a = await instance();
      const report = await wb.imports.importReporter({ url: `reporter+${a.url}`, token: WEB_TOKEN }, {});
      // Three real cores (one came with attachments), and the random bytes no debugger can read (20 MiB, and the 64 KiB sent eight times).
      expect(report.imported).toHaveLength(3);
      expect(report.failed).toHaveLength(2);
      const b = await instance();
      const again = await wb.imports.importReporter({ url: `reporter+${b.url}`, token: WEB_TOKEN }, {});
      expect(again.imported).toEqual([]);
    } finally {
      wb.close();
    }
  });
});

describe('the symbol store and fingerprints in S3', () => {
  it('keeps a symbol file sent to one instance and serves it from another, as debuginfod', async () => {
    const [a, b] = [await instance(), await instance()];
    const exe = readFileSync(fixtures.nullDeref.executable);
    const buildId = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', fixtures.nullDeref.executable], { encoding: 'utf8' }))?.[1];
    const sent = await fetch(`${a.url}/api/v1/symbols/${buildId}/executable`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${WEB_TOKEN}` },
      body: new Uint8Array(exe),
    });
    expect(sent.status).toBe(201);
    expect(((await sent.json()) as { kinds: string[] }).kinds).toEqual(['executable', 'debuginfo']);
    const served = await fetch(`${b.url}/buildid/${buildId}/debuginfo`, { headers: { Authorization: `Bearer ${BATCH_TOKEN}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(exe)).toBe(true);
    const missing = await fetch(`${b.url}/api/v1/symbols/missing`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${WEB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        wanted: [
          { buildId, kind: 'executable' },
          { buildId: 'ab'.repeat(20), kind: 'debuginfo' },
        ],
      }),
    });
    expect(((await missing.json()) as { missing: unknown[] }).missing).toEqual([{ buildId: 'ab'.repeat(20), kind: 'debuginfo' }]);
  });

  it('keeps a Breakpad symbol file sent to one instance and serves it from another in the symbol-store layout', async () => {
    const [a, b] = [await instance(), await instance()];
    const id = '0123456789ABCDEF0123456789ABCDEF1';
    const sym = `MODULE windows x86_64 ${id} c:\\build\\app.pdb\nPUBLIC 1000 0 main\n`;
    const sent = await fetch(`${a.url}/api/v1/breakpad/app.pdb/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${WEB_TOKEN}` },
      body: sym,
    });
    expect(sent.status).toBe(201);
    const served = await fetch(`${b.url}/app.pdb/${id}/app.sym`, { headers: { Authorization: `Bearer ${BATCH_TOKEN}` } });
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(sym);
    const missing = await fetch(`${b.url}/api/v1/breakpad/missing`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${WEB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        wanted: [
          { debugFile: 'app.pdb', debugId: id.toLowerCase() },
          { debugFile: 'lib.pdb', debugId: id },
        ],
      }),
    });
    expect(((await missing.json()) as { missing: unknown[] }).missing).toEqual([{ debugFile: 'lib.pdb', debugId: id }]);
  });

  it('keeps sources by content and serves them by path for a build, across instances', async () => {
    const [a, b] = [await instance(), await instance()];
    const text = Buffer.from('int main(void) { return *(int *)0; }\n');
    const hash = sha(text);
    const auth = { Authorization: `Bearer ${WEB_TOKEN}` };
    expect((await fetch(`${a.url}/api/v1/sources/${hash}`, { method: 'PUT', headers: auth, body: new Uint8Array(text) })).status).toBe(201);
    const damaged = await fetch(`${a.url}/api/v1/sources/${'0'.repeat(64)}`, { method: 'PUT', headers: auth, body: new Uint8Array(text) });
    expect(damaged.status).toBe(400);
    const indexed = await fetch(`${b.url}/api/v1/symbols/${'ab'.repeat(20)}/sources`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ files: { '/build/src/main file.c': hash } }),
    });
    expect(indexed.status).toBe(201);
    const served = await fetch(`${a.url}/buildid/${'ab'.repeat(20)}/source/build/src/main%20file.c`, { headers: auth });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(text)).toBe(true);
    const missing = await fetch(`${b.url}/api/v1/sources/missing`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256s: [hash, '1'.repeat(64)] }),
    });
    expect(((await missing.json()) as { missing: string[] }).missing).toEqual(['1'.repeat(64)]);
  });

  it('remembers the first crash of a fingerprint across instances', async () => {
    const storage = new S3Storage(
      { bucket: 'crashes', prefix: 'fp/', endpoint: s3.endpoint, region: 'us-east-1', pathStyle: true },
      S3RVER_KEYS,
    );
    const [first, second] = ['1'.repeat(64), '2'.repeat(64)];
    expect(await storage.firstOfFingerprint('web', 'f'.repeat(32), first)).toBe(first);
    expect(await storage.firstOfFingerprint('web', 'f'.repeat(32), second)).toBe(first);
    expect(await storage.firstOfFingerprint('batch', 'f'.repeat(32), second)).toBe(second);
  });
});

describe('crashwb reporter --config', () => {
  it('starts on the S3 storage of the file and says where it stores', async () => {
    const child: ChildProcess = spawn(process.execPath, [CLI, 'reporter', '--config', config, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...ENV },
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the reporter did not start within 20 s')), 20_000);
        let out = '';
        let err = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) {
            clearTimeout(timer);
            resolve(out.split('\n')[0] ?? '');
          }
        });
        child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', () => reject(new Error(`the reporter exited: ${err}`)));
      });
      const started = JSON.parse(line) as { url: string; storage: string; projects: string[] };
      expect(started).toMatchObject({
        storage: expect.stringMatching(/^s3:\/\/crashes\/reporter\/ at http:\/\/127\.0\.0\.1:/),
        projects: ['web', 'batch'],
      });
      const listing = (await (await fetch(`${started.url}/api/v1/crashes?token=${WEB_TOKEN}`)).json()) as { crashes: unknown[] };
      expect(listing.crashes.length).toBeGreaterThanOrEqual(3);
    } finally {
      child.kill();
    }
  });

  it('names the file and the field of a bad config', async () => {
    const bad = (name: string, body: unknown) => {
      const path = join(root, name);
      writeFileSync(path, JSON.stringify(body));
      return path;
    };
    const local = { type: 'local', dir: 'data' };
    await expect(
      loadReporterConfig(bad('p.json', { storage: local, projects: [{ name: 'Web!', tokens: ['x'.repeat(16)] }] })),
    ).rejects.toThrow(/p\.json: projects\.0\.name: lower-case letters/);
    await expect(
      loadReporterConfig(bad('e.json', { storage: local, projects: [{ name: 'web', tokenEnv: ['NOPE_UNSET'] }] }), {}),
    ).rejects.toThrow(/e\.json: project web: the environment variable NOPE_UNSET holds no token/);
    await expect(
      loadReporterConfig(bad('u.json', { storage: local, projects: [{ name: 'web', tokens: ['x'.repeat(16)] }], tokens: [] })),
    ).rejects.toThrow(/u\.json: \(top level\): Unrecognized key/);
    await expect(loadReporterConfig(join(root, 'missing.json'))).rejects.toThrow(/cannot read the reporter config .*missing\.json/);
  });
});
