import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import { FINGERPRINT_VERSION } from '../../src/core/fingerprint/fingerprint';
import { DEFAULT_RULES } from '../../src/core/fingerprint/rules/default-rules';
import type { GroupSummary } from '../../src/shared/model';

const fixtures = inject('fixtures');
let wb: Workbench;

/** The four fixture crashes, each in a group of its own by the default rules. */
const cores = () => [fixtures.nullDeref.core, fixtures.abort.core, fixtures.workerThread.core, fixtures.cpp.core];

beforeEach(async () => {
  wb = new Workbench({ databasePath: join(mkdtempSync(join(tmpdir(), 'crashwb-apply-')), 'wb.db') });
  const report = await wb.importPaths({ paths: cores() });
  expect(report.failed).toEqual([]);
});

afterEach(() => wb.close());

const groups = async (): Promise<GroupSummary[]> => (await wb.listGroups()).groups.sort((a, b) => a.id - b.id);
const groupOf = async (title: RegExp): Promise<GroupSummary> => {
  const found = (await groups()).find((g) => title.test(g.title));
  if (!found) throw new Error(`no group titled ${title}: ${(await groups()).map((g) => g.title).join(', ')}`);
  return found;
};
/** The default rules and lines after them, as a person extends them. */
const rules = (...lines: string[]) => `${DEFAULT_RULES}\n${lines.join('\n')}\n`;

describe('applying grouping rules to a database', () => {
  it('regroups every crash, the merged group keeping its id, status and the notes of both', async () => {
    const abort = await groupOf(/check_invariant/);
    const worker = await groupOf(/store_result/);
    await wb.setGroupStatus(abort.id, 'resolved');
    await wb.setGroupNotes(worker.id, { text: 'seen on the build farm', ticket: 'BUG-7' });
    const change = await wb.applyGroupingRules(
      rules('stack.function:check_invariant -> invariant-or-worker', 'stack.function:store_result -> invariant-or-worker'),
    );
    expect(change.summary).toMatch(/^Regrouped 4 crashes by rules [0-9a-f]{12}$/);
    const after = await groups();
    expect(after).toHaveLength(3);
    const merged = after.find((g) => g.count === 2);
    expect([abort.id, worker.id]).toContain(merged?.id);
    expect(merged?.version).toMatch(new RegExp(`^${FINGERPRINT_VERSION}:[0-9a-f]{12}$`));
    // Of two equal parts the older group carries on, with its status.
    expect(merged?.status).toBe(merged?.id === abort.id ? 'resolved' : 'new');
    expect((await wb.getGroupDetail(merged?.id as number)).notes?.text).toMatch(/seen on the build farm/);
    expect((await wb.getGroupingRules()).own).toBe(true);
  });

  it('is undone in one step: the same groups, ids, statuses and notes, and the default rules', async () => {
    const abort = await groupOf(/check_invariant/);
    await wb.setGroupStatus(abort.id, 'resolved');
    await wb.setGroupNotes(abort.id, { text: 'root cause known', ticket: null });
    const before = await groups();
    const change = await wb.applyGroupingRules(rules('family:native -> everything'));
    expect(await groups()).toHaveLength(1);
    expect(await wb.undoGroupingChange(change.undoId)).toBe('The grouping is back as it was, by the default rules');
    expect(await groups()).toEqual(before);
    expect((await wb.getGroupDetail(abort.id)).notes?.text).toBe('root cause known');
    expect(await wb.getGroupingRules()).toMatchObject({ rules: 'default', own: false });
  });

  it('keeps a manual merge and a move-out through a change of rules', async () => {
    const abort = await groupOf(/check_invariant/);
    const worker = await groupOf(/store_result/);
    const cpp = await groupOf(/priceOf/);
    await wb.mergeGroups(worker.id, abort.id);
    const [crashId] = (await wb.listGroupEvents(cpp.id)).map((e) => e.id);
    const moved = await wb.moveCrashToNewGroup(crashId as string);
    await wb.applyGroupingRules(rules('stack.function:nothing_of_ours -group'));
    const byTitle = await groups();
    expect(byTitle.find((g) => g.id === abort.id)?.count).toBe(2);
    expect((await wb.listGroupEvents(moved.groupId)).map((e) => e.id)).toEqual([crashId]);
    expect(byTitle).toHaveLength(3);
  });

  it('fingerprints crashes stored later by the database’s rules, and regroup finds nothing stale', async () => {
    await wb.applyGroupingRules(rules('stack.function:read_retries -> retries'));
    const report = await wb.importPaths({ paths: [fixtures.stripped.core] });
    expect(report.imported).toHaveLength(1);
    expect((await groups()).every((g) => String(g.version).startsWith(`${FINGERPRINT_VERSION}:`))).toBe(true);
    expect(wb.triage.regroup()).toEqual({ regrouped: 0, groupsRemoved: 0 });
    const retries = await groupOf(/retries/);
    const otherGroup = (await groups()).find((g) => g.id !== retries.id) as GroupSummary;
    const [a] = await wb.listGroupEvents(retries.id);
    const [b] = await wb.listGroupEvents(otherGroup.id);
    const comparison = await wb.compareCrashes(a?.id as string, b?.id as string);
    // Both were fingerprinted by the rules in effect: nothing to regroup, only the frames differ.
    expect(comparison.explanation.parts.map((p) => p.part)).toEqual(['mechanism', 'frames']);
  });

  it('refuses rules with errors, naming their lines, and changes nothing', async () => {
    const before = await groups();
    await expect(wb.applyGroupingRules(rules('stack.fnction:x -app'))).rejects.toThrow(/line \d+: unknown field "stack.fnction"/);
    expect(await groups()).toEqual(before);
    expect((await wb.getGroupingRules()).own).toBe(false);
  });
});

