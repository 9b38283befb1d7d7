// npm run bench: speed targets, measured against a plain debugger run on the same cores.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtures, buildLargeFixture, type CoreFixture } from '../test/fixtures/crashers';
import { benchCoreReader } from './core-reader';
import { benchGrouping } from './grouping';
import { benchScale, GROUPS } from './scale';
import { benchExport } from './export';
import { benchImportMemory } from './import-memory';
import { benchReporterLoad } from './reporter-load';
import { benchTableRender } from './table-render';
import { benchSymbols } from './symbols';
import { benchMinidumpWalk } from './minidump-walk';

const RUNS = 7;
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function time(command: string, args: string[]): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function benchAnalyze(fx: CoreFixture): { name: string; crashwb: number; gdb: number } {
  const debugArgs = fx.debugDir ? ['--debug-dir', fx.debugDir] : [];
  const gdbDebug = fx.debugDir ? ['-iex', `set debug-file-directory /usr/lib/debug:${fx.debugDir}`] : [];
  const gdb = time('gdb', ['-nx', '-batch', ...gdbDebug, '-ex', 'thread apply all bt', fx.executable, fx.core]);
  const crashwb = time(process.execPath, [BIN, 'analyze', fx.core, '--json', ...debugArgs]);
  return { name: fx.name, crashwb, gdb };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'crashwb-bench-'));
  try {
    const fixtures = buildFixtures(root);
    const cores = [
      fixtures.nullDeref,
      fixtures.workerThread,
      fixtures.cpp,
      fixtures.stripped,
      ...(fixtures.rust ? [fixtures.rust] : []),
      buildLargeFixture(root),
    ];
    console.log(`crashwb analyze --json vs gdb -batch -ex 'thread apply all bt' (median of ${RUNS} runs, ms)`);
    console.log('core'.padEnd(16), 'crashwb'.padStart(9), 'gdb'.padStart(9), 'ratio'.padStart(7));
    const ratios: number[] = [];
    for (const fx of cores) {
      const r = benchAnalyze(fx);
      ratios.push(r.crashwb / r.gdb);
      console.log(
        r.name.padEnd(16),
        r.crashwb.toFixed(0).padStart(9),
        r.gdb.toFixed(0).padStart(9),
        (r.crashwb / r.gdb).toFixed(2).padStart(7),
      );
    }
    console.log(`analyze ratio (median over cores): ${median(ratios).toFixed(2)}x — goal ≤ 1.20x`);
    await benchSymbols(root);
    await benchCoreReader(root);
    await benchMinidumpWalk(root);
    await benchImportMemory(root);
    await benchReporterLoad(root);
    await benchGrouping(root);
    const scaleDb = benchScale(root);
    await benchTableRender(scaleDb, GROUPS);
    await benchExport(scaleDb);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
