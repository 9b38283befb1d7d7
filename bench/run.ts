// npm run bench: speed targets, measured against a plain debugger run on the same cores.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtures, buildLargeFixture, type CoreFixture } from '../test/fixtures/crashers';
import { benchCoreReader } from './core-reader';
import { benchGrouping, benchGroupingAcrossBuilds } from './grouping';
import { benchScale, GROUPS } from './scale';
import { benchExport } from './export';
import { benchImportMemory } from './import-memory';
import { benchReporterLoad } from './reporter-load';
import { benchTableRender } from './table-render';
import { benchSymbols } from './symbols';
import { benchMinidumpWalk } from './minidump-walk';
import { benchStackwalk, benchSymParse } from './breakpad';
import { benchImportSpeed } from './import-speed';
import { benchFirstPaint } from './first-paint';
import { benchOpenSpeed } from './open-speed';
import { benchRuntimes } from './runtimes';

const RUNS = 7;
/** `crashwb` as users run it: the shell launcher that starts gdb before Node (bin/crashwb). */
const BIN = join(process.cwd(), 'bin', 'crashwb');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Wall times of RUNS runs: the first (cold caches) apart, and the median of all. */
function time(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { first: number; median: number } {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: 'ignore', env });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { first: samples[0] ?? NaN, median: median(samples) };
}

function benchAnalyze(fx: CoreFixture, cacheDir: string): { name: string; crashwb: number; cold: number; gdb: number } {
  const debugArgs = fx.debugDir ? ['--debug-dir', fx.debugDir] : [];
  const gdbDebug = fx.debugDir ? ['-iex', `set debug-file-directory /usr/lib/debug:${fx.debugDir}`] : [];
  const gdb = time('gdb', ['-nx', '-batch', ...gdbDebug, '-ex', 'thread apply all bt', fx.executable, fx.core]);
  // Each core starts with an empty cache: the first run pays for gdb's index of its debug info.
  const env = { ...process.env, CRASHWB_SYMBOL_CACHE: join(cacheDir, fx.name) };
  const crashwb = time(BIN, ['analyze', fx.core, '--json', ...debugArgs], env);
  return { name: fx.name, crashwb: crashwb.median, cold: crashwb.first, gdb: gdb.median };
}

/** Where one `crashwb analyze` spends its time, from the marks it writes with CRASHWB_TIMELINE=1. */
function analyzeBreakdown(fx: CoreFixture, cacheDir: string): void {
  const env = { ...process.env, CRASHWB_TIMELINE: '1', CRASHWB_SYMBOL_CACHE: join(cacheDir, fx.name) };
  const result = spawnSync(BIN, ['analyze', fx.core, '--json'], { env, encoding: 'utf8' });
  const line = result.stderr.split('\n').find((l) => l.startsWith('CRASHWB_TIMELINE '));
  if (!line) throw new Error(`crashwb analyze wrote no timeline: ${result.stderr.slice(0, 500)}`);
  const marks = JSON.parse(line.slice('CRASHWB_TIMELINE '.length)) as Array<[string, number]>;
  console.log(`where the time of one analyze of ${fx.name} goes (ms since the process started; step length):`);
  let before = 0;
  for (const [step, at] of marks) {
    console.log(`  ${at.toFixed(0).padStart(5)}  ${step.padEnd(34)} ${(at - before).toFixed(0).padStart(5)}`);
    before = at;
  }
}

/** `npm run bench -- SECTION…` runs only those sections; with none, every one. */
const SECTIONS = [
  'analyze',
  'import',
  'open',
  'symbols',
  'core-reader',
  'minidump',
  'sym-parse',
  'stackwalk',
  'memory',
  'reporter',
  'grouping',
  'builds',
  'scale',
  'runtimes',
];
const chosen = process.argv.slice(2);
const unknown = chosen.filter((s) => !SECTIONS.includes(s));
if (unknown.length) throw new Error(`no bench section ${unknown.join(', ')}; the sections are ${SECTIONS.join(', ')}`);
const wanted = (section: string): boolean => chosen.length === 0 || chosen.includes(section);

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'crashwb-bench-'));
  try {
    const fixtures = buildFixtures(root);
    if (wanted('analyze')) {
      const cores = [
        fixtures.nullDeref,
        fixtures.workerThread,
        fixtures.cpp,
        fixtures.stripped,
        ...(fixtures.rust ? [fixtures.rust] : []),
        buildLargeFixture(root),
      ];
      console.log(`crashwb analyze --json vs gdb -batch -ex 'thread apply all bt' (median of ${RUNS} runs, ms; first = cold caches)`);
      console.log('core'.padEnd(16), 'crashwb'.padStart(9), 'first'.padStart(7), 'gdb'.padStart(9), 'ratio'.padStart(7));
      const ratios: number[] = [];
      const cacheDir = join(root, 'analyze-caches');
      for (const fx of cores) {
        const r = benchAnalyze(fx, cacheDir);
        ratios.push(r.crashwb / r.gdb);
        console.log(
          r.name.padEnd(16),
          r.crashwb.toFixed(0).padStart(9),
          r.cold.toFixed(0).padStart(7),
          r.gdb.toFixed(0).padStart(9),
          (r.crashwb / r.gdb).toFixed(2).padStart(7),
        );
      }
      console.log(
        `analyze ratio (median over cores): ${median(ratios).toFixed(2)}x, highest ${Math.max(...ratios).toFixed(2)}x — goal ≤ 1.20x`,
      );
      // gdb -batch inflates compressed debug files (libc's, where libc6-dbg is installed) on every run; crashwb reads the copies it keeps.
      const copies = cores.flatMap((fx) => {
        const dir = join(cacheDir, fx.name, 'plain-debug');
        return existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((name) => String(name).endsWith('.debug')) : [];
      });
      console.log(`inflated copies of compressed debug files in the runs' symbol caches: ${copies.length}`);
      analyzeBreakdown(fixtures.workerThread, cacheDir);
    }
    if (wanted('import')) benchImportSpeed(root, fixtures);
    if (wanted('open')) await benchOpenSpeed(root, [fixtures.nullDeref, fixtures.workerThread, fixtures.cpp]);
    if (wanted('symbols')) await benchSymbols(root);
    if (wanted('core-reader')) await benchCoreReader(root);
    if (wanted('minidump')) await benchMinidumpWalk(root);
    if (wanted('sym-parse')) await benchSymParse(root);
    if (wanted('stackwalk')) benchStackwalk(root);
    if (wanted('memory')) await benchImportMemory(root);
    if (wanted('reporter')) await benchReporterLoad(root);
    if (wanted('grouping')) await benchGrouping(root);
    if (wanted('builds')) await benchGroupingAcrossBuilds(root);
    if (wanted('runtimes')) benchRuntimes(root);
    if (wanted('scale')) {
      const scaleDb = benchScale(root);
      await benchTableRender(scaleDb, GROUPS);
      await benchFirstPaint(scaleDb);
      await benchExport(scaleDb);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
