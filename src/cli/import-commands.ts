import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GROUP_STATUSES, type GroupStatus, type Histogram, type ImportReport } from '../shared/model';
import { defaultDatabasePath } from '../core/paths';
import { Workbench } from '../core/workbench';
import { UsageError } from './usage-error';
import { debuggerOption } from './debugger-option';
import { SYMBOL_OPTIONS, symbolSearchOf, type SymbolValues } from './symbol-options';

export { UsageError };

export function attributesOption(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--attr takes key=value, not ${pair}`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export function withWorkbench<T>(db: string | undefined, use: (wb: Workbench) => Promise<T>): Promise<T> {
  const wb = new Workbench({ databasePath: db ?? defaultDatabasePath() });
  return use(wb).finally(() => wb.close());
}

/** `7d`, `12h`, `30m` or an ISO date: the start of a time range, as an ISO timestamp. */
export function sinceOption(text: string, now = Date.now()): string {
  const relative = /^(\d+)([dhm])$/.exec(text);
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return new Date(now - Number(relative[1]) * unit).toISOString();
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new UsageError(`--since takes 7d, 12h, 30m or a date, not ${text}`);
  return new Date(parsed).toISOString();
}

/** Options every importing command takes (import, watch): where to store and how to analyse. */
export const IMPORT_OPTIONS = {
  db: { type: 'string' },
  exe: { type: 'string' },
  ...SYMBOL_OPTIONS,
  debugger: { type: 'string' },
  attr: { type: 'string', multiple: true },
} as const;

/** The analysis half of an import request, from those options. */
export function importRequestOf(values: SymbolValues & { exe?: string; debugger?: string; attr?: string[] }) {
  return {
    executable: values.exe && resolve(values.exe),
    ...symbolSearchOf(values).request,
    debugger: debuggerOption(values.debugger),
    attributes: attributesOption(values.attr),
  };
}

/** A workbench that knows the tokens the options gave for their symbol servers. */
export function workbenchFor(values: SymbolValues & { db?: string }): Workbench {
  return new Workbench({ databasePath: values.db ?? defaultDatabasePath(), symbolTokens: symbolSearchOf(values).tokens });
}

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...IMPORT_OPTIONS,
      jobs: { type: 'string' },
      json: { type: 'boolean' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      'path-style': { type: 'boolean' },
      token: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('import needs at least one core file, folder or s3:// URL');
  if (values.endpoint && !/^https?:\/\/[^\s]+$/.test(values.endpoint))
    throw new UsageError(`--endpoint takes an http(s) URL, not ${values.endpoint}`);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1))
    throw new UsageError(`--jobs must be a positive number, not ${values.jobs}`);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping after the crashes in progress; run the same import again to finish\n');
    controller.abort();
  });
  const wb = workbenchFor(values);
  const report = await (async () => {
    wb.onEvent((p) => {
      if (p.type === 'import' && p.jobId === 'download' && process.stderr.isTTY) {
        process.stderr.write(`\r${p.current ?? ''}: ${Math.round((p.done / Math.max(1, p.total)) * 100)}%`.slice(0, 160).padEnd(160));
      } else if (p.type === 'import' && process.stderr.isTTY) {
        process.stderr.write(`\r[${p.done}/${p.total}] ${p.failed.length} failed — ${p.current ?? ''}`.slice(0, 160).padEnd(160));
      }
    });
    const common = importRequestOf(values);
    const control = { jobs, signal: controller.signal };
    const urls = positionals.filter((p) => p.startsWith('s3://'));
    const reporters = positionals.filter((p) => p.startsWith('reporter+'));
    const paths = positionals.filter((p) => !p.startsWith('s3://') && !p.startsWith('reporter+')).map((p) => resolve(p));
    const reports = [];
    for (const url of reporters) {
      if (!values.token) throw new UsageError(`${url} needs --token T, the reporter project's token`);
      reports.push(await wb.imports.importReporter({ url, token: values.token }, common, control));
    }
    for (const url of urls) {
      reports.push(
        await wb.imports.importS3(
          { ...common, url, endpoint: values.endpoint, region: values.region, pathStyle: values['path-style'] },
          control,
        ),
      );
    }
    if (paths.length || reports.length === 0) reports.push(await wb.imports.importPaths({ ...common, paths }, control));
    return mergeReports(reports);
  })().finally(() => wb.close());
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    if (report.cancelled) process.stdout.write('cancelled: run the same import again to finish\n');
    process.stdout.write(
      `imported ${report.imported.length}, already present ${report.existing.length}, failed ${report.failed.length}, not cores ${report.skipped}\n`,
    );
    for (const f of report.failed) process.stdout.write(`failed: ${f.path}: ${f.error}\n`);
  }
  return report.failed.length > 0 ? 1 : 0;
}

