import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const UPLOADS = 1000;
const CONCURRENCY = 8;
const SIZE = 1024 * 1024;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** 1,000 uploads of 1 MiB cores to `crashwb reporter`, 8 at a time: throughput, p50/p99, the reporter's peak RSS. */
export async function benchReporterLoad(dir: string): Promise<void> {
  const port = await freePort();
  const data = join(dir, 'reporter-data');
  const child = spawn(
    process.execPath,
    [join(process.cwd(), 'bin', 'crashwb.cjs'), 'reporter', '--port', String(port), '--data', data, '--token', 'T'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('"listening"') && resolve()));
  child.stdout.resume();
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // The reporter is gone; the last sample stands.
    }
  }, 50);
  const base = randomBytes(SIZE - 16);
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (next < UPLOADS) {
      next++;
      // Each core differs, so each upload is stored, not recognised as one already there.
      const body = Buffer.concat([base, randomBytes(16)]);
      const t = process.hrtime.bigint();
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/crashes`, {
        method: 'PUT',
        headers: { Authorization: 'Bearer T' },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 201) failed++;
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  child.kill('SIGTERM');
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(0);
  console.log(
    `reporter load: ${UPLOADS} uploads of 1 MiB, ${CONCURRENCY} at a time, in ${seconds.toFixed(1)} s = ${Math.round((UPLOADS / seconds) * 60)} per minute (goal ≥ 1,000); ` +
      `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms; ${failed} failed; reporter peak RSS ${(peak / 1024).toFixed(0)} MiB`,
  );
  rmSync(data, { recursive: true, force: true });
}
