import { gzipSync } from 'node:zlib';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalStorage } from '../../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../../src/reporter/server';
import { windowsDump, writeSyntheticMinidump, writeViolation } from '../fixtures/minidump-writer';

const fixtures = inject('fixtures');
const CLI = join(process.cwd(), 'bin', 'crashwb.cjs');
const root = mkdtempSync(join(tmpdir(), 'crashwb-reporter-hostile-'));
const data = join(root, 'data');
const TOKEN = 'hostile-token';
let reporter: RunningReporter;
const core = () => readFileSync(fixtures.nullDeref.core);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A reporter of project `web` storing into `dir`, on a port of its own, quiet. */
const reporterOn = (dir: string, options: { idleTimeoutMs?: number; maxBytes?: number } = {}): Promise<RunningReporter> =>
  startReporter({
    port: 0,
    storage: new LocalStorage(dir),
    projects: [{ name: 'web', tokens: [TOKEN] }],
    log: () => undefined,
    ...options,
  });

beforeAll(async () => {
  reporter = await reporterOn(data, { idleTimeoutMs: 1_000 });
});
afterAll(() => reporter?.close());

const auth = { Authorization: `Bearer ${TOKEN}` };
const listed = async (): Promise<string[]> => {
  const page = (await (await fetch(`${reporter.url}/api/v1/crashes?limit=1000`, { headers: auth })).json()) as {
    crashes: Array<{ crashId: string }>;
  };
  return page.crashes.map((c) => c.crashId);
};
const alive = async () => expect((await fetch(`${reporter.url}/healthz`)).status).toBe(200);

/** Sends raw bytes and returns what came back before the server closed the connection (at most 10 s). */
function raw(request: string | Buffer, endAfter = true, url = reporter.url): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(request);
    if (endAfter) socket.end();
  });
}

