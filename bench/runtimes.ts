import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { llnodePlugin } from '../src/core/runtimes';
import { goCrash, nodeCrash } from '../test/fixtures/runtimes';

const BIN = join(process.cwd(), 'bin', 'crashwb');
const RUNS = 5;

function wall(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: 'ignore', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/**
 * A Node.js core and a Go core analysed with their runtimes' readers: the first Node.js analysis
 * makes the copy of node without DWARF, the later ones find it; beside them, lldb with llnode on
 * the unstripped node, as one would run it by hand.
 */
export function benchRuntimes(root: string): void {
  const plugin = llnodePlugin();
  const node = plugin ? nodeCrash(join(root, 'runtimes'), 'uncaught.js') : null;
  if (!plugin || !node) console.log('runtimes: Node.js skipped (no llnode plugin or no node)');
  else {
    const env = { ...process.env, CRASHWB_SYMBOL_CACHE: join(root, 'runtimes-cache') };
    const first = wall(BIN, ['analyze', node.core, '--json'], env);
    const warm = median(Array.from({ length: RUNS }, () => wall(BIN, ['analyze', node.core, '--json'], env)));
    const lldb = wall('lldb', [
      '--no-lldbinit',
      '--batch',
      '-o',
      `plugin load ${plugin}`,
      '-o',
      `target create ${node.executable} --core ${node.core}`,
      '-o',
      'v8 bt',
    ]);
    console.log(
      `Node.js core, crashwb analyze with llnode: first ${first.toFixed(0)} ms (makes node's copy without DWARF), then ${warm.toFixed(0)} ms (median of ${RUNS}); lldb + llnode v8 bt on the unstripped node: ${lldb.toFixed(0)} ms`,
    );
  }
  const go = spawnSync('dlv', ['version'], { stdio: 'ignore' }).status === 0 ? goCrash(join(root, 'runtimes'), 'nilmap') : null;
  if (!go) console.log('runtimes: Go skipped (no go or dlv)');
  else {
    const analyze = median(Array.from({ length: RUNS }, () => wall(BIN, ['analyze', go.core, '--json'])));
    const init = join(root, 'runtimes', 'dlv-init');
    writeFileSync(init, 'goroutines\nexit\n');
    const delve = median(
      Array.from({ length: RUNS }, () =>
        wall('dlv', ['core', go.executable, go.core, '--init', init, '--allow-non-terminal-interactive=true']),
      ),
    );
    console.log(
      `Go core, crashwb analyze with Delve: ${analyze.toFixed(0)} ms; dlv core listing its goroutines: ${delve.toFixed(0)} ms (medians of ${RUNS})`,
    );
  }
}
