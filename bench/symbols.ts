import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDebuginfod } from '../test/fixtures/debuginfod';
import { buildForeignCrash } from '../test/fixtures/foreign';

const RUNS = 5;
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');

function run(args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, ...args], { stdio: 'ignore', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`crashwb ${args.join(' ')} exited with ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * A stripped crash from another machine, symbolized through a real debuginfod server: with the
 * symbol cache empty (every run fetches the executable, library and both debug files) and warm.
 */
export async function benchSymbols(root: string): Promise<void> {
  const foreign = buildForeignCrash(join(root, 'symbols'));
  const served = join(root, 'symbols', 'served');
  cpSync(foreign.stripped, join(served, 'bin'), { recursive: true });
  cpSync(foreign.debugDir, join(served, 'debug'), { recursive: true });
  const server = await startDebuginfod(served, foreign.libraryBuildId);
  try {
    const cache = join(root, 'symbols', 'cache');
    const args = ['analyze', foreign.core, '--json', '--symbol-server', server.url];
    const env = { CRASHWB_SYMBOL_CACHE: cache, DEBUGINFOD_URLS: '' };
    const cold: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      rmSync(cache, { recursive: true, force: true });
      cold.push(run(args, env));
    }
    const warm = Array.from({ length: RUNS }, () => run(args, env));
    const local = Array.from({ length: RUNS }, () =>
      run(['analyze', foreign.core, '--json', '--solib-dir', foreign.handed], {
        ...env,
        CRASHWB_SYMBOL_CACHE: join(root, 'symbols', 'unused'),
      }),
    );
    console.log(
      `symbols for a core from another machine (median of ${RUNS} runs, ms): debuginfod with a cold cache ${median(cold).toFixed(0)}, warm ${median(warm).toFixed(0)}; files handed over with --solib-dir ${median(local).toFixed(0)}`,
    );
  } finally {
    await server.stop();
  }
}