function form(parts: Array<{ name: string; value: string | Buffer; file?: boolean }>, boundary = 'XyZ'): Buffer {
  const chunks = parts.map((p) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.file ? '; filename="core"' : ''}\r\n${p.file ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`,
      ),
      Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value),
      Buffer.from('\r\n'),
    ]),
  );
  return Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]);
}

const postForm = (body: Buffer, contentType = 'multipart/form-data; boundary=XyZ') =>
  fetch(`${reporter.url}/api/upload`, { method: 'POST', headers: { ...auth, 'Content-Type': contentType }, body: new Uint8Array(body) });

describe('the reporter under malformed and hostile requests', () => {
  it('survives a multipart upload that ends inside the file, and keeps nothing of it', async () => {
    // Its own process, where an unhandled stream error would end it.
    const child = spawn(process.execPath, [CLI, 'reporter', '--port', '0', '--data', join(root, 'own'), '--token', TOKEN], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the reporter did not start within 20 s')), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          const port = /"listening".*?"url":"(http:[^"]+)"/.exec(d.toString())?.[1];
          if (port) {
            clearTimeout(timer);
            resolve(port);
          }
        });
      });
      const body = form([{ name: 'dump', value: core(), file: true }]);
      const head = `POST /api/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${body.length}\r\n\r\n`;
      await raw(Buffer.concat([Buffer.from(head), body.subarray(0, body.length / 2)]), true, url);
      // A form whose closing boundary never comes, sent whole: small, so it ends before storing starts.
      const open = Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="dump"; filename="c"\r\n\r\nsmall');
      const refused = await fetch(`${url}/api/upload`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=XyZ' },
        body: new Uint8Array(open),
      });
      expect(refused.status).toBe(400);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(child.exitCode).toBeNull();
      const page = (await (await fetch(`${url}/api/v1/crashes`, { headers: auth })).json()) as { crashes: unknown[] };
      expect(page.crashes).toEqual([]);
    } finally {
      child.kill();
    }
  });

  it('takes a Crashpad upload: gzip-encoded, upload_file_minidump, annotations as fields', async () => {
    const dump = writeSyntheticMinidump(join(root, 'crashpad.dmp'), windowsDump({ exception: writeViolation(9, 0x1000n, 0x45n) }));
    const bytes = readFileSync(dump);
    const body = gzipSync(
      form(
        [
          { name: 'prod', value: 'test_app' },
          { name: 'ver', value: '1.2.3' },
          { name: 'ProductName', value: 'Test App' },
          { name: 'upload_file_minidump', value: bytes, file: true },
        ],
        'crashpad-boundary',
      ),
    );
    const answer = await fetch(`${reporter.url}/api/upload`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=crashpad-boundary', 'Content-Encoding': 'gzip' },
      body: new Uint8Array(body),
    });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ crash_id: sha(bytes), ignored_fields: ['ProductName'] });
    const stored = (await (await fetch(`${reporter.url}/api/v1/crashes?limit=1000`, { headers: auth })).json()) as {
      crashes: Array<{ crashId: string; metadata: Record<string, string> }>;
    };
    expect(stored.crashes.find((c) => c.crashId === sha(bytes))?.metadata).toEqual({ prod: 'test_app', ver: '1.2.3' });
    const damaged = await fetch(`${reporter.url}/api/upload`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=crashpad-boundary', 'Content-Encoding': 'gzip' },
      body: new Uint8Array(body.subarray(0, body.length >> 1)),
    });
    expect(damaged.status).toBe(400);
  });

  it('takes fields sent after the file, and names the ones it could not take instead of failing', async () => {
    const bytes = Buffer.concat([core(), Buffer.from('late fields')]);
    const answer = await postForm(
      form([
        { name: 'version', value: '2.1' },
        { name: 'dump', value: bytes, file: true },
        { name: 'host', value: 'web-7' },
        { name: 'Bad Key!', value: 'x' },
      ]),
    );
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ crash_id: sha(bytes), ignored_fields: ['Bad Key!'] });
    const stored = (await (await fetch(`${reporter.url}/api/v1/crashes?limit=1000`, { headers: auth })).json()) as {
      crashes: Array<{ crashId: string; metadata: Record<string, string> }>;
    };
    expect(stored.crashes.find((c) => c.crashId === sha(bytes))?.metadata).toEqual({ version: '2.1', host: 'web-7' });
    await alive();
  });

  it('answers 400, never 500, to null metadata and to a form without a boundary', async () => {
    const put = (metadata: string) =>
      fetch(`${reporter.url}/api/v1/crashes`, {
        method: 'PUT',
        headers: { ...auth, 'X-Crash-Metadata': Buffer.from(metadata).toString('base64url') },
        body: Buffer.from('x'),
      });
    for (const metadata of ['null', '[1]', '"text"', '{']) expect((await put(metadata)).status).toBe(400);
    expect((await postForm(form([{ name: 'dump', value: 'x', file: true }]), 'multipart/form-data')).status).toBe(400);
    expect((await postForm(form([{ name: 'dump', value: 'x', file: true }]), 'text/plain')).status).toBe(400);
    await alive();
  });

  it('stores nothing when the body does not match X-Crash-Sha256', async () => {
    const bytes = Buffer.concat([core(), Buffer.from('damaged')]);
    const answer = await fetch(`${reporter.url}/api/v1/crashes`, {
      method: 'PUT',
      headers: { ...auth, 'X-Crash-Sha256': sha(core()) },
      body: bytes,
    });
    expect(answer.status).toBe(400);
    expect(await listed()).not.toContain(sha(bytes));
    expect(existsSync(join(data, 'web', `${sha(bytes)}.core`))).toBe(false);
    expect((await fetch(`${reporter.url}/api/v1/crashes/${sha(bytes)}/core`, { headers: auth })).status).toBe(404);
  });

  it('stores a core sent eight times at once as one crash, listed once', async () => {
    const bytes = Buffer.concat([core(), Buffer.from('concurrent')]);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${reporter.url}/api/v1/crashes`, { method: 'PUT', headers: auth, body: bytes }).then(
          async (r) => (await r.json()) as { created: boolean },
        ),
      ),
    );
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect((await listed()).filter((id) => id === sha(bytes))).toHaveLength(1);
    expect(readdirSync(join(data, 'web', '.index')).filter((n) => n.endsWith(sha(bytes)))).toHaveLength(1);
  });

  it('takes `bearer` in any case', async () => {
    const answer = await fetch(`${reporter.url}/api/v1/crashes`, { headers: { Authorization: `bearer ${TOKEN}` } });
    expect(answer.status).toBe(200);
  });

  it('clears partial uploads that killed reporters left in .incoming', async () => {
    const incoming = join(data, 'web', '.incoming');
    mkdirSync(incoming, { recursive: true });
    const old = join(incoming, 'left-by-a-killed-reporter');
    writeFileSync(old, 'partial');
    const hourAgo = new Date(Date.now() - 2 * 60 * 60_000);
    utimesSync(old, hourAgo, hourAgo);
    // A fresh reporter on the same folder sweeps on its first upload.
    const again = await reporterOn(data);
    try {
      await fetch(`${again.url}/api/v1/crashes`, { method: 'PUT', headers: auth, body: Buffer.from('sweep') });
    } finally {
      await again.close();
    }
    expect(existsSync(old)).toBe(false);
  });

  it('closes a connection that stalls mid-upload, and goes on serving others', async () => {
    const head = `PUT /api/v1/crashes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 1000000\r\n\r\n`;
    const started = Date.now();
    await raw(Buffer.concat([Buffer.from(head), Buffer.alloc(1000)]), false);
    // Closed by the server's idle timeout (1 s here), not by the client's 10 s guard.
    expect(Date.now() - started).toBeLessThan(9_000);
    await alive();
  });
});

