import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IMPORT_OPTIONS, UsageError, importRequestOf, workbenchFor } from './import-commands';

/** `crashwb watch DIR...`: imports what lands in the folders until stopped (Ctrl+C or SIGTERM). */
export async function watchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...IMPORT_OPTIONS, 'settle-ms': { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('watch needs at least one folder, e.g. /var/lib/systemd/coredump');
  const settleMs = values['settle-ms'] === undefined ? undefined : Number(values['settle-ms']);
  if (settleMs !== undefined && (!Number.isInteger(settleMs) || settleMs < 0))
    throw new UsageError(`--settle-ms takes milliseconds, not ${values['settle-ms']}`);
  const wb = workbenchFor(values);
  const dirs = positionals.map((p) => resolve(p));
  const watcher = wb.imports.watch(dirs, importRequestOf(values), {
    settleMs,
    onReport: (report) => {
      for (const path of report.imported) process.stdout.write(`imported ${path}\n`);
      for (const f of report.failed) process.stdout.write(`failed: ${f.path}: ${f.error}\n`);
    },
    onError: (error) => process.stderr.write(`crashwb watch: ${error.message}\n`),
  });
  process.stdout.write(`watching ${dirs.join(', ')}; Ctrl+C to stop\n`);
  return new Promise<number>((done) => {
    const stop = (): void => {
      watcher.stop();
      wb.close();
      done(0);
      // An import still running (a debugger, a slow disk) does not keep a stopped watcher alive.
      setTimeout(() => process.exit(0), 3_000).unref();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