describe('grouping rules per project', () => {
  let projects: Workbench;
  /** alpha: the NULL dereference and the abort; beta: the worker thread and the C++ crash. */
  beforeEach(async () => {
    projects = new Workbench({ databasePath: join(mkdtempSync(join(tmpdir(), 'crashwb-projects-')), 'wb.db') });
    for (const [project, paths] of [
      ['alpha', [fixtures.nullDeref.core, fixtures.abort.core]],
      ['beta', [fixtures.workerThread.core, fixtures.cpp.core]],
    ] as const) {
      const report = await projects.importPaths({ paths: [...paths], attributes: { project } });
      expect(report.failed).toEqual([]);
    }
  });
  afterEach(() => projects.close());

  const countsByProject = async (): Promise<Record<string, number[]>> => {
    const out: Record<string, number[]> = {};
    for (const g of (await projects.listGroups()).groups) {
      const [event] = await projects.listGroupEvents(g.id);
      const project = (await projects.getCrash(event?.id ?? '')).attributes.project ?? '';
      (out[project] ??= []).push(g.count);
    }
    return out;
  };

  it("regroups only that project's crashes by its own rules; the others keep the database's", async () => {
    const before = await projects.checkGroupingRules(rules('family:native -> everything'), 'alpha');
    expect(before.preview).toMatchObject({ crashes: 4, groupsBefore: 4, groupsAfter: 3, merged: 1 });
    const change = await projects.applyGroupingRules(rules('family:native -> everything'), 'alpha');
    expect(change.summary).toMatch(/^Regrouped 4 crashes by rules [0-9a-f]{12} for project alpha$/);
    expect(await countsByProject()).toEqual({ alpha: [2], beta: [1, 1] });
    expect(await projects.getGroupingRules('alpha')).toMatchObject({ own: true, project: 'alpha', projects: ['alpha', 'beta'] });
    expect(await projects.getGroupingRules('beta')).toMatchObject({ own: false, rules: 'default' });
    expect(await projects.getGroupingRules()).toMatchObject({ own: false, rules: 'default', project: null });
    // A crash stored later for alpha goes by alpha's rules, one for no project by the database's.
    await projects.importPaths({ paths: [fixtures.stripped.core], attributes: { project: 'alpha' } });
    expect((await countsByProject()).alpha).toEqual([3]);
    const [alphaCrash] = (await projects.listGroupEvents((await projects.listGroups()).groups.find((g) => g.count === 3)?.id ?? 0)).map(
      (e) => e.id,
    );
    expect(await projects.explainFingerprint(alphaCrash as string)).toMatchObject({
      frames: ['everything'],
      rules: (await projects.getGroupingRules('alpha')).rules,
    });
    expect(await projects.triage.regroup()).toEqual({ regrouped: 0, groupsRemoved: 0 });
  });

  it("keeps a project's own rules when the database's change, and is undone per project", async () => {
    const own = await projects.applyGroupingRules(rules('family:native -> everything'), 'alpha');
    await projects.applyGroupingRules(rules('family:native -> all-of-the-database'));
    expect(await countsByProject()).toEqual({ alpha: [2], beta: [2] });
    expect(await projects.undoGroupingChange(own.undoId + 1)).toBe('The grouping is back as it was, by the default rules');
    expect(await projects.undoGroupingChange(own.undoId)).toBe('The grouping is back as it was, by the default rules for project alpha');
    expect(await countsByProject()).toEqual({ alpha: [1, 1], beta: [1, 1] });
    expect((await projects.getGroupingRules('alpha')).own).toBe(false);
  });
});
