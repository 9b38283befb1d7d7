import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientMessageSchema, SESSION_METHODS, type ServerMessage } from '../shared/api';
import type { ConsoleInfo } from '../shared/model';
import { dispatch } from '../core/dispatch';
import { Workbench } from '../core/workbench';
import { serveStatic } from './static-files';

export interface ServerOptions {
  port: number;
  databasePath: string;
  /** Loopback only unless the caller says otherwise. */
  host?: string;
  rendererDir?: string;
  token?: string;
  /** How long a watched folder's entry must stay unchanged before it is imported. */
  watchSettleMs?: number;
  /** Keep the debugger of the last core opened for the next (the default); the bench turns it off to compare. */
  keepDebugger?: boolean;
  /** Where connection failures are told; standard error by default. */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  workbench: Workbench;
  close(): Promise<void>;
}

const COOKIE = 'crashwb_token';
/** Large enough for any call the UI makes (importPaths of thousands of paths); larger frames close the socket with 1009. */
const MAX_MESSAGE_BYTES = 64 << 20;
const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;

/** The built renderer: out/renderer beside out/cli in a build, or found from the package root. */
export function findRendererDir(start = __dirname): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    // Built output has assets/ beside index.html; src/renderer has an index.html too, unbuilt.
    for (const candidate of [join(dir, 'out', 'renderer'), join(dir, 'renderer')]) {
      if (existsSync(join(candidate, 'index.html')) && existsSync(join(candidate, 'assets'))) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error(`the UI is not built (no out/renderer/index.html above ${start}); run npm run build`);
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  const cookies = req.headers.cookie?.split(';').map((c) => c.trim().split('=')) ?? [];
  return cookies.find(([k]) => k === COOKIE)?.[1];
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      "worker-src 'self' blob:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

/** The browser host: the built UI over HTTP and the same WorkbenchApi over a WebSocket. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const rendererDir = resolve(options.rendererDir ?? findRendererDir());
  const workbench = new Workbench({
    databasePath: options.databasePath,
    homeDirectory: process.cwd(),
    watchFolders: true,
    watchSettleMs: options.watchSettleMs,
    keepDebugger: options.keepDebugger ?? true,
  });
  const uploadDir = join(dirname(resolve(options.databasePath)), 'uploads');
  let port = options.port;

  const authorized = (req: IncomingMessage, url: URL): boolean =>
    sameToken(url.searchParams.get('token') ?? undefined, token) || sameToken(cookieToken(req), token);

  /**
   * The names this server answers to: a page on another name that resolves here (DNS
   * rebinding) is refused before its token is even looked at. Bound to every address, any IP
   * address is a name it has; a domain name still is not.
   */
  const knownHost = (value: string | undefined): boolean => {
    if (!value) return false;
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d+)$/.exec(value);
    if (!match || Number(match[2]) !== port) return false;
    const name = (match[1] as string).toLowerCase();
    const bracketed = host.includes(':') ? `[${host}]` : host;
    if (['127.0.0.1', 'localhost', '[::1]', bracketed.toLowerCase()].includes(name)) return true;
    return (host === '0.0.0.0' || host === '::') && (isIP(name) !== 0 || isIP(name.slice(1, -1)) === 6);
  };

  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const server = createServer((req, res) => {
    req.on('error', () => undefined);
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${host}:${port}`);
    const headers = securityHeaders(port);
    if (!knownHost(req.headers.host)) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain' });
      res.end(
        `Misdirected request: this workbench answers as 127.0.0.1:${port} or localhost:${port}, not as ${String(req.headers.host ?? '(no Host)').slice(0, 100)}.\n`,
      );
      return;
    }
    if (!authorized(req, url)) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' });
      res.end('Forbidden: open the URL that `crashwb serve` printed; it carries the access token.\n');
      return;
    }
    if (url.searchParams.has('token')) {
      headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (url.pathname === '/api/upload' && req.method === 'PUT') {
      await receiveUpload(req, res, url, headers);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers);
      res.end();
      return;
    }
    if (!(await serveStatic(rendererDir, url.pathname, res, headers))) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('Not found\n');
    }
  }

  /** A core dropped on the page in a browser is streamed here, then opened like any other. */
  async function receiveUpload(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    const length = Number(req.headers['content-length'] ?? NaN);
    if (!Number.isFinite(length) || length > MAX_UPLOAD_BYTES) {
      res.writeHead(413, { ...headers, 'Content-Type': 'text/plain' });
      res.end(`uploads need a Content-Length of at most ${MAX_UPLOAD_BYTES} bytes\n`);
      return;
    }
    const name =
      basename(url.searchParams.get('name') ?? 'core')
        .replace(/[^\w.+-]/g, '_')
        .slice(0, 100) || 'core';
    await mkdir(uploadDir, { recursive: true });
    const target = join(uploadDir, `${randomUUID()}-${name}`);
    try {
      await pipeline(req, createWriteStream(target, { flags: 'wx' }));
    } catch (error) {
      await rm(target, { force: true });
      throw new Error(`the upload of ${name} broke off (${(error as Error).message}); nothing was kept, drop the file again`);
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ path: target }));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${host}:${port}`);
    const origin = req.headers.origin;
    const originOk = !origin || (origin.startsWith('http://') && knownHost(origin.slice('http://'.length)));
    if (url.pathname !== '/ws' || !knownHost(req.headers.host) || !authorized(req, url) || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const send = (message: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    // A console belongs to the page that opened it: only that page sees its output, and its
    // debugger stops when the page goes away.
    const consoles = new Set<string>();
    const unsubscribe = workbench.onEvent((event) => {
      if ('sessionId' in event && !consoles.has(event.sessionId)) return;
      if (event.type === 'console-closed') consoles.delete(event.sessionId);
      send({ kind: 'event', event });
    });
    // Oversized frames (1009) and invalid UTF-8 (1007) arrive here; ws then closes this socket,
    // and only this one: an 'error' without a listener would end the whole server.
    ws.on('error', (error) => log(`crashwb serve: a page's connection failed and was closed: ${error.message}`));
    ws.on('close', () => {
      unsubscribe();
      for (const id of consoles) void workbench.closeConsole(id);
    });
    ws.on('message', (data) => {
      let id = 0;
      void (async () => {
        const parsed = clientMessageSchema.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) throw new Error('malformed message: expected {id, method, params}');
        id = parsed.data.id;
        const { method, value } = await dispatch(workbench, parsed.data.method, parsed.data.params, (call) => {
          if (SESSION_METHODS.has(call.method) && !consoles.has(call.args[0] as string)) {
            throw new Error('that console was not opened by this page');
          }
        });
        if (method === 'openConsole') {
          const { sessionId } = value as ConsoleInfo;
          // A page that went away while its console was starting has no one to close it but us.
          if (ws.readyState !== ws.OPEN) {
            await workbench.closeConsole(sessionId);
            return;
          }
          consoles.add(sessionId);
        }
        send({ kind: 'result', id, ok: true, value });
      })().catch((error: unknown) =>
        send({ kind: 'result', id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    token,
    workbench,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      workbench.close();
    },
  };
}
