import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { FINGERPRINT_VERSION } from '../../src/core/fingerprint/fingerprint';
import { Workbench } from '../../src/core/workbench';
import type { GroupSummary } from '../../src/shared/model';

const fixtures = inject('fixtures');

async function setup(): Promise<{ wb: Workbench; db: string }> {
  const db = join(mkdtempSync(join(tmpdir(), 'crashwb-manual-')), 'wb.db');
  const wb = new Workbench({ databasePath: db });
  const report = await wb.importPaths({
    paths: [fixtures.nullDeref.core, fixtures.stripped.core, fixtures.abort.core],
    debugDirs: [fixtures.stripped.debugDir ?? ''],
  });
  expect(report.imported).toHaveLength(3);
  return { wb, db };
}

/** Marks every fingerprint as made by an older algorithm, so regroup redoes them all. */
function ageFingerprints(db: string): void {
  const conn = new Database(db);
  conn.exec('UPDATE crashes SET fingerprint_version = 0');
  conn.close();
}

/** The fixture's two defects' groups, the abort's merged by hand into the NULL dereference's. */
async function mergeAbortIntoDeref(wb: Workbench): Promise<{ abort: GroupSummary; deref: GroupSummary }> {
  const { groups } = await wb.listGroups();
  const abort = groups.find((g) => /check_invariant/.test(g.title));
  const deref = groups.find((g) => /read_retries/.test(g.title));
  if (!abort || !deref) throw new Error('fixture groups missing');
  await wb.mergeGroups(abort.id, deref.id);
  return { abort, deref };
}

const titles = async (wb: Workbench) => (await wb.listGroups()).groups.map((g) => `${g.title}:${g.count}`).sort();

describe('merging groups and moving crashes, by hand', () => {
  it('merges one group into another, and the merge survives a regroup', async () => {
    const { wb, db } = await setup();
    const { deref } = await mergeAbortIntoDeref(wb);
    expect(await titles(wb)).toEqual([expect.stringMatching(/read_retries.*:3$/)]);
    ageFingerprints(db);
    expect(wb.triage.regroup().regrouped).toBe(3);
    expect(await titles(wb)).toEqual([expect.stringMatching(/read_retries.*:3$/)]);
    await expect(wb.mergeGroups(deref.id, deref.id)).rejects.toThrow(/cannot be merged into itself/);
    wb.close();
  });

  it('moves a crash out into a group of its own, and the move survives a regroup', async () => {
    const { wb, db } = await setup();
    const deref = (await wb.listGroups()).groups.find((g) => /read_retries/.test(g.title));
    if (!deref) throw new Error('fixture group missing');
    const [first] = await wb.listGroupEvents(deref.id);
    const { groupId: newGroup } = await wb.moveCrashToNewGroup(first?.id ?? '');
    const after = (await wb.listGroups()).groups;
    expect(after.find((g) => g.id === deref.id)?.count).toBe(1);
    expect(after.find((g) => g.id === newGroup)).toMatchObject({ count: 1, title: expect.stringMatching(/\(split off\)$/) });
    ageFingerprints(db);
    wb.triage.regroup();
    const regrouped = (await wb.listGroups()).groups;
    expect(regrouped.find((g) => g.id === newGroup)?.count).toBe(1);
    expect(regrouped.find((g) => g.id === deref.id)?.count).toBe(1);
    wb.close();
  });

  it('undoes a merge, a move-out and a status change, putting crashes, notes and counts back', async () => {
    const { wb } = await setup();
    const before = await wb.listGroups();
    const [a, b] = before.groups;
    if (!a || !b) throw new Error('fixture groups missing');
    await wb.setGroupNotes(a.id, { text: 'seen on staging', ticket: null });
    const merged = await wb.mergeGroups(a.id, b.id);
    expect(merged.summary).toMatch(new RegExp(`^Merged group #${a.id} into #${b.id} \\(\\d+ crash`));
    expect((await wb.listGroups()).groups.find((g) => g.id === a.id)?.count ?? 0).toBe(0);
    expect(await wb.undoGroupingChange(merged.undoId)).toBe(`Group #${a.id} is separate again`);
    const restored = await wb.listGroups();
    expect(restored.groups.map((g) => [g.id, g.count]).sort()).toEqual(before.groups.map((g) => [g.id, g.count]).sort());
    expect((await wb.getGroupDetail(a.id)).notes.text).toBe('seen on staging');
    expect((await wb.getGroupDetail(b.id)).notes.text).toBe('');
    await expect(wb.undoGroupingChange(merged.undoId)).rejects.toThrow(/nothing to undo/);

    const [first] = await wb.listGroupEvents(b.id);
    const moved = await wb.moveCrashToNewGroup(first?.id ?? '');
    await wb.undoGroupingChange(moved.change.undoId);
    expect((await wb.listGroups()).groups.some((g) => g.id === moved.groupId)).toBe(false);
    expect((await wb.listGroupEvents(b.id)).map((e) => e.id)).toContain(first?.id);

    const resolved = await wb.setGroupStatus(b.id, 'resolved');
    await wb.undoGroupingChange(resolved.undoId);
    expect((await wb.listGroups()).groups.find((g) => g.id === b.id)?.status).toBe(b.status);
    wb.close();
  });
});

describe('a database grouped by an older fingerprint algorithm', () => {
  it('is regrouped once, on its first opening, keeping each group with its status, notes and merges', async () => {
    const { wb, db } = await setup();
    const { deref } = await mergeAbortIntoDeref(wb);
    await wb.setGroupStatus(deref.id, 'resolved');
    await wb.setGroupNotes(deref.id, { text: 'config read before init', ticket: 'https://tracker.example/T-12' });
    const before = await titles(wb);
    wb.close();
    // As an older algorithm left it: other hashes everywhere, its version, and no note of a regroup since.
    const conn = new Database(db);
    conn.exec(`UPDATE crashes SET fingerprint = 'old:' || fingerprint, fingerprint_version = 3;
               UPDATE groups SET fingerprint = 'old:' || fingerprint;
               UPDATE group_links SET fingerprint = 'old:' || fingerprint;
               DELETE FROM settings WHERE key = 'groupedWithFingerprintVersion';`);
    conn.close();

    const upgraded = new Workbench({ databasePath: db });
    try {
      expect(await titles(upgraded)).toEqual(before);
      const kept = (await upgraded.listGroups()).groups.find((g) => g.id === deref.id);
      expect(kept).toMatchObject({ count: 3, status: 'resolved' });
      expect((await upgraded.getGroupDetail(deref.id)).notes).toMatchObject({ text: 'config read before init' });
      expect(upgraded.triage.regroup().regrouped).toBe(0);
    } finally {
      upgraded.close();
    }
    const check = new Database(db);
    const fingerprints = check.prepare("SELECT COUNT(*) AS n FROM crashes WHERE fingerprint LIKE 'old:%'").get();
    const setting = check.prepare("SELECT value FROM settings WHERE key = 'groupedWithFingerprintVersion'").get() as { value: string };
    check.close();
    expect(fingerprints).toEqual({ n: 0 });
    expect(JSON.parse(setting.value)).toBe(FINGERPRINT_VERSION);
  });
});