describe('the reporter frees what an aborted or oversized upload took', () => {
  const openFiles = (): number => readdirSync('/proc/self/fd').length;
  const partials = (): string[] => {
    const incoming = join(data, 'web', '.incoming');
    return existsSync(incoming) ? readdirSync(incoming).filter((n) => !n.endsWith('.json')) : [];
  };

  it('closes the descriptor and removes the partial file of every multipart upload cut off inside the file', async () => {
    await alive();
    const before = openFiles();
    const body = form([{ name: 'dump', value: core(), file: true }]);
    const head = `POST /api/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${body.length}\r\n\r\n`;
    // Half of each form, then the client goes; then as many that stall until the idle timeout (1 s).
    await Promise.all(Array.from({ length: 40 }, () => raw(Buffer.concat([Buffer.from(head), body.subarray(0, body.length / 2)]), true)));
    await Promise.all(Array.from({ length: 40 }, () => raw(Buffer.concat([Buffer.from(head), body.subarray(0, body.length / 2)]), false)));
    await expect.poll(() => openFiles(), { timeout: 10_000, interval: 100 }).toBeLessThanOrEqual(before + 2);
    // Removed just after their descriptors close.
    await expect.poll(() => partials(), { timeout: 10_000, interval: 100 }).toEqual([]);
    await alive();
  }, 60_000);

  it('stops a gzip-encoded form that expands past the limit as it inflates, without inflating it whole', async () => {
    const small = await reporterOn(join(root, 'gzip-bomb'), { idleTimeoutMs: 5_000, maxBytes: 32 * 1024 * 1024 });
    try {
      // 1 GiB of zeros as a form's attachment (drained, not stored), in 4.5 MiB of gzip; the project takes 32 MiB.
      const gz = execFileSync(
        'bash',
        [
          '-c',
          `{ printf -- '--XyZ\\r\\nContent-Disposition: form-data; name="attachment"; filename="log"\\r\\n\\r\\n'; head -c 1G /dev/zero; } | gzip -1`,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const started = process.cpuUsage();
      const answer = await fetch(`${small.url}/api/upload`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=XyZ', 'Content-Encoding': 'gzip' },
        body: new Uint8Array(gz),
      });
      expect(answer.status).toBe(413);
      expect(((await answer.json()) as { error: string }).error).toMatch(/expands to more than the limit of 33554432 bytes/);
      // Inflating and parsing the whole gigabyte takes seconds of CPU, after the answer too; stopped at the limit, a fraction of one.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const cpu = process.cpuUsage(started);
      expect(cpu.user + cpu.system).toBeLessThan(1_000_000);
    } finally {
      await small.close();
    }
  }, 60_000);

  it('receives only so many snapshots at once, and asks the rest to come again', async () => {
    const body = '{"format":"crashwb-snapshot/1"';
    const head = `PUT /api/v1/crashes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nX-Crash-Metadata: ${Buffer.from('{"kind":"snapshot"}').toString('base64url')}\r\nContent-Length: 1000000\r\n\r\n`;
    // Four bodies that stall (held whole until they end), then a fifth.
    const stalled = Array.from({ length: 4 }, () => raw(`${head}${body}`, false));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fifth = await raw(`${head}${body}`, false);
    expect(fifth).toMatch(/^HTTP\/1\.1 503/);
    expect(fifth).toMatch(/Retry-After: 5/i);
    await Promise.all(stalled);
    await alive();
  }, 30_000);
});

const mounted = (() => {
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs needs root';
  const probe = mkdtempSync(join(tmpdir(), 'crashwb-tmpfs-probe-'));
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (result.status !== 0) return `mount -t tmpfs failed here: ${result.stderr.toString().trim()}`;
  spawnSync('umount', [probe]);
  return null;
})();

describe('the reporter on a full disk', () => {
  it.skipIf(mounted !== null)(`answers 507 and loses nothing it acknowledged${mounted ? ` (skipped: ${mounted})` : ''}`, async () => {
    const disk = mkdtempSync(join(tmpdir(), 'crashwb-full-'));
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]).status).toBe(0);
    const small = await reporterOn(disk);
    try {
      const put = (body: Buffer) => fetch(`${small.url}/api/v1/crashes`, { method: 'PUT', headers: auth, body: new Uint8Array(body) });
      const kept = Buffer.alloc(512 * 1024, 1);
      expect((await put(kept)).status).toBe(201);
      const answer = await put(Buffer.alloc(4 * 1024 * 1024, 2));
      expect(answer.status).toBe(507);
      expect(((await answer.json()) as { error: string }).error).toMatch(/disk is full.*send it again/);
      const page = (await (await fetch(`${small.url}/api/v1/crashes`, { headers: auth })).json()) as {
        crashes: Array<{ crashId: string }>;
      };
      expect(page.crashes.map((c) => c.crashId)).toEqual([sha(kept)]);
      const back = Buffer.from(await (await fetch(`${small.url}/api/v1/crashes/${sha(kept)}/core`, { headers: auth })).arrayBuffer());
      expect(sha(back)).toBe(sha(kept));
      expect(readdirSync(join(disk, 'web', '.incoming')).filter((n) => !n.endsWith('.json'))).toEqual([]);
      // Room again: the same upload now lands.
      expect((await put(Buffer.alloc(256 * 1024, 3))).status).toBe(201);
    } finally {
      await small.close();
      spawnSync('umount', [disk]);
    }
  });
});
