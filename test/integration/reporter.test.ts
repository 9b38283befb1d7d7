import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimOwner, ownerGone } from '../../src/reporter/claim-owner';
import { IN_FLIGHT_MS, settleWithTwin } from '../../src/reporter/crash-storage';
import { StorageUnavailable } from '../../src/reporter/storage-errors';
import { LocalStorage } from '../../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../../src/reporter/server';

const fixtures = inject('fixtures');
const root = mkdtempSync(join(tmpdir(), 'crashwb-reporter-'));
const PROJECTS = [
  { name: 'alpha', tokens: ['alpha-token'] },
  { name: 'beta', tokens: ['beta-token'] },
];
let reporter: RunningReporter;
const core = () => readFileSync(fixtures.nullDeref.core);
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const defaults = join(root, 'defaults.conf');

beforeAll(async () => {
  writeFileSync(defaults, '# what every upload from this host says\nregion = eu-1\n');
  reporter = await startReporter({
    port: 0,
    storage: new LocalStorage(join(root, 'data')),
    projects: PROJECTS,
    maxBytes: 256 * 1024 * 1024,
    log: () => undefined,
  });
});
afterAll(() => reporter?.close());

/** `crashwb upload`, with a core on stdin, run without blocking this process (the reporter answers from it). */
function upload(
  server: string,
  spool: string,
  extra: string[] = [],
  stdin: string | null = fixtures.nullDeref.core,
): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(process.cwd(), 'bin', 'crashwb.cjs'),
        'upload',
        '--server',
        server,
        '--token',
        'alpha-token',
        '--spool',
        spool,
        '--defaults',
        defaults,
        ...extra,
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, CRASHWB_META_SERVICE: 'billing' },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    if (stdin) createReadStream(stdin).pipe(child.stdin);
    else child.stdin.end();
    child.on('exit', (code) => resolve({ status: code ?? 1, out }));
  });
}

