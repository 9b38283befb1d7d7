import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'bin', 'crashwb.cjs');
let child: ChildProcess;
let url: URL;

beforeAll(async () => {
  // Its own process: a frame that ended the server would show as its exit.
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', join(mkdtempSync(join(tmpdir(), 'crashwb-serve-')), 'wb.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = new URL(
    await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('crashwb serve printed no URL within 20 s')), 20_000);
      child.stdout?.on('data', (d: Buffer) => {
        const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=\w+/.exec(d.toString())?.[0];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    }),
  );
}, 30_000);
afterAll(() => child.kill());

const open = (): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { maxPayload: 256 << 20 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
const closeCode = (ws: WebSocket): Promise<number> => new Promise((resolve) => ws.once('close', (code) => resolve(code)));

async function stillServing(): Promise<void> {
  expect(child.exitCode).toBeNull();
  const ws = await open();
  const answer = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
  ws.send(JSON.stringify({ id: 1, method: 'listRecent', params: [] }));
  expect(JSON.parse(await answer)).toMatchObject({ kind: 'result', id: 1, ok: true });
  ws.close();
}

describe('crashwb serve under hostile WebSocket frames', () => {
  it('closes a page that sends a frame past the limit with 1009, and serves the others', async () => {
    const ws = await open();
    const closed = closeCode(ws);
    ws.send('x'.repeat((64 << 20) + 1));
    expect(await closed).toBe(1009);
    await stillServing();
  });

  it('closes a page that sends text that is not UTF-8 with 1007, and serves the others', async () => {
    const ws = await open();
    const closed = closeCode(ws);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
    await stillServing();
  });

  it('answers an import of ten thousand paths (1.3 MB), as the UI may send', async () => {
    const ws = await open();
    const paths = Array.from(
      { length: 10_000 },
      (_, i) =>
        `/nonexistent/crashes/from-a-large-fleet/host-${i}/var/lib/systemd/coredump/core.payment-service.1000.8f2e6a1b9c4d.${i}.1764612345000000.zst`,
    );
    const message = JSON.stringify({ id: 7, method: 'importPaths', params: [{ paths }] });
    expect(message.length).toBeGreaterThan(1_300_000);
    const answer = new Promise<string>((resolve) => ws.on('message', (d) => /"id":7/.test(d.toString()) && resolve(d.toString())));
    ws.send(message);
    expect(JSON.parse(await answer)).toMatchObject({ kind: 'result', id: 7, ok: true });
    ws.close();
    await stillServing();
  }, 60_000);
});

describe('crashwb serve under DNS rebinding', () => {
  /** A request as a page of another name that resolves to 127.0.0.1 sends it: token and all, with its own Host. */
  const asHost = (host: string, path: string, headers: Record<string, string> = {}): Promise<string> =>
    new Promise((resolve) => {
      const socket = connectTcp(Number(url.port), '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('error', () => undefined);
      const timer = setTimeout(() => socket.destroy(), 5_000);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(answer);
      });
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n${extra}\r\n`);
    });
  const token = () => url.searchParams.get('token') ?? '';

  it('refuses a request named for another host, even with the token, and answers its own names', async () => {
    expect(await asHost(`rebind.evil.example:${url.port}`, `/?token=${token()}`)).toMatch(/^HTTP\/1\.1 421 /);
    expect(await asHost(`127.0.0.1:${Number(url.port) + 1}`, `/?token=${token()}`)).toMatch(/^HTTP\/1\.1 421 /);
    expect(await asHost('', `/?token=${token()}`)).toMatch(/^HTTP\/1\.1 (400|421) /);
    expect(await asHost(`127.0.0.1:${url.port}`, `/?token=${token()}`)).toMatch(/^HTTP\/1\.1 200 /);
    expect(await asHost(`localhost:${url.port}`, `/?token=${token()}`)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('refuses a WebSocket named for another host', async () => {
    const upgrade = {
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version': '13',
    };
    expect(await asHost(`rebind.evil.example:${url.port}`, `/ws?token=${token()}`, upgrade)).toMatch(/^HTTP\/1\.1 403 /);
    await stillServing();
  });
});
