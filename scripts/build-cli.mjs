// Bundles the CLI (and with it the engine and the browser host) for plain Node.
import { build } from 'esbuild';

await build({
  entryPoints: {
    crashwb: 'src/cli/index.ts',
    'offload-worker': 'src/core/offload/offload-worker.ts',
    'early-gdb': 'src/cli/early-gdb.ts',
  },
  outdir: 'out/cli',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // The AWS SDK stays in node_modules and is loaded only by the S3 paths (src/core/s3/s3-client.ts):
  // bundled, parsing it cost every command ~0.1 s.
  external: ['better-sqlite3', 'node-pty', 'ws', 'playwright-core', '@aws-sdk/*'],
  // import() of those becomes a lazy require(): bin/crashwb.cjs runs the bundle from V8's code
  // cache, where Node gives a dynamic import no loader.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
});

// bin/crashwb starts gdb before Node with the engine's own command line and environment.
const { createRequire } = await import('node:module');
const { writeFileSync } = await import('node:fs');
const { earlyGdbShell } = createRequire(import.meta.url)('../out/cli/early-gdb.cjs');
writeFileSync('out/cli/early-gdb.sh', earlyGdbShell());