const api = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${reporter.url}${path}`, {
    ...init,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
  });

describe('crashwb upload and crashwb reporter', () => {
  it('spools a core from stdin, uploads it once however often it is sent, and serves it back', async () => {
    const spool = join(root, 'spool-1');
    const first = await upload(reporter.url, spool, ['4242', 'null_deref', '1700000000', '11', 'web-1']);
    expect(first).toMatchObject({ status: 0, out: expect.stringMatching(/sent 1, kept in .*: 0/) });
    await upload(reporter.url, spool, ['4242', 'null_deref', '1700000000', '11', 'web-1']);
    const listing = (await (await api('/api/v1/crashes', 'alpha-token')).json()) as {
      crashes: Array<{ crashId: string; metadata: Record<string, string> }>;
    };
    expect(listing.crashes).toHaveLength(1);
    expect(listing.crashes[0]).toMatchObject({
      crashId: sha(core()),
      metadata: {
        pid: '4242',
        executable: 'null_deref',
        signal: '11',
        hostname: 'web-1',
        build_id: expect.stringMatching(/^[0-9a-f]{40}$/),
        service: 'billing',
        region: 'eu-1',
      },
    });
    const bytes = Buffer.from(await (await api(`/api/v1/crashes/${sha(core())}/core`, 'alpha-token')).arrayBuffer());
    expect(sha(bytes)).toBe(sha(core()));
    expect(readdirSync(spool).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('keeps the core in the spool while the reporter is down, and --drain sends it later', async () => {
    const spool = join(root, 'spool-2');
    const down = await upload('http://127.0.0.1:9', spool, ['7', 'abort', '1700000001', '6', 'web-2'], fixtures.abort.core);
    expect(down.status).toBe(1);
    expect(down.out).toMatch(/kept in .*: 1/);
    expect(readdirSync(spool).filter((n) => n.endsWith('.core'))).toHaveLength(1);
    const later = await upload(reporter.url, spool, ['--drain'], null);
    expect(later).toMatchObject({ status: 0, out: expect.stringMatching(/sent 1, kept in .*: 0/) });
  });

  it('takes the simple multipart form of minimal uploaders, with the token in the URL', async () => {
    const form = new FormData();
    form.set('pid', '99');
    form.set('executable', 'method_crash');
    form.set('signal', '11');
    form.set('dump', new Blob([readFileSync(fixtures.cpp.core)]), 'core');
    const response = await fetch(`${reporter.url}/api/upload?token=alpha-token`, { method: 'POST', body: form });
    expect(response.status).toBe(202);
    const { crash_id: id } = (await response.json()) as { crash_id: string };
    expect(id).toBe(sha(readFileSync(fixtures.cpp.core)));
    const listing = (await (await api('/api/v1/crashes', 'alpha-token')).json()) as {
      crashes: Array<{ crashId: string; metadata: Record<string, string> }>;
    };
    expect(listing.crashes.find((c) => c.crashId === id)?.metadata).toMatchObject({ pid: '99', executable: 'method_crash' });
  });

  it('refuses no token, a wrong token, and another project’s token', async () => {
    expect((await api('/api/v1/crashes')).status).toBe(401);
    expect((await api('/api/v1/crashes', 'not-a-token')).status).toBe(403);
    const beta = (await (await api('/api/v1/crashes', 'beta-token')).json()) as { crashes: unknown[] };
    expect(beta.crashes).toEqual([]);
    expect((await api(`/api/v1/crashes/${sha(core())}/core`, 'beta-token')).status).toBe(404);
    expect((await fetch(`${reporter.url}/healthz`)).status).toBe(200);
  });

  it('refuses path traversal in any field, and uploads over the size limit', async () => {
    expect((await api('/api/v1/crashes/..%2F..%2Fetc%2Fpasswd/core', 'alpha-token')).status).toBe(400);
    const bad = await api('/api/v1/crashes', 'alpha-token', {
      method: 'PUT',
      headers: { 'X-Crash-Metadata': Buffer.from(JSON.stringify({ '../../x': 'y' })).toString('base64url') },
      body: 'core',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/bad metadata field name/);
    const fine = await api('/api/v1/crashes', 'alpha-token', {
      method: 'PUT',
      headers: { 'X-Crash-Metadata': Buffer.from(JSON.stringify({ executable: '../../etc/passwd' })).toString('base64url') },
      body: 'x',
    });
    // A value is only ever text: stored as sent, never a path.
    expect(fine.status).toBe(201);
    expect(readdirSync(join(root, 'data'))).toEqual(expect.arrayContaining(['alpha']));
    const small = await startReporter({
      port: 0,
      storage: new LocalStorage(join(root, 'small')),
      projects: PROJECTS,
      maxBytes: 1024 * 1024,
      log: () => undefined,
    });
    try {
      const big = await fetch(`${small.url}/api/v1/crashes`, {
        method: 'PUT',
        headers: { Authorization: 'Bearer alpha-token' },
        body: Buffer.alloc(2 * 1024 * 1024),
      });
      expect(big.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});

describe('pulling from a reporter into the workbench', () => {
  it('imports what arrived since the last sync, with the uploaders’ metadata, and only that', async () => {
    const { Workbench } = await import('../../src/core/workbench');
    for (const fx of [fixtures.workerThread, fixtures.abort]) {
      const put = await api('/api/v1/crashes', 'beta-token', {
        method: 'PUT',
        headers: { 'X-Crash-Metadata': Buffer.from(JSON.stringify({ hostname: 'db-3', executable: fx.name })).toString('base64url') },
        body: readFileSync(fx.core),
      });
      expect(put.status).toBe(201);
    }
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db') });
    try {
      const url = `reporter+${reporter.url}`;
      const first = await wb.imports.importReporter({ url, token: 'beta-token' }, {});
      expect(first.failed).toEqual([]);
      expect(first.imported).toHaveLength(2);
      const events = (await Promise.all((await wb.listGroups()).groups.map((g) => wb.listGroupEvents(g.id)))).flat();
      expect(events.map((e) => e.attributes.hostname)).toEqual(['db-3', 'db-3']);
      expect(events[0]?.attributes['reporter.url']).toBe(reporter.url);
      const again = await wb.imports.importReporter({ url, token: 'beta-token' }, {});
      expect(again).toMatchObject({ imported: [], existing: [], failed: [] });

      // Another reporter instance, its clock a few minutes behind, finishes storing a crash after
      // this sync listed later ones: the next sync still finds it.
      const late = readFileSync(fixtures.nullDeref.core);
      const stamped = new Date(Date.now() - 3 * 60_000).toISOString();
      writeFileSync(join(root, 'data', 'beta', `${sha(late)}.core`), late);
      writeFileSync(join(root, 'data', 'beta', '.index', `${stamped}_${sha(late)}`), '');
      writeFileSync(
        join(root, 'data', 'beta', `${sha(late)}.json`),
        JSON.stringify({ crashId: sha(late), project: 'beta', size: late.length, receivedAt: stamped, metadata: { hostname: 'db-9' } }),
      );
      const third = await wb.imports.importReporter({ url, token: 'beta-token' }, {});
      expect(third).toMatchObject({ existing: [], failed: [] });
      expect(third.imported).toHaveLength(1);
      await expect(wb.imports.importReporter({ url, token: 'wrong' }, {})).rejects.toThrow(
        /refused the token \(403\): check the project's token/,
      );
      await expect(wb.imports.importReporter({ url: 'reporter+http://127.0.0.1:9', token: 'x' }, {})).rejects.toThrow(
        /cannot reach the reporter at http:\/\/127\.0\.0\.1:9/,
      );
    } finally {
      wb.close();
    }
  });
});

describe('the local storage’s index', () => {
  it('indexes a data directory written before the index existed, once, and lists it in order', async () => {
    const data = join(root, 'legacy');
    mkdirSync(join(data, 'alpha'), { recursive: true });
    const records = ['2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z'].map((receivedAt, i) => {
      const crashId = sha(Buffer.from(`legacy-${i}`));
      writeFileSync(join(data, 'alpha', `${crashId}.core`), `legacy-${i}`);
      writeFileSync(
        join(data, 'alpha', `${crashId}.json`),
        JSON.stringify({ crashId, project: 'alpha', size: 8, receivedAt, metadata: {} }),
      );
      return { crashId, receivedAt };
    });
    const storage = new LocalStorage(data);
    const first = await storage.list('alpha', null, 1);
    expect(first.crashes.map((c) => c.receivedAt)).toEqual(['2026-01-01T00:00:00.000Z']);
    const rest = await storage.list('alpha', first.cursor, 10);
    expect(rest.crashes.map((c) => c.crashId)).toEqual([records[0]?.crashId]);
    expect(readdirSync(join(data, 'alpha', '.index')).sort()).toEqual(
      ['.complete', ...records.map((r) => `${r.receivedAt}_${r.crashId}`)].sort(),
    );
  });

  it('waits for an arrival whose record is still being written, and passes one whose writer died long ago', async () => {
    const data = join(root, 'inflight');
    const storage = new LocalStorage(data);
    const { crash } = await storage.put('alpha', Readable.from([Buffer.from('stored')]), {}, 1024);
    const dead = `${new Date(Date.parse(crash.receivedAt) - 3_600_000).toISOString()}_${'d'.repeat(64)}`;
    writeFileSync(join(data, 'alpha', '.index', dead), '');
    expect((await storage.list('alpha', null, 10)).crashes.map((c) => c.crashId)).toEqual([crash.crashId]);
    const busy = `${new Date(Date.parse(crash.receivedAt) - 1000).toISOString()}_${'b'.repeat(64)}`;
    writeFileSync(join(data, 'alpha', '.index', busy), '');
    const page = await storage.list('alpha', null, 10);
    expect(page.crashes).toEqual([]);
    expect(page.cursor).toBe(dead.replace('_', '|'));
  });
});

describe('a crash whose record another put holds the claim to', () => {
  const claimPath = (data: string, crashId: string) => join(data, 'alpha', '.claims', crashId);

  it('is taken over at once when the claim was left by a reporter killed before writing the record', async () => {
    const data = join(root, 'killed-claim');
    const bytes = Buffer.from('claimed by a reporter that was killed');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(join(data, 'alpha', '.claims'), { recursive: true });
    writeFileSync(claimPath(data, sha(bytes)), JSON.stringify({ ...claimOwner(), pid: gone, start: '1' }));
    const storage = new LocalStorage(data);
    const started = Date.now();
    const { crash, created } = await storage.put('alpha', Readable.from([bytes]), {}, 1024);
    expect(created).toBe(true);
    expect(Date.now() - started).toBeLessThan(IN_FLIGHT_MS);
    expect(await storage.get('alpha', crash.crashId)).toMatchObject({ crashId: sha(bytes) });
    expect(readFileSync(join(data, 'alpha', `${sha(bytes)}.core`))).toEqual(bytes);
  });

  it('is not said stored while the other put writes it; when that put fails, this one stores it', async () => {
    const data = join(root, 'failed-claim');
    const bytes = Buffer.from('claimed by a put that then failed');
    mkdirSync(join(data, 'alpha', '.claims'), { recursive: true });
    writeFileSync(claimPath(data, sha(bytes)), JSON.stringify(claimOwner()));
    const storage = new LocalStorage(data);
    let settled = false;
    const put = storage.put('alpha', Readable.from([bytes]), {}, 1024).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(settled).toBe(false);
    rmSync(claimPath(data, sha(bytes)));
    const { created } = await put;
    expect(created).toBe(true);
    expect(await storage.get('alpha', sha(bytes))).not.toBeNull();
  });

  it('asks the uploader to send again when the other put does not finish in time', async () => {
    const attempts: number[] = [];
    const never = settleWithTwin('c'.repeat(64), async () => (attempts.push(Date.now()), null), 300);
    await expect(never).rejects.toThrow(StorageUnavailable);
    await expect(never).rejects.toThrow(/another upload of crash c+ .*send it again/);
    expect(attempts.length).toBeGreaterThan(2);
  });
});

describe('who holds a claim', () => {
  it('is gone when its pid ran on this machine and is not running, or is ours but started at another time', () => {
    const me = claimOwner();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(ownerGone(JSON.stringify(me))).toBe(false);
    expect(ownerGone(JSON.stringify({ ...me, pid: gone }))).toBe(true);
    expect(ownerGone(JSON.stringify({ ...me, start: `${me.start}0` }))).toBe(true);
    expect(ownerGone(JSON.stringify({ ...me, boot: 'an-earlier-boot' }))).toBe(true);
  });

  it('cannot be judged on another machine or from a claim that names nobody', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(ownerGone(JSON.stringify({ ...claimOwner(), host: 'elsewhere', pid: gone }))).toBe(false);
    expect(ownerGone('')).toBe(false);
    expect(ownerGone('{"pid":"1"}')).toBe(false);
  });
});

describe('reporters kept as sources', () => {
  it('keeps the token in the secret store, never in the settings, and syncs with it', async () => {
    const { Workbench } = await import('../../src/core/workbench');
    const kept = new Map<string, string>();
    const secrets = {
      get: async (name: string) => kept.get(name) ?? null,
      set: async (name: string, value: string | null) => void (value === null ? kept.delete(name) : kept.set(name, value)),
    };
    const dir = mkdtempSync(join(root, 'wb-sources-'));
    const wb = new Workbench({ databasePath: join(dir, 'wb.db'), secrets });
    const url = `reporter+${reporter.url}`;
    try {
      await expect(wb.syncReporter({ url })).rejects.toThrow(
        /no token is saved for reporter\+http:\/\/127\.0\.0\.1:\d+: enter the project's token/,
      );
      expect(await wb.saveReporterSource(url, 'beta-token')).toEqual([{ url, tokenSaved: true, lastSync: null }]);
      const report = await wb.syncReporter({ url });
      expect(report.failed).toEqual([]);
      expect(report.imported.length).toBeGreaterThan(0);
      const [listed] = await wb.listReporterSources();
      expect(listed?.lastSync).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(await wb.removeReporterSource(url)).toEqual([]);
      expect(kept.size).toBe(0);
    } finally {
      wb.close();
    }
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dir, 'wb.db'), { readonly: true });
    const settings = db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>;
    db.close();
    expect(JSON.stringify(settings)).not.toContain('beta-token');
  });

  it('says where tokens can be kept when there is no secret store, and syncs with a token given each time', async () => {
    const { Workbench } = await import('../../src/core/workbench');
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-nosecrets-')), 'wb.db') });
    const url = `reporter+${reporter.url}`;
    try {
      await expect(wb.saveReporterSource(url, 'beta-token')).rejects.toThrow(
        /kept by the desktop app only .* give the token with each sync/,
      );
      expect(await wb.listReporterSources()).toEqual([]);
      expect(await wb.saveReporterSource(url, null)).toEqual([{ url, tokenSaved: false, lastSync: null }]);
      expect((await wb.syncReporter({ url, token: 'beta-token' })).failed).toEqual([]);
      await expect(wb.saveReporterSource('http://no-prefix', null)).rejects.toThrow(/not a reporter source: write reporter\+http/);
    } finally {
      wb.close();
    }
  });
});

describe('crashwb agent', () => {
  it('stays resident, sends what the spool kept once the reporter is back, and stops on SIGTERM', async () => {
    const spool = join(root, 'spool-agent');
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const server = `http://127.0.0.1:${port}`;
    // The agent reads its token from a file, as a service unit would, out of sight of `ps`.
    const tokenFile = join(root, 'agent-token');
    writeFileSync(tokenFile, 'alpha-token\n', { mode: 0o600 });
    expect((await upload(server, spool, ['8', 'abort', '1700000002', '6', 'web-3'], fixtures.abort.core)).status).toBe(1);
    const agent = spawn(
      process.execPath,
      [
        join(process.cwd(), 'bin', 'crashwb.cjs'),
        'agent',
        '--server',
        server,
        '--token-file',
        tokenFile,
        '--spool',
        spool,
        '--interval-s',
        '0.5',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    agent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => agent.on('exit', (code) => resolve(code)));
    const late = await startReporter({ port, storage: new LocalStorage(join(root, 'late')), projects: PROJECTS, log: () => undefined });
    try {
      const cores = () => readdirSync(spool).filter((n) => n.endsWith('.core')).length;
      const sent = () => /"event":"drained","sent":1,"kept":0/.test(out);
      for (let waited = 0; (cores() > 0 || !sent()) && waited < 30_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
      expect(cores()).toBe(0);
      expect(out).toMatch(/"event":"drained","sent":1,"kept":0/);
      agent.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/"event":"stopped"/);
    } finally {
      agent.kill('SIGKILL');
      await late.close();
    }
  });

  it('says what it needs when started without a server', async () => {
    const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), 'agent', '--spool', join(root, 'x')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/agent needs --server URL and --token T/);
  });
});

describe('the spool’s limits', () => {
  it('spools nothing when the disk would fall under the free-space quota, and drops cores past the purge age', async () => {
    const spool = join(root, 'spool-quota');
    const full = await upload('http://127.0.0.1:9', spool, ['--min-free-mb', String(1024 * 1024 * 1024), '1', 'a', '0', '11', 'h']);
    expect(full.out).toMatch(/not spooled: less than \d+ bytes free/);
    expect(readdirSync(spool).filter((n) => n.endsWith('.core'))).toEqual([]);
    const old = `${Date.now() - 10 * 86_400_000}-1`;
    writeFileSync(join(spool, `${old}.core`), 'old');
    writeFileSync(join(spool, `${old}.json`), '{}');
    const purged = await upload('http://127.0.0.1:9', spool, ['--drain', '--purge-days', '7'], null);
    expect(purged.out).toMatch(/dropped 1 cores older than 7 days/);
    expect(readdirSync(spool)).toEqual([]);
  });
});
