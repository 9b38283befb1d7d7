import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServerMessage } from '../../src/shared/api';
import { startServer, type RunningServer } from '../../src/server/server';
import { runningChildren } from '../fixtures/processes';

const fixtures = inject('fixtures');
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ port: 0, databasePath: join(mkdtempSync(join(tmpdir(), 'crashwb-srv-')), 'wb.db') });
});
afterAll(() => server.close());

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, method: string, params: unknown[]): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.kind === 'result' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

/** The value of a call that must succeed. */
async function value<T>(ws: WebSocket, id: number, method: string, params: unknown[]): Promise<T> {
  const message = await call(ws, id, method, params);
  if (message.kind !== 'result' || !message.ok) throw new Error(`${method} failed: ${JSON.stringify(message)}`);
  return message.value as T;
}

describe('crashwb serve', () => {
  it('listens on loopback only and prints a URL with the token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{48}$`));
  });

  it('refuses pages without the token or with a wrong one', async () => {
    const base = `http://127.0.0.1:${server.port}/`;
    expect((await fetch(base)).status).toBe(403);
    expect((await fetch(`${base}?token=wrong`)).status).toBe(403);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('refuses path traversal out of the UI folder', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/..%2f..%2fpackage.json?token=${server.token}`);
    expect(res.status).toBe(404);
  });

  it('refuses WebSockets without the token or from another origin', async () => {
    await expect(connect('')).rejects.toThrow(/403/);
    await expect(connect(`?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers API calls over the WebSocket and validates them', async () => {
    const ws = await connect(`?token=${server.token}`);
    const events: string[] = [];
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      if (m.kind === 'event' && m.event.type === 'progress') events.push(m.event.stage);
    });
    const opened = await call(ws, 1, 'openCore', [{ path: fixtures.nullDeref.core }]);
    expect(opened).toMatchObject({ kind: 'result', ok: true, value: { signal: { name: 'SIGSEGV' } } });
    expect(events).toContain('done');
    expect(await call(ws, 2, 'openCore', [{ path: 'relative/core' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/absolute path/),
    });
    expect(await call(ws, 3, 'close', [])).toMatchObject({ ok: false, error: expect.stringMatching(/unknown method/) });
    ws.send('not json');
    ws.close();
  });

  it('keeps a console to the page that opened it, and stops its debugger when the page goes', async () => {
    const owner = await connect(`?token=${server.token}`);
    const other = await connect(`?token=${server.token}`);
    const seen = { owner: '', other: '' };
    owner.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      if (m.kind === 'event' && m.event.type === 'console-output') seen.owner += m.event.data;
    });
    other.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      if (m.kind === 'event' && m.event.type.startsWith('console-')) seen.other += JSON.stringify(m.event);
    });
    const crash = await value<{ id: string }>(owner, 1, 'openCore', [{ path: fixtures.nullDeref.core }]);
    const { sessionId } = await value<{ sessionId: string }>(owner, 2, 'openConsole', [crash.id, { cols: 80, rows: 24 }]);
    await expect.poll(() => seen.owner, { timeout: 20_000 }).toMatch(/\(gdb\) $/);
    expect(await call(other, 3, 'writeConsole', [sessionId, 'info registers\r'])).toMatchObject({
      ok: false,
      error: 'that console was not opened by this page',
    });
    expect(await call(owner, 4, 'writeConsole', [sessionId, 'x'.repeat(70_000)])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/invalid arguments for writeConsole/),
    });
    owner.close();
    await expect
      .poll(
        () =>
          server.workbench.writeConsole(sessionId, 'bt\r').then(
            () => 'open',
            (error: Error) => error.message,
          ),
        { timeout: 10_000 },
      )
      .toMatch(/no console .* is open/);
    expect(seen.other).toBe('');
    other.close();
  });

  it('stops the debugger of a console whose page went away while it was starting', async () => {
    const page = await connect(`?token=${server.token}`);
    const crash = await value<{ id: string }>(page, 1, 'openCore', [{ path: fixtures.nullDeref.core }]);
    // Its answer never comes: the page is gone before the console is ready.
    void call(page, 2, 'openConsole', [crash.id, { cols: 80, rows: 24 }]);
    await expect.poll(consoleDebuggers, { timeout: 10_000 }).toHaveLength(1);
    page.close();
    await expect.poll(consoleDebuggers, { timeout: 20_000 }).toHaveLength(0);
  });
});

/** The console debuggers this process runs: gdb with a second UI, children of this process. */
const consoleDebuggers = (): number[] => runningChildren(process.pid).flatMap((c) => (c.cmdline.includes('new-ui') ? [c.pid] : []));
