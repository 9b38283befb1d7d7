import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, ServerFailure } from '../../src/core/symbols/debuginfod-client';

/**
 * A symbol server that redirects: to its own host, or to another. The other is a second server
 * on loopback named `localhost` where the first is `127.0.0.1`, standing in for an address of
 * the user's network that the workbench must not be sent to.
 */
const root = mkdtempSync(join(tmpdir(), 'crashwb-redirects-'));
let symbolServer: Server;
let other: Server;
let otherHits: Array<{ path: string; authorization: string | undefined }> = [];
const portOf = (server: Server) => (server.address() as AddressInfo).port;
const limits = () => ({ requestTimeoutMs: 4_000, signal: new AbortController().signal, maxBytes: 1 << 20 });
const listen = (server: Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

beforeAll(async () => {
  other = createServer((req, res) => {
    otherHits.push({ path: req.url ?? '', authorization: req.headers.authorization });
    res.end('from the other host');
  });
  await listen(other);
  symbolServer = createServer((req, res) => {
    if (req.url === '/buildid/aa/debuginfo') res.writeHead(302, { location: `http://localhost:${portOf(other)}/secret` }).end();
    else if (req.url === '/buildid/bb/debuginfo') res.writeHead(301, { location: '/files/bb' }).end();
    else if (req.url === '/files/bb') res.end('same host');
    else if (req.url === '/buildid/cc/debuginfo') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else if (req.url === '/buildid/dd/debuginfo') res.writeHead(302, { location: '/buildid/dd/debuginfo' }).end();
    else res.writeHead(404).end();
  });
  await listen(symbolServer);
});
afterAll(() => {
  symbolServer.close();
  other.close();
});

const server = () => ({ url: `http://127.0.0.1:${portOf(symbolServer)}`, token: 'project-token' });

describe('a symbol server’s redirects', () => {
  it('follows one to the server’s own host', async () => {
    const dest = join(root, 'bb');
    expect(await download(server(), '/buildid/bb/debuginfo', dest, limits())).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('same host');
  });

  it('refuses one to another host, never asking it, and names the variable that would allow it', async () => {
    otherHits = [];
    const failed = download(server(), '/buildid/aa/debuginfo', join(root, 'aa'), limits());
    await expect(failed).rejects.toThrow(ServerFailure);
    await expect(failed).rejects.toThrow(
      /redirected to http:\/\/localhost:\d+, another host; not followed .*CRASHWB_SYMBOL_REDIRECT_HOSTS/,
    );
    expect(otherHits).toEqual([]);
  });

  it('follows one to a host the user listed, without the server’s token', async () => {
    otherHits = [];
    process.env.CRASHWB_SYMBOL_REDIRECT_HOSTS = 'mirror.example localhost';
    try {
      const dest = join(root, 'aa-listed');
      expect(await download(server(), '/buildid/aa/debuginfo', dest, limits())).toBe(true);
      expect(readFileSync(dest, 'utf8')).toBe('from the other host');
      expect(otherHits).toEqual([{ path: '/secret', authorization: undefined }]);
    } finally {
      delete process.env.CRASHWB_SYMBOL_REDIRECT_HOSTS;
    }
  });

  it('refuses a redirect out of http(s), and a loop of redirects', async () => {
    await expect(download(server(), '/buildid/cc/debuginfo', join(root, 'cc'), limits())).rejects.toThrow(/redirected to .*not followed/);
    await expect(download(server(), '/buildid/dd/debuginfo', join(root, 'dd'), limits())).rejects.toThrow(/redirected more than 5 times/);
  });
});
