import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { uploadSymbols } from '../agent/symbol-upload';
import { findSources, uploadSources } from '../agent/source-upload';
import { cliSymbolCache } from './symbol-cache-option';
import { UsageError } from './usage-error';
import { workbenchFor } from './import-commands';
import { ProgressLine } from './progress-line';
import { SYMBOL_OPTIONS, symbolSearchOf } from './symbol-options';
import { tokenOf } from './upload-commands';

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `crashwb upload-symbols`: a build's binaries and debug files to a reporter's symbol store. */
export async function uploadSymbolsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      sources: { type: 'string', multiple: true },
    },
  });
  if (!values.server || !/^https?:\/\/[^\s]+$/.test(values.server)) {
    throw new UsageError('upload-symbols needs --server http(s)://HOST:PORT, the reporter to send to');
  }
  if (positionals.length === 0) throw new UsageError('upload-symbols needs the files or folders to send (a build output folder)');
  const token = await tokenOf(values, 'upload-symbols');
  const report = await uploadSymbols(
    values.server,
    token,
    positionals.map((p) => resolve(p)),
    {
      dryRun: values['dry-run'],
      onFile: (file) => {
        const what = 'buildId' in file ? `${file.kind}, ${file.buildId}` : `Breakpad symbols, ${file.debugFile} ${file.debugId}`;
        if (!values.json) process.stderr.write(`${values['dry-run'] ? 'would send' : 'sending'} ${file.path} (${what})\n`);
      },
    },
  );
  // The sources belong to the builds named in this run: every build-id found, sent now or before.
  const buildIds = [...new Set([...report.sent, ...report.present].flatMap((f) => ('buildId' in f ? [f.buildId] : [])))];
  const sources = values.sources?.length ? await findSources(values.sources.map((d) => resolve(d))) : [];
  const sourceReport = sources.length && !values['dry-run'] ? await uploadSources(values.server, token, sources, buildIds) : null;
  if (values.json) process.stdout.write(`${JSON.stringify({ ...report, sources: sourceReport }, null, 2)}\n`);
  else {
    process.stdout.write(
      `${values['dry-run'] ? 'would send' : 'sent'} ${report.sent.length}, already there ${report.present.length}, refused ${report.refused.length}, failed ${report.failed.length}\n`,
    );
    if (sourceReport) {
      process.stdout.write(
        `sources: ${sourceReport.files} files for ${buildIds.length} builds; sent ${sourceReport.sent}, already there ${sourceReport.present}\n`,
      );
    }
    for (const r of report.refused) process.stdout.write(`refused: ${r.path}: ${r.reason}\n`);
    for (const f of report.failed) process.stdout.write(`failed: ${f.path}: ${f.error}\n`);
  }
  const named = report.refused.length > 0 && report.sent.length + report.present.length === 0;
  return report.failed.length > 0 || named ? 1 : 0;
}

/** `crashwb symbols`: where the symbol cache is and how full; `--clear` empties it. */
export async function symbolsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { clear: { type: 'boolean' }, json: { type: 'boolean' } } });
  const cache = cliSymbolCache();
  const usage = values.clear ? await cache.clear() : await cache.usage();
  if (values.json) process.stdout.write(`${JSON.stringify({ ...usage, cleared: !!values.clear }, null, 2)}\n`);
  else if (values.clear) process.stdout.write(`cleared ${usage.dir}: ${usage.files} files, ${mb(usage.bytes)}\n`);
  else process.stdout.write(`${usage.dir}: ${usage.files} files, ${mb(usage.bytes)} of ${mb(usage.limitBytes)}\n`);
  return 0;
}

/** `crashwb reprocess`: analyse stored crashes again (a group's, or those that lacked symbols) and regroup them. */
export async function reprocessCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      'missing-symbols': { type: 'boolean' },
      group: { type: 'string' },
      json: { type: 'boolean' },
      ...SYMBOL_OPTIONS,
    },
  });
  const groupId = values.group === undefined ? undefined : Number(values.group);
  if (groupId !== undefined && (!Number.isInteger(groupId) || groupId < 1))
    throw new UsageError(`--group takes a group id, not ${values.group}`);
  const wb = workbenchFor(values);
  const progress = new ProgressLine(process.stderr);
  wb.onEvent((e) => {
    if (e.type === 'import' && e.jobId === 'reprocess' && e.current) progress.show(`[${e.done}/${e.total}] ${e.current}`);
  });
  const report = await wb
    .reprocessCrashes({ ...symbolSearchOf(values).request, missingSymbols: values['missing-symbols'], groupId })
    .finally(() => {
      progress.end();
      wb.close();
    });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(
      `checked ${report.checked}, analysed again ${report.reanalyzed.length}, with more frames named ${report.improved.length}, failed ${report.failed.length}\n`,
    );
    for (const f of report.failed) process.stdout.write(`failed: ${f.id.slice(0, 12)}: ${f.error}\n`);
  }
  return report.failed.length ? 1 : 0;
}
