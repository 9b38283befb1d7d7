import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSparseCore } from './core-reader';

/** Peak resident memory (VmHWM) of a `crashwb` run, read from /proc while it runs. */
function peakRss(args: string[]): Promise<{ mib: number; seconds: number; stdout: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let peak = 0;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const sample = (): void => {
    try {
      const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kib);
    } catch {
      // The process has just exited; its last sample stands.
    }
  };
  const timer = setInterval(sample, 20);
  return new Promise((resolve) =>
    child.once('exit', () => {
      clearInterval(timer);
      resolve({ mib: peak / 1024, seconds: (Date.now() - started) / 1000, stdout });
    }),
  );
}

/** Imports a 4 GiB core, plain and zstd-compressed, and prints the importer's peak RSS (goal < 300 MB). */
export async function benchImportMemory(dir: string): Promise<void> {
  const core = writeSparseCore(dir);
  const plain = await peakRss(['import', '--db', join(dir, 'mem-plain.db'), core]);
  console.log(
    `import of a 4 GiB core: peak RSS ${plain.mib.toFixed(0)} MiB in ${plain.seconds.toFixed(1)} s (goal < 300 MB) — ${plain.stdout.trim()}`,
  );
  const zst = join(dir, 'core.4g.zst');
  writeFileSync(zst, '');
  execFileSync('sh', ['-c', `zstd -q -1 -c "${core}" > "${zst}"`]);
  const packed = await peakRss(['import', '--db', join(dir, 'mem-zst.db'), zst]);
  console.log(
    `import of the same core zstd-compressed (decompressed as a stream into the store): peak RSS ${packed.mib.toFixed(0)} MiB in ${packed.seconds.toFixed(1)} s`,
  );
  rmSync(join(dir, 'cores'), { recursive: true, force: true });
}
