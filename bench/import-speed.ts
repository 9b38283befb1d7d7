import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crashForCore, type Fixtures } from '../test/fixtures/crashers';

const COPIES = 6;

/** Wall, user and system seconds of one command, from GNU time. */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { wall: number; cpu: number; sys: number } {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIMES %e %U %S', command, ...args], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const line = result.stderr.split('\n').find((l) => l.startsWith('TIMES '));
  if (result.status !== 0 || !line) throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${result.stderr.slice(-500)}`);
  const [wall = NaN, user = NaN, sys = NaN] = line.split(' ').slice(1).map(Number);
  return { wall, cpu: user + sys, sys };
}

/**
 * `crashwb import` of many distinct cores against gdb backtracing the same cores one after the
 * other: wall time on this machine's cores and CPU time per core.
 */
export function benchImportSpeed(root: string, fixtures: Fixtures): void {
  const dir = join(root, 'import-speed');
  mkdirSync(dir, { recursive: true });
  const programs = [fixtures.nullDeref, fixtures.workerThread, fixtures.cpp, fixtures.abort, ...(fixtures.rust ? [fixtures.rust] : [])];
  // Each run of a crasher is a core of its own (another pid, other stack addresses): no two are one file.
  const cores = programs.flatMap((fx) =>
    Array.from({ length: COPIES }, (_, i) => ({
      executable: fx.executable,
      core: crashForCore(fx.executable, join(dir, `${fx.name}-${i}`)),
    })),
  );
  let gdb = { wall: 0, cpu: 0, sys: 0 };
  for (const { executable, core } of cores) {
    const one = measure('gdb', ['-nx', '-batch', '-ex', 'thread apply all bt 200', executable, core]);
    gdb = { wall: gdb.wall + one.wall, cpu: gdb.cpu + one.cpu, sys: gdb.sys + one.sys };
  }
  const env = { ...process.env, CRASHWB_SYMBOL_CACHE: join(dir, 'cache') };
  const crashwb = measure(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), 'import', '--db', join(dir, 'wb.db'), dir], env);
  const n = cores.length;
  console.log(
    `import of ${n} cores: crashwb ${crashwb.wall.toFixed(1)} s wall, ${crashwb.cpu.toFixed(1)} s CPU (${crashwb.sys.toFixed(1)} s sys); ` +
      `sequential gdb backtraces ${gdb.wall.toFixed(1)} s wall, ${gdb.cpu.toFixed(1)} s CPU (${gdb.sys.toFixed(1)} s sys)`,
  );
  console.log(
    `import ratio: ${(crashwb.wall / gdb.wall).toFixed(2)}x wall (goal ≤ 0.60x), ${(crashwb.cpu / gdb.cpu).toFixed(2)}x CPU per core (goal ≤ 1.10x)`,
  );
}
