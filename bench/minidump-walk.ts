import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBreakpadSymbols } from '../src/core/breakpad/sym-locate';
import { walkMinidump } from '../src/core/minidump/minidump-stacks';
import { readMinidump } from '../src/core/minidump/minidump-file';
import { writeSyntheticMinidump } from '../test/fixtures/minidump-writer';

const THREADS = 256;
const DEPTH = 500;
const FUNCTIONS = 200_000;
const BASE = 0x7ff6_0000_0000n;
const ID = '0123456789ABCDEF0123456789ABCDEF1';

/** A symbol file as dump_syms writes one for a large program: functions with lines and a CFI entry each. */
function writeLargeSym(store: string): string {
  const dir = join(store, 'big.pdb', ID);
  mkdirSync(dir, { recursive: true });
  const lines = [`MODULE windows x86_64 ${ID} big.pdb`, 'FILE 0 c:\\big\\big.cc'];
  for (let i = 0; i < FUNCTIONS; i++) {
    const at = (0x1000 + i * 0x40).toString(16);
    lines.push(
      `FUNC ${at} 40 0 function_${i}(int)`,
      `${at} 20 ${i * 3 + 1} 0`,
      `${(0x1000 + i * 0x40 + 0x20).toString(16)} 20 ${i * 3 + 2} 0`,
    );
  }
  for (let i = 0; i < FUNCTIONS; i++)
    lines.push(`STACK CFI INIT ${(0x1000 + i * 0x40).toString(16)} 40 .cfa: $rsp 16 + .ra: .cfa -8 + ^ $rbp: .cfa -16 + ^`);
  const path = join(dir, 'big.sym');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Each thread `DEPTH` frames deep, every caller found by CFI: saved %rbp, then the return address. */
function writeLargeDump(dir: string): string {
  const threads = Array.from({ length: THREADS }, (_, t) => {
    const sp = 0x10_0000_0000n + BigInt(t) * 0x10_0000n;
    const words: bigint[] = [];
    for (let k = 0; k < DEPTH; k++)
      words.push(sp + BigInt(16 * (k + 1)), BASE + 0x1000n + BigInt(((t * 7 + k + 1) % FUNCTIONS) * 0x40 + 0x25));
    words.push(0n, 0n);
    return {
      id: 1000 + t,
      registers: { rip: BASE + 0x1000n + BigInt(t * 0x40 + 0x10), rsp: sp, rbp: sp + 16n },
      stack: { base: sp, words },
    };
  });
  return writeSyntheticMinidump(join(dir, 'large.dmp'), {
    platform: 'windows',
    arch: 'amd64',
    osVersion: [10, 0, 19045],
    exception: { threadId: 1000, code: 0xc0000005, flags: 0, address: BASE + 0x1010n, parameters: [1n, 0x45n] },
    threads,
    modules: [
      {
        name: 'C:\\big\\big.exe',
        base: BASE,
        size: 0x100_0000,
        pdb: { guid: Buffer.from('67452301ab89efcd0123456789abcdef', 'hex'), age: 1, file: 'big.pdb' },
      },
    ],
  });
}

export async function benchMinidumpWalk(root: string): Promise<void> {
  const dir = join(root, 'minidump-walk');
  const store = join(dir, 'symbols');
  mkdirSync(store, { recursive: true });
  const sym = writeLargeSym(store);
  const dump = writeLargeDump(dir);
  const before = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  const core = await readMinidump(dump);
  const read = Number(process.hrtime.bigint() - start) / 1e6;
  const { found: symbols } = await loadBreakpadSymbols(core.modules, { debugDirs: [store], servers: [], cache: null });
  const parsed = Number(process.hrtime.bigint() - start) / 1e6;
  const { stacks: walked } = await walkMinidump(dump, core.modules, symbols);
  const total = Number(process.hrtime.bigint() - start) / 1e6;
  const frames = [...walked.values()].reduce((n, f) => n + f.length, 0);
  const named = [...walked.values()].reduce((n, f) => n + f.filter((x) => x.function !== null).length, 0);
  if (symbols.size !== 1 || frames !== THREADS * (DEPTH + 1) || named !== frames) {
    throw new Error(`the large minidump walk lost frames: ${frames} walked, ${named} named, expected ${THREADS * (DEPTH + 1)}`);
  }
  const grew = (process.memoryUsage().rss - before) / 1024 ** 2;
  console.log(
    `minidump: ${THREADS} threads read in ${read.toFixed(0)} ms; a ${(statSync(sym).size / 1024 ** 2).toFixed(0)} MiB .sym (${FUNCTIONS} functions, CFI) parsed in ${(parsed - read).toFixed(0)} ms; ` +
      `${frames} frames walked by CFI and named in ${(total - parsed).toFixed(0)} ms (${((frames / (total - parsed)) * 1000).toFixed(0)} frames/s); ${total.toFixed(0)} ms in all, RSS grew ${grew.toFixed(0)} MiB`,
  );
}
