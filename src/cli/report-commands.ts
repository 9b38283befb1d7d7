import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, type ExportFormat, type ExportTarget, type GroupingExplanation, type StackDiffRow } from '../shared/model';
import { sparkline } from '../core/report/render-markdown';
import { sinceOption, UsageError, withWorkbench } from './import-commands';
import { frameLabel } from '../shared/frame-label';

function groupIdOption(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`a group id is a positive number, not ${text}`);
  return id;
}

/** `crashwb export (--event ID | --group ID) --format F --out FILE`: a report, redacted unless --no-redact. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      event: { type: 'string' },
      group: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'no-redact': { type: 'boolean' },
      'redact-hosts': { type: 'boolean' },
      'redact-ips': { type: 'boolean' },
      'redact-key': { type: 'string', multiple: true },
      'redact-pattern': { type: 'string', multiple: true },
      preview: { type: 'boolean' },
    },
  });
  if ((values.event === undefined) === (values.group === undefined)) throw new UsageError('export takes one of --event ID or --group ID');
  const format = (values.format ?? (values.out ? values.out.slice(values.out.lastIndexOf('.') + 1) : '')) as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw new UsageError(`--format takes ${EXPORT_FORMATS.join(', ')}, not ${values.format ?? '(none)'}`);
  if (!values.out && !values.preview) throw new UsageError('export needs --out FILE (or --preview to see what redaction would remove)');
  return withWorkbench(values.db, async (wb) => {
    const target: ExportTarget =
      values.event !== undefined
        ? { kind: 'crash', id: wb.crashes.crashIdByPrefix(values.event) }
        : { kind: 'group', id: groupIdOption(values.group ?? '') };
    const saved = await wb.reports.getRedactionRules();
    const rules = {
      ...saved,
      hostnames: saved.hostnames || values['redact-hosts'] === true,
      ipAddresses: saved.ipAddresses || values['redact-ips'] === true,
      keys: [...saved.keys, ...(values['redact-key'] ?? [])],
      patterns: [...saved.patterns, ...(values['redact-pattern'] ?? [])],
    };
    const request = { target, format, redact: values['no-redact'] !== true, rules };
    if (values.preview) {
      const preview = await wb.reports.previewExport(request);
      for (const r of preview.removed)
        process.stdout.write(`${r.rule.padEnd(12)} ${String(r.count).padStart(4)}×  ${r.where}: ${r.text}\n`);
      process.stdout.write(
        `${preview.removed.length === 0 ? 'nothing to remove' : `${preview.removed.length} distinct values would be removed`}\n`,
      );
      return 0;
    }
    const file = await wb.reports.exportReport(request);
    const out = resolve(values.out ?? file.fileName);
    await writeFile(out, Buffer.from(file.base64, 'base64'));
    const removed = file.removed.reduce((n, r) => n + r.count, 0);
    process.stderr.write(
      `wrote ${out}${request.redact ? ` (redacted ${removed} ${removed === 1 ? 'place' : 'places'}; --preview lists them)` : ' (not redacted)'}\n`,
    );
    return 0;
  });
}

const MARK: Record<StackDiffRow['kind'], string> = { same: ' ', moved: '~', added: '+', removed: '-' };

function printExplanation(e: GroupingExplanation): void {
  process.stdout.write(`${e.summary}\n`);
  for (const p of e.parts) process.stdout.write(`  ${p.same ? '=' : '≠'} ${p.part}: ${p.a}${p.same ? '' : `  |  ${p.b}`}\n`);
  if (!e.how) return;
  for (const [side, steps] of [
    ['first', e.how.a],
    ['second', e.how.b],
  ] as const) {
    process.stdout.write(`How the ${side} fingerprint came about:\n`);
    for (const step of steps) process.stdout.write(`    ${step}\n`);
  }
}

function printStack(rows: StackDiffRow[]): void {
  process.stdout.write('\nStacks (- only in the first, + only in the second, ~ other line):\n');
  for (const r of rows) {
    const f = r.base ?? r.other;
    const line = (x: typeof f) => (x?.file ? `${x.file.split('/').pop()}:${x.line ?? '?'}` : '');
    process.stdout.write(
      `  ${MARK[r.kind]} ${f ? frameLabel(f) : '??'}  ${line(r.base)}${r.kind === 'moved' ? ` → ${line(r.other)}` : ''}\n`,
    );
  }
}

/** `crashwb compare A B` (crash ids) or `--groups A B`: why they are, or are not, one bug. */
export async function compareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { db: { type: 'string' }, groups: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 2) throw new UsageError('compare takes two crash ids, or --groups and two group ids');
  const [a, b] = positionals as [string, string];
  return withWorkbench(values.db, async (wb) => {
    const result = values.groups
      ? await wb.triage.compareGroups(groupIdOption(a), groupIdOption(b))
      : await wb.triage.compareCrashes(wb.crashes.crashIdByPrefix(a), wb.crashes.crashIdByPrefix(b));
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    printExplanation(result.explanation);
    printStack(result.stack);
    if ('registers' in result) {
      const differing = result.attributes.filter((d) => !d.same);
      if (differing.length) process.stdout.write('\nAttributes that differ:\n');
      for (const d of differing) process.stdout.write(`  ${d.key}: ${d.a ?? '—'}  |  ${d.b ?? '—'}\n`);
    } else process.stdout.write(`\nStack similarity of the representatives: ${Math.round(result.similarity * 100)}%\n`);
    return 0;
  });
}

/** `crashwb trends [--days N]`: crashes per day, and the groups new or regressed in that window. */
export async function trendsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, days: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } },
  });
  const days = values.days === undefined ? 30 : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError(`--days takes 1..366, not ${values.days}`);
  const since = values.since === undefined ? undefined : sinceOption(values.since);
  const result = await withWorkbench(values.db, (wb) => wb.groups.getTrends({ since }, days));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`Crashes per day, last ${days} days:\n${sparkline(result.daily)}\n`);
  process.stdout.write(`\nNew groups (${result.newGroups.length}):\n`);
  for (const g of result.newGroups) process.stdout.write(`  ${String(g.id).padStart(5)}  ${String(g.count).padStart(6)}  ${g.title}\n`);
  process.stdout.write(`\nRegressed groups (${result.regressed.length}):\n`);
  for (const g of result.regressed) process.stdout.write(`  ${String(g.id).padStart(5)}  ${String(g.count).padStart(6)}  ${g.title}\n`);
  return 0;
}
