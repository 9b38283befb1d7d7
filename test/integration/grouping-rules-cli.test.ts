import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { FingerprintExplanation, RulesCheck } from '../../src/shared/model';

const fixtures = inject('fixtures');
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');
const dir = mkdtempSync(join(tmpdir(), 'crashwb-rules-'));
const db = join(dir, 'wb.db');
const crashwb = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

function rulesFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

let defaults = '';
let abortId = '';
let workerId = '';

beforeAll(() => {
  const imported = crashwb(
    'import',
    '--db',
    db,
    fixtures.nullDeref.core,
    fixtures.abort.core,
    fixtures.workerThread.core,
    fixtures.cpp.core,
  );
  expect(imported.status, imported.stderr).toBe(0);
  const events = JSON.parse(crashwb('events', '--db', db, '--json').stdout) as Array<{ id: string; source: string }>;
  abortId = events.find((e) => e.source === fixtures.abort.core)?.id ?? '';
  workerId = events.find((e) => e.source === fixtures.workerThread.core)?.id ?? '';
  defaults = crashwb('rules', 'show').stdout;
}, 180_000);

describe('grouping rules on the command line', () => {
  it('shows the default rules, in the language a rules file is written in', () => {
    expect(defaults).toMatch(/^# Crash Workbench default grouping rules/);
    expect(defaults).toContain('\nfamily:native stack.function:main -group\n');
    const check = crashwb('rules', 'check', '--db', db, rulesFile('same.rules', defaults));
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/4 groups now, 4 with these rules; 0 crashes would move/);
  });

  it('says which line of a rules file is wrong and why, and exits 2', () => {
    const bad = rulesFile('bad.rules', `${defaults}stack.fnction:x -app\nstack.function:y +grop\n`);
    const check = crashwb('rules', 'check', '--db', db, bad);
    expect(check.status).toBe(2);
    const lines = defaults.split('\n').length;
    expect(check.stderr).toContain(`${bad}:${lines}: unknown field "stack.fnction"`);
    expect(check.stderr).toContain(`${bad}:${lines + 1}: unknown action "+grop"`);
  });

  it('tries rules on the stored crashes, naming the groups they would merge, and changes nothing', () => {
    const merging = rulesFile(
      'merge.rules',
      `${defaults}stack.function:check_invariant -> invariant-or-worker\nstack.function:store_result -> invariant-or-worker\n`,
    );
    const before = crashwb('groups', '--db', db, '--json').stdout;
    const check = crashwb('rules', 'check', '--db', db, '--json', merging);
    expect(check.status).toBe(0);
    const result = JSON.parse(check.stdout) as RulesCheck;
    expect(result.preview).toMatchObject({ crashes: 4, groupsBefore: 4, groupsAfter: 3, merged: 1, split: 0 });
    expect(result.preview?.merges[0]?.groups.map((g) => g.title).sort()).toEqual([
      expect.stringMatching(/^SIGSEGV in store_result/),
      expect.stringMatching(/^abort in check_invariant/),
    ]);
    expect(crashwb('groups', '--db', db, '--json').stdout).toBe(before);
  });

  it('explains a stored crash’s fingerprint frame by frame, under the default rules or a file’s', () => {
    const text = crashwb('explain', '--db', db, abortId.slice(0, 12));
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^abort in check_invariant \(abort\.c:\d+\)\n/);
    expect(text.stdout).toMatch(/mechanism abort \(line \d+\)/);
    expect(text.stdout).toMatch(/\* #\d+ +check_invariant\n +the program's own top frame/);
    expect(text.stdout).toMatch(/line \d+: stack\.function:abort \+machinery {2}→ {2}crash machinery/);
    const file = rulesFile('wrapper.rules', `${defaults}stack.function:check_invariant +machinery\n`);
    const json = JSON.parse(crashwb('explain', '--db', db, '--json', '--rules', file, abortId).stdout) as FingerprintExplanation;
    expect(json.rules).toMatch(/^[0-9a-f]{12}$/);
    expect(json.stack.find((f) => f.name === 'check_invariant')).toMatchObject({ verdict: 'left-out', reason: 'crash machinery' });
  });

  it('says in a comparison how each fingerprint came about, with the rules’ lines', () => {
    const text = crashwb('compare', '--db', db, abortId.slice(0, 12), workerId.slice(0, 12));
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /How the first fingerprint came about:\n {4}mechanism abort \(rule on line \d+\)\n {4}left out above: .*raise, abort \(rules on line [\d, ]+\)\n {4}check_invariant: the program's own top frame/,
    );
    expect(text.stdout).toMatch(
      /How the second fingerprint came about:\n {4}mechanism SIGSEGV, the signal\n {4}store_result: the program's own top frame/,
    );
  });
});

describe('grouping rules per project on the command line', () => {
  it('sets, shows and lists a project’s own rules; the database’s crashes keep theirs', () => {
    const projectDb = join(dir, 'projects.db');
    const alpha = crashwb('import', '--db', projectDb, '--attr', 'project=alpha', fixtures.nullDeref.core, fixtures.abort.core);
    expect(alpha.status, alpha.stderr).toBe(0);
    expect(crashwb('import', '--db', projectDb, fixtures.workerThread.core).status).toBe(0);
    const file = rulesFile('alpha.rules', `${defaults}\nfamily:native -> alpha-crash\n`);
    const check = crashwb('rules', 'check', '--db', projectDb, '--project', 'alpha', file);
    expect(check.stdout).toMatch(/3 groups now, 2 with these rules/);
    const set = crashwb('rules', 'set', '--db', projectDb, '--project', 'alpha', file);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/Regrouped 3 crashes by rules [0-9a-f]{12} for project alpha; .* crashwb undo \d+/);
    expect(crashwb('rules', 'show', '--db', projectDb, '--project', 'alpha').stdout).toContain('family:native -> alpha-crash');
    expect(crashwb('rules', 'show', '--db', projectDb).stdout).not.toContain('alpha-crash');
    expect(crashwb('rules', 'projects', '--db', projectDb).stdout).toMatch(/^alpha\tits own rules [0-9a-f]{12}\n$/);
    const back = crashwb('rules', 'set', '--db', projectDb, '--project', 'alpha', '--default');
    expect(back.stdout).toMatch(/by the default rules for project alpha/);
    expect(crashwb('rules', 'projects', '--db', projectDb).stdout).toBe("alpha\tthe database's rules\n");
  });
});