function mergeReports(reports: ImportReport[]): ImportReport {
  return reports.reduce((all, r) => ({
    jobId: all.jobId || r.jobId,
    imported: [...all.imported, ...r.imported],
    existing: [...all.existing, ...r.existing],
    failed: [...all.failed, ...r.failed],
    skipped: all.skipped + r.skipped,
    total: all.total + r.total,
    cancelled: all.cancelled || r.cancelled,
  }));
}

export async function eventsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, json: { type: 'boolean' } } });
  const events = await withWorkbench(values.db, async (wb) => wb.groups.listEvents());
  if (values.json) process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
  else
    for (const e of events)
      process.stdout.write(`${e.id.slice(0, 12)}  group ${e.groupId ?? '-'}  ${e.signal.padEnd(8)} ${e.timestamp}  ${e.source}\n`);
  return 0;
}

function statusOption(value: string | undefined): GroupStatus | undefined {
  if (value === undefined) return undefined;
  const status = GROUP_STATUSES.find((s) => s === value);
  if (!status) throw new UsageError(`--status ${value}: give one of ${GROUP_STATUSES.join(', ')}`);
  return status;
}

export async function groupsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean' },
      search: { type: 'string' },
      since: { type: 'string' },
      attr: { type: 'string', multiple: true },
      histogram: { type: 'string', multiple: true },
      status: { type: 'string' },
    },
  });
  const since = values.since === undefined ? undefined : sinceOption(values.since);
  const attributes = values.attr ? attributesOption(values.attr) : undefined;
  const query = { text: values.search, since, attributes, status: statusOption(values.status) };
  const attrs = values.histogram ?? [];
  const { groups, histograms, overall } = await withWorkbench(values.db, async (wb) => {
    const { groups } = await wb.groups.listGroups(query);
    const ids = groups.map((g) => g.id);
    return {
      groups,
      histograms: attrs.map((a) => wb.groups.groupHistograms(query, a, ids)),
      overall: await Promise.all(attrs.map((a) => wb.groups.getHistogram(query, a))),
    };
  });
  const histogramsOf = (id: number): Record<string, Histogram> =>
    Object.fromEntries(attrs.map((a, i) => [a, histograms[i]?.get(id) ?? { attribute: a, values: [], missing: 0 }]));
  if (values.json) {
    const out = attrs.length ? groups.map((g) => ({ ...g, histogram: histogramsOf(g.id) })) : groups;
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const spread = (values: Array<{ value: string }>, count: number) =>
    count === 0 ? '-' : `${values.map((v) => v.value).join(',')}${count > values.length ? ` +${count - values.length}` : ''}`;
  process.stdout.write(
    `${'id'.padStart(5)}  ${'count'.padStart(6)}  ${'status'.padEnd(9)} ${'versions'.padEnd(18)} ${'hosts'.padEnd(18)} title\n`,
  );
  for (const g of groups) {
    process.stdout.write(
      `${String(g.id).padStart(5)}  ${String(g.count).padStart(6)}  ${g.status.padEnd(9)} ${spread(g.versions, g.versionCount).padEnd(18)} ${spread(g.hosts, g.hostCount).padEnd(18)} ${g.title}${g.ticket ? `  [${g.ticket}]` : ''}\n`,
    );
    for (const h of Object.values(histogramsOf(g.id))) process.stdout.write(formatHistogram(h, 15));
  }
  if (overall.length)
    process.stdout.write(
      `\nAll ${groups.reduce((n, g) => n + g.count, 0)} crashes:\n${overall.map((h) => formatHistogram(h, 2)).join('')}`,
    );
  return 0;
}

const BAR_WIDTH = 30;

/** An attribute's values with bars, like morgue --histogram, indented under what they describe. */
export function formatHistogram(h: Histogram, indent: number): string {
  const rows = [...h.values.map((v) => [v.value, v.count] as const), ...(h.missing ? [['(none)', h.missing] as const] : [])];
  const peak = Math.max(1, ...rows.map(([, n]) => n));
  const width = Math.min(40, Math.max(...rows.map(([v]) => v.length), 1));
  const pad = ' '.repeat(indent);
  return rows
    .map(([value, count], i) => {
      const label = i === 0 ? h.attribute : ''.padEnd(h.attribute.length);
      const bar = '█'.repeat(Math.max(1, Math.round((count / peak) * BAR_WIDTH)));
      return `${pad}${label}  ${value.slice(0, 40).padEnd(width)} ${bar} ${count}\n`;
    })
    .join('');
}

export async function regroupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' } } });
  const result = await withWorkbench(values.db, async (wb) => wb.triage.regroup());
  process.stdout.write(`regrouped ${result.regrouped} crashes; removed ${result.groupsRemoved} empty groups\n`);
  return 0;
}
