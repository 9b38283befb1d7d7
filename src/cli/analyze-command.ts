import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { mark } from '../core/platform/timeline';
import { SYMBOL_OPTIONS, symbolSearchOf } from './symbol-options';
import { ProgressLine } from './progress-line';
import { cliSymbolCache } from './symbol-cache-option';
import { crashJson, formatCrash } from './format';
import { debuggerOption } from './debugger-option';
import { UsageError } from './usage-error';
import { isMinidumpFile, takeEarlyGdb } from './early-gdb';

/** `crashwb analyze`: one core, read and analysed, printed or as JSON; nothing is stored. */
export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      exe: { type: 'string' },
      ...SYMBOL_OPTIONS,
      debugger: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
    },
  });
  const core = positionals[0];
  if (!core || positionals.length > 1) throw new UsageError('analyze takes exactly one core file');
  mark('analyze started');
  const { request, tokens } = symbolSearchOf(values);
  const kind = debuggerOption(values.debugger);
  // Its first bytes read once, here: they decide both the refusal and whether gdb is started ahead.
  const minidump = isMinidumpFile(core);
  if (values.debugger === 'gdb' && minidump)
    throw new UsageError(
      `${core} is a minidump, which gdb cannot read: crashwb reads it with its own stack walker and lldb. Leave out --debugger gdb, or give --debugger lldb.`,
    );
  const symbolCache = cliSymbolCache();
  const timeoutMs = values.timeout ? Number(values.timeout) * 1000 : undefined;
  // gdb starts before the engine is loaded (before this bundle, by the launcher), so that its own
  // start-up (the longest wait of a short analysis) runs under the loading; a minidump makes
  // analyzeCore put it away.
  // The launcher's, when it started one; one never taken ends with this process (its input closes).
  const early = kind === 'gdb' ? takeEarlyGdb() : null;
  const prepared =
    kind === 'gdb' && !minidump
      ? {
          kind,
          debugger: (await import('../core/debugger/gdb/extract')).prepareGdb(
            {
              debugDirs: (request.debugDirs ?? []).map((d) => resolve(d)),
              timeoutMs,
              indexCacheDir: symbolCache.gdbIndexDir,
              plainDebugDir: symbolCache.plainDebugDir,
            },
            false,
            early ?? undefined,
          ),
        }
      : undefined;
  const [{ analyzeCore }, { symbolServersFor }] = await Promise.all([
    import('../core/intake/analyze'),
    import('../core/symbols/symbol-servers'),
  ]);
  const symbolServers = await symbolServersFor({
    requested: request.symbolServers ?? [],
    settings: { symbolServers: [] },
    reporters: [],
    tokenFor: async (url) => tokens[url] ?? null,
  });
  const progress = new ProgressLine(process.stderr);
  const crash = await analyzeCore(core, {
    ...request,
    executable: values.exe,
    symbolServers,
    symbolCache,
    debugger: kind,
    timeoutMs,
    prepared,
    inThisThread: true,
    onStage: (stage, message) => {
      if (stage === 'locating-files' && symbolServers.length) progress.show(message);
    },
  })
    .catch(async (error: unknown) => {
      throw (await bundleNotCore(core)) ?? error;
    })
    .finally(() => {
      progress.end();
      // Unused when the core could not be read or needed another debugger; closing twice is harmless.
      prepared?.debugger.dispose();
    });
  mark('analysed');
  process.stdout.write(values.json ? `${JSON.stringify(crashJson(crash), null, 2)}\n` : `${formatCrash(crash)}\n`);
  return crash.analysisError ? 3 : 0;
}

/**
 * A crash that came as a bundle (an apport report, a Node.js report, a zip) is no core for a
 * debugger: said with the command that reads it, rather than as a file that is not ELF.
 */
async function bundleNotCore(path: string): Promise<UsageError | null> {
  const { shapeOfFile, sourceOf } = await import('../core/sources/registry');
  const shape = await shapeOfFile(path).catch(() => null);
  // A compressed core keeps the reader's own advice: decompress it first.
  if (!shape || shape.kind === 'core' || shape.kind === 'minidump' || shape.kind === 'compressed') return null;
  const { name } = sourceOf(shape);
  return new UsageError(
    `${path} is ${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}, not one core: crashwb analyze reads a core or a minidump. Import it with \`crashwb import ${path}\`, which reads every kind of crash, and look at it with \`crashwb groups\` or in the app.`,
  );
}
