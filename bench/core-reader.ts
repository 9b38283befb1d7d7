import { closeSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCore } from '../src/core/elf/core-file';
import { NT_FILE, NT_PRPSINFO, NT_PRSTATUS, NT_SIGINFO } from '../src/core/elf/notes';
import { buildCore, fileNote, prpsinfo, prstatus, siginfo } from '../test/fixtures/elf-builder';

const FOUR_GIB = 4 * 1024 ** 3;

/** A 4 GiB core, sparse on disk: headers and notes up front, a memory segment filling the rest. */
export function writeSparseCore(dir: string): string {
  const threads = Array.from({ length: 64 }, (_, i) => ({
    name: 'CORE',
    type: NT_PRSTATUS,
    desc: prstatus(1000 + i, 11, 0x401000n, 0x7ffd0000n),
  }));
  const notes = [
    threads[0]!,
    { name: 'CORE', type: NT_PRPSINFO, desc: prpsinfo(1000, 'big', '/usr/bin/big') },
    { name: 'CORE', type: NT_SIGINFO, desc: siginfo(11, 1, 0n) },
    ...threads.slice(1),
    { name: 'CORE', type: NT_FILE, desc: fileNote([{ start: 0x400000n, end: 0x402000n, page: 0n, path: '/usr/bin/big' }]) },
  ];
  const head = buildCore(notes, { loadBytes: FOUR_GIB - 64 * 1024 });
  const path = join(dir, 'core.4g');
  writeFileSync(path, head);
  const fd = openSync(path, 'r+');
  ftruncateSync(fd, FOUR_GIB);
  closeSync(fd);
  return path;
}

export async function benchCoreReader(dir: string): Promise<void> {
  const path = writeSparseCore(dir);
  const before = process.memoryUsage().rss;
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = process.hrtime.bigint();
    const core = await readCore(path);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (core.threads.length !== 64) throw new Error('the 4 GiB core lost threads');
  }
  samples.sort((a, b) => a - b);
  const grew = (process.memoryUsage().rss - before) / 1024 ** 2;
  console.log(
    `readCore on a 4 GiB core (64 threads): median ${samples[10]?.toFixed(2)} ms, max ${samples.at(-1)?.toFixed(2)} ms, RSS grew ${grew.toFixed(1)} MiB`,
  );
}
