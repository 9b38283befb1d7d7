import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { FingerprintExplanation, PreviewGroup, RulesPreview } from '../shared/model';
import { DEFAULT_RULES } from '../core/fingerprint/rules/default-rules';
import { withWorkbench } from './import-commands';
import { UsageError } from './usage-error';

async function readRules(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the rules file ${path}: ${(error as Error).message}`);
  }
}

const groupLine = (g: PreviewGroup): string =>
  `${g.id === null ? 'new group' : `group ${g.id}`} (${g.crashes} crash${g.crashes === 1 ? '' : 'es'}): ${g.title}`;

function printPreview(preview: RulesPreview): void {
  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  out(
    `Over the ${preview.crashes} stored crashes: ${preview.groupsBefore} groups now, ${preview.groupsAfter} with these rules; ` +
      `${preview.moved} crash${preview.moved === 1 ? '' : 'es'} would move, ${preview.merged} new group${preview.merged === 1 ? '' : 's'} would gather several, ` +
      `${preview.split} group${preview.split === 1 ? '' : 's'} would come apart. Nothing was changed.`,
  );
  for (const warning of preview.warnings) out(`warning: ${warning}`);
  if (preview.merges.length) out('\nWould merge:');
  for (const merge of preview.merges) {
    out(`  into ${groupLine(merge.into)}`);
    for (const g of merge.groups) out(`    ${groupLine(g)}`);
  }
  if (preview.splits.length) out('\nWould split:');
  for (const split of preview.splits) {
    out(`  ${groupLine(split.group)}`);
    for (const g of split.into) out(`    → ${groupLine(g)}`);
  }
}

/**
 * `crashwb rules show` prints the grouping rules in effect; `crashwb rules check FILE` reports a
 * rules file's errors by line (as FILE:LINE: message), or tries it on the stored crashes;
 * `crashwb rules set FILE` makes it the database's and regroups by it. With `--project NAME`,
 * each is about the rules of the crashes whose `project` attribute is NAME; `rules projects`
 * lists the projects and whose rules each follows.
 */
export async function rulesCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { db: { type: 'string' }, json: { type: 'boolean' }, default: { type: 'boolean' }, project: { type: 'string' } },
  });
  const project = values.project ?? null;
  if (project === '') throw new UsageError('--project takes the name of a project');
  if (action === 'projects') {
    if (positionals.length) throw new UsageError('rules projects takes no file');
    return withWorkbench(values.db, async (wb) => {
      const { projects } = await wb.triage.getGroupingRules();
      for (const name of projects) {
        const rules = await wb.triage.getGroupingRules(name);
        process.stdout.write(`${name}\t${rules.own ? `its own rules ${rules.rules}` : "the database's rules"}\n`);
      }
      if (projects.length === 0) process.stdout.write('no crash carries a project (import with --attr project=NAME)\n');
      return 0;
    });
  }
  if (action === 'show') {
    if (positionals.length) throw new UsageError('rules show takes no file');
    if (values.default) {
      process.stdout.write(DEFAULT_RULES);
      return 0;
    }
    return withWorkbench(values.db, async (wb) => {
      process.stdout.write((await wb.triage.getGroupingRules(project)).text);
      return 0;
    });
  }
  if (action === 'set') {
    if (values.default ? positionals.length > 0 : positionals.length !== 1)
      throw new UsageError(
        `rules set takes one rules file, or --default${project === null ? '' : " (the project then follows the database's rules)"}`,
      );
    const text = values.default ? null : await readRules(positionals[0] as string);
    return withWorkbench(values.db, async (wb) => {
      if (text !== null) {
        const check = await wb.triage.checkGroupingRules(text, project);
        for (const error of check.errors) process.stderr.write(`${positionals[0]}:${error.line}: ${error.message}\n`);
        if (check.errors.length) return 2;
      }
      const change = await wb.triage.applyGroupingRules(text, project);
      process.stdout.write(`${change.summary}; notes, statuses and manual merges kept. To undo: crashwb undo ${change.undoId}\n`);
      return 0;
    });
  }
  if (action !== 'check') throw new UsageError(`rules takes show, check, set or projects, not ${action ?? 'nothing'}`);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('rules check takes one rules file');
  const text = await readRules(file);
  return withWorkbench(values.db, async (wb) => {
    const check = await wb.triage.checkGroupingRules(text, project);
    if (values.json) process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
    else {
      for (const error of check.errors) process.stderr.write(`${file}:${error.line}: ${error.message}\n`);
      if (check.preview) printPreview(check.preview);
    }
    return check.errors.length ? 2 : 0;
  });
}

function printExplanation(file: string | undefined, e: FingerprintExplanation): void {
  const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
  const rules = file ?? 'the default rules';
  out(e.title);
  out(`fingerprint ${e.hash.slice(0, 16)} by ${rules}${e.rules === 'default' ? '' : ` (${e.rules})`}`);
  out(`mechanism ${e.mechanism}${e.mechanismLine ? ` (line ${e.mechanismLine})` : ' (the signal: no mechanism rule matched)'}`);
  out(
    e.fixedLine
      ? `fixed by line ${e.fixedLine}: ${e.frames.join(' ')}`
      : `signature ${e.frames.join(' → ')}${e.cycle ? ' (the recursion cycle at the top of the stack)' : ''}`,
  );
  if (e.scannedFrames) out(`${e.scannedFrames} frame(s) found by scanning the stack were left out: guesses never count`);
  out();
  const mark = { signature: '*', significant: '+', 'left-out': '-' } as const;
  for (const f of e.stack) {
    out(`${mark[f.verdict]} #${String(f.index).padEnd(3)} ${f.name}${f.app ? '' : '  [not the program’s own]'}`);
    out(`        ${f.reason}`);
    for (const n of f.notes) out(`        line ${n.line}: ${n.rule}  →  ${n.effect}`);
  }
  out();
  out('* in the signature   + compared for similarity   - left out');
}

/** `crashwb explain CRASH [--rules FILE]`: how a stored crash's fingerprint came about, frame by frame. */
export async function explainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { db: { type: 'string' }, rules: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('explain takes one crash id (or the start of one)');
  const text = values.rules === undefined ? undefined : await readRules(values.rules);
  return withWorkbench(values.db, async (wb) => {
    const explanation = await wb.triage.explainFingerprint(wb.crashes.crashIdByPrefix(positionals[0] as string), text);
    if (values.json) process.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
    else printExplanation(values.rules, explanation);
    return 0;
  });
}

/** `crashwb undo ID`: undoes a grouping change (a merge, a move-out, a status, new rules) by the id it printed. */
export async function undoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { db: { type: 'string' } } });
  const id = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw new UsageError('undo takes the id a grouping change printed');
  return withWorkbench(values.db, async (wb) => {
    process.stdout.write(`${await wb.triage.undoGroupingChange(id)}\n`);
    return 0;
  });
}
