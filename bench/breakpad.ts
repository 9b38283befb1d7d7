import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RUNS = 5;
const BIN = join(process.cwd(), 'bin', 'crashwb');
const SYM_TARGET_BYTES = 300 * 1024 * 1024;
const SYM_GOAL_MB_S = 150;
const STACKWALK_GOAL = 1.5;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * A symbol file as dump_syms writes one for a large C++ library: files, functions with their line
 * records, an inlined call now and then, public symbols, and CFI with a change of rules or two.
 */
async function writeLargeSym(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string): Promise<void> => new Promise((done) => (out.write(text) ? done() : out.once('drain', () => done())));
  await write('MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 libbig.so\nINFO CODE_ID 0123456789abcdef0123456789abcdef\n');
  for (let i = 0; i < 4000; i++) await write(`FILE ${i} /build/src/module_${i % 97}/file_${i}.cc\n`);
  for (let i = 0; i < 500; i++) await write(`INLINE_ORIGIN ${i} inlined_helper_${i}(int)\n`);
  let written = 0;
  for (let i = 0; written < SYM_TARGET_BYTES; i++) {
    const at = 0x1000 + i * 0x80;
    let text = `FUNC ${i % 17 === 0 ? 'm ' : ''}${at.toString(16)} 80 0 namespace_${i % 97}::Class_${i % 1013}::method_${i}(int, std::string const&)\n`;
    if (i % 5 === 0) text += `INLINE 0 ${40 + (i % 9)} ${i % 4000} ${i % 500} ${(at + 0x20).toString(16)} 10\n`;
    for (let k = 0; k < 8; k++) text += `${(at + k * 16).toString(16)} 10 ${100 + k * 3 + (i % 50)} ${i % 4000}\n`;
    text += `STACK CFI INIT ${at.toString(16)} 80 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n`;
    text += `STACK CFI ${(at + 1).toString(16)} .cfa: $rsp 16 + $rbp: .cfa -16 + ^\nSTACK CFI ${(at + 4).toString(16)} .cfa: $rbp 16 +\n`;
    if (i % 3 === 0) text += `PUBLIC ${(at + 0x7f).toString(16)} 0 thunk_${i}\n`;
    written += text.length;
    await write(text);
  }
  await new Promise((done) => out.end(done));
}

/** Parses a symbol file of at least 300 MB, as the walk reads it: the speed, and what it holds in memory. */
export async function benchSymParse(root: string): Promise<void> {
  const dir = join(root, 'sym-parse');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'libbig.so.sym');
  await writeLargeSym(path);
  const size = statSync(path).size;
  const runs = Array.from({ length: 3 }, () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sym-parse-once.ts'), path], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`parsing ${path} failed: ${child.stderr.slice(0, 500)}`);
    return JSON.parse(child.stdout) as { seconds: number; rssMiB: number };
  });
  const rates = runs.map((r) => size / 1e6 / r.seconds);
  console.log(
    `.sym parse: ${(size / 1e6).toFixed(0)} MB at ${median(rates).toFixed(0)} MB/s (median of 3 processes; runs ${rates.map((r) => r.toFixed(0)).join(', ')}), ` +
      `RSS ${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB after — goal ≥ ${SYM_GOAL_MB_S} MB/s`,
  );
}

function wall(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number[] {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: 'ignore', env });
    if (result.status !== 0 && result.status !== 3) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

/** The corpus's dumps with their symbols, where CRASHWB_CORPUS (or ../shared/corpus) holds them. */
const DUMPS = [
  ['rust-minidump/dumps/test.dmp', 'rust-minidump/symbols'],
  ['rust-minidump/dumps/linux-mini.dmp', 'rust-minidump/symbols'],
  ['rust-minidump/dumps/simple-crashpad.dmp', 'rust-minidump/symbols'],
  ['rust-minidump/dumps/pipeline-inlines-macos-segv.dmp', 'rust-minidump/symbols'],
  ['breakpad/dumps/tiny-exe-fastfail.dmp', 'breakpad/symbols'],
] as const;

/** `crashwb analyze` against Breakpad's own minidump_stackwalk on the same dumps and symbols. */
export function benchStackwalk(root: string): void {
  const corpus = resolve(process.env.CRASHWB_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus'));
  const stackwalk = join(corpus, 'reference-tools', 'breakpad', 'minidump_stackwalk');
  if (!existsSync(stackwalk)) {
    console.log(`stackwalk: skipped, no corpus with minidump_stackwalk at ${corpus} (set CRASHWB_CORPUS)`);
    return;
  }
  const env = { ...process.env, CRASHWB_SYMBOL_CACHE: join(root, 'stackwalk-cache') };
  console.log(`crashwb analyze --json vs minidump_stackwalk, same dump and symbols (median of ${RUNS} runs, ms)`);
  console.log('dump'.padEnd(40), 'crashwb'.padStart(8), 'stackwalk'.padStart(10), 'ratio'.padStart(7));
  for (const [dump, symbols] of DUMPS) {
    const ours = median(wall(BIN, ['analyze', join(corpus, dump), '--json', '--debug-dir', join(corpus, symbols)], env));
    const theirs = median(wall(stackwalk, [join(corpus, dump), join(corpus, symbols)]));
    console.log(
      dump.split('/').pop()?.padEnd(40),
      ours.toFixed(0).padStart(8),
      theirs.toFixed(1).padStart(10),
      (ours / theirs).toFixed(1).padStart(7),
    );
  }
  console.log(`goal ≤ ${STACKWALK_GOAL}x minidump_stackwalk's time per dump`);
}
