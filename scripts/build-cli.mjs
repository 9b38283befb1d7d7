// Bundles the CLI (and with it the engine and the browser host) for plain Node.
import { build } from 'esbuild';

await build({
  entryPoints: { crashwb: 'src/cli/index.ts' },
  outdir: 'out/cli',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['better-sqlite3', 'node-pty', 'ws', 'playwright-core'],
  logLevel: 'warning',
});
