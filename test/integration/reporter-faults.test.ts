import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'bin', 'crashwb.cjs');
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `crashwb reporter` and resolves once it says it listens (at most 20 s). */
function startReporter(port: number, data: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'reporter', '--port', String(port), '--data', data, '--token', 'T'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the reporter did not start within 20 s')), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('"listening"')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

/** Failed attempts the uploaders reported: proof that the kills hit uploads in flight. */
let failedAttempts = 0;

function upload(port: number, spool: string, core: string | null): Promise<number> {
  return new Promise((resolve) => {
    const args = [
      CLI,
      'upload',
      '--server',
      `http://127.0.0.1:${port}`,
      '--token',
      'T',
      '--spool',
      spool,
      ...(core ? ['1', 'app', '0', '11', 'h'] : ['--drain']),
    ];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (failedAttempts += (d.toString().match(/attempt \d+/g) ?? []).length));
    if (core) createReadStream(core).pipe(child.stdin);
    else child.stdin.end();
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

describe('the reporter under SIGKILL', () => {
  it('ends with exactly the cores the clients produced: none lost, none twice, none cut', async () => {
    const root = mkdtempSync(join(tmpdir(), 'crashwb-faults-'));
    const data = join(root, 'data');
    const port = await freePort();
    const cores = Array.from({ length: 24 }, (_, i) => {
      const path = join(root, `core-${i}`);
      writeFileSync(path, randomBytes(1024 * 1024));
      return path;
    });
    const expected = new Set(cores.map((c) => sha(readFileSync(c))));
    let reporter = await startReporter(port, data);
    let kills = 0;
    const chaos = (async () => {
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 250));
        reporter.kill('SIGKILL');
        kills++;
        await new Promise((r) => reporter.once('exit', r));
        await new Promise((r) => setTimeout(r, 150));
        reporter = await startReporter(port, data);
      }
    })();
    const spools = cores.map((_, i) => join(root, `spool-${i}`));
    // Three uploaders at a time, as crashes on a busy host would come.
    for (let i = 0; i < cores.length; i += 3) {
      await Promise.all(cores.slice(i, i + 3).map((core, j) => upload(port, spools[i + j] ?? '', core)));
    }
    await chaos;
    for (const spool of spools) await upload(port, spool, null);
    reporter.kill('SIGTERM');
    expect(kills).toBe(4);
    expect(failedAttempts).toBeGreaterThan(0);
    const stored = readdirSync(join(data, 'default')).filter((n) => n.endsWith('.core'));
    expect(new Set(stored.map((n) => n.slice(0, -5)))).toEqual(expected);
    expect(stored).toHaveLength(expected.size);
    for (const name of stored) expect(sha(readFileSync(join(data, 'default', name)))).toBe(name.slice(0, -5));
    for (const spool of spools) expect(readdirSync(spool).filter((n) => n.endsWith('.core') && !n.startsWith('.'))).toEqual([]);
  }, 120_000);
});
