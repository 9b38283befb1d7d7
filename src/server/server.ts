import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { Workbench } from '../core/workbench';
import { knownHost } from './host-check';
import { attachPage } from './page-socket';
import { serveStatic } from './static-files';
import { receiveUpload } from './upload';

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
    if (!knownHost(host, port, req.headers.host)) {
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
      await receiveUpload(req, res, url, headers, uploadDir);
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${host}:${port}`);
    const origin = req.headers.origin;
    const originOk = !origin || (origin.startsWith('http://') && knownHost(host, port, origin.slice('http://'.length)));
    if (url.pathname !== '/ws' || !knownHost(host, port, req.headers.host) || !authorized(req, url) || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachPage(ws, workbench, log));
  });

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
