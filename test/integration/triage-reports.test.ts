import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import { crashForCore } from '../fixtures/crashers';

const fixtures = inject('fixtures');
let root: string;
let exe: string;
let runs = 0;

/** A fresh core of config_loader crashing in parse_<which>. */
const crash = (which: 'header' | 'body'): string => crashForCore(exe, join(root, `run-${which}-${runs++}`), [which]);

async function setup(): Promise<{ wb: Workbench; db: string; header: number; body: number; other: number }> {
  const db = join(mkdtempSync(join(root, 'db-')), 'wb.db');
  const wb = new Workbench({ databasePath: db });
  await wb.importPaths({ paths: [crash('header'), crash('header')], attributes: { version: '1.0', hostname: 'web-1' } });
  await wb.importPaths({ paths: [crash('body')], attributes: { version: '1.1', hostname: 'web-2' } });
  await wb.importPaths({ paths: [fixtures.nullDeref.core], attributes: { version: '1.1', hostname: 'web-2' } });
  const groups = (await wb.listGroups()).groups;
  const id = (pattern: RegExp) => groups.find((g) => pattern.test(g.title))?.id ?? 0;
  return { wb, db, header: id(/parse_header/), body: id(/parse_body/), other: id(/read_retries/) };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'crashwb-triage-'));
  exe = join(root, 'config_loader');
  copyFileSync(join(process.cwd(), 'test', 'fixtures', 'programs', 'config_loader.c'), join(root, 'config_loader.c'));
  execFileSync('gcc', ['-g', '-O0', '-o', exe, join(root, 'config_loader.c')]);
});

describe('comparing crashes and groups', () => {
  it('explains that two crashes are one group by their shared mechanism and frames', async () => {
    const { wb, header } = await setup();
    const [a, b] = await wb.listGroupEvents(header);
    const result = await wb.compareCrashes(a?.id ?? '', b?.id ?? '');
    expect(result.explanation).toMatchObject({ sameGroup: true, sameFingerprint: true });
    expect(result.explanation.summary).toMatch(/^Same group: both are SIGSEGV in parse_header/);
    expect(result.stack.filter((r) => r.kind !== 'same')).toEqual([]);
    // Address randomisation moves the code between runs; the segment registers stay.
    expect(result.registers.find((r) => r.key === 'cs')?.same).toBe(true);
    expect(result.registers.find((r) => r.key === 'rip')).toMatchObject({
      a: expect.stringMatching(/^0x/),
      b: expect.stringMatching(/^0x/),
    });
    wb.close();
  });

  it('explains that two crashes are apart by the frame that differs, with the stacks aligned', async () => {
    const { wb, header, body } = await setup();
    const [a] = await wb.listGroupEvents(header);
    const [b] = await wb.listGroupEvents(body);
    const result = await wb.compareCrashes(a?.id ?? '', b?.id ?? '');
    expect(result.explanation.sameGroup).toBe(false);
    expect(result.explanation.parts.find((p) => p.part === 'frames')).toMatchObject({ same: false, a: 'parse_header', b: 'parse_body' });
    expect(result.explanation.parts.find((p) => p.part === 'mechanism')?.same).toBe(true);
    expect(result.explanation.summary).toMatch(/Different groups: frames parse_header vs parse_body/);
    const fn = (r: (typeof result.stack)[number]) => (r.base ?? r.other)?.function;
    expect(result.stack.filter((r) => r.kind === 'removed').map(fn)).toEqual(['parse_header']);
    expect(result.stack.filter((r) => r.kind === 'added').map(fn)).toEqual(['parse_body']);
    expect(result.stack.filter((r) => r.kind !== 'added' && r.kind !== 'removed').map(fn)).toEqual(
      expect.arrayContaining(['read_settings', 'load_config', 'start_service', 'main']),
    );
    expect(result.attributes).toEqual(
      expect.arrayContaining([
        { key: 'version', a: '1.0', b: '1.1', same: false },
        { key: 'hostname', a: 'web-1', b: 'web-2', same: false },
      ]),
    );
    wb.close();
  });

  it('says a merge, not the fingerprint, keeps two crashes together', async () => {
    const { wb, header, body } = await setup();
    await wb.mergeGroups(body, header);
    const [a] = (await wb.listGroupEvents(header)).filter((e) => /run-header/.test(e.source));
    const [b] = (await wb.listGroupEvents(header)).filter((e) => /run-body/.test(e.source));
    const result = await wb.compareCrashes(a?.id ?? '', b?.id ?? '');
    expect(result.explanation).toMatchObject({ sameGroup: true, sameFingerprint: false });
    expect(result.explanation.summary).toMatch(/a person merged the groups/);
    wb.close();
  });

  it('suggests the group with the near stack as similar, and not the unrelated one, without merging', async () => {
    const { wb, header, body, other } = await setup();
    const similar = await wb.similarGroups(header);
    expect(similar.map((s) => s.group.id)).toEqual([body]);
    expect(similar[0]?.similarity).toBeGreaterThan(0.5);
    expect(similar[0]?.reason).toMatch(/shares read_settings → load_config → start_service/);
    expect(similar[0]?.reason).toMatch(/parse_header vs parse_body/);
    expect((await wb.similarGroups(other)).map((s) => s.group.id)).not.toContain(header);
    expect((await wb.listGroups()).groups).toHaveLength(3);
    const groups = await wb.compareGroups(header, body);
    expect(groups.similarity).toBeCloseTo(similar[0]?.similarity ?? 0, 1);
    expect(groups.attributes.find((a) => a.key === 'version')).toEqual({
      key: 'version',
      a: [{ value: '1.0', count: 2 }],
      b: [{ value: '1.1', count: 1 }],
    });
    wb.close();
  });
});

describe('trends', () => {
  it('counts crashes per day, lists new groups, and a resolved group that crashed again as regressed', async () => {
    const { wb, header, body } = await setup();
    const trends = await wb.getTrends({}, 7);
    expect(trends.daily).toHaveLength(7);
    expect(trends.daily.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), count: 4 });
    expect(trends.newGroups.map((g) => g.id).sort()).toContain(body);
    await wb.setGroupStatus(header, 'resolved');
    await wb.importPaths({ paths: [crash('header')], attributes: { version: '1.2' } });
    const after = await wb.getTrends({}, 7);
    expect(after.regressed.map((g) => g.id)).toEqual([header]);
    expect(after.newGroups.map((g) => g.id)).not.toContain(header);
    wb.close();
  });

  it('counts an attribute’s values among the matching crashes, and those without it', async () => {
    const { wb } = await setup();
    await wb.importPaths({ paths: [fixtures.abort.core] });
    expect(await wb.getHistogram({}, 'version')).toEqual({
      attribute: 'version',
      values: [
        { value: '1.0', count: 2 },
        { value: '1.1', count: 2 },
      ],
      missing: 1,
    });
    expect((await wb.getHistogram({ hostname: 'web-2' }, 'version')).values).toEqual([{ value: '1.1', count: 2 }]);
    wb.close();
  });
});

describe('notes on a group', () => {
  it('keeps notes and a ticket, and moves them into the target of a merge', async () => {
    const { wb, header, body } = await setup();
    await wb.setGroupNotes(body, { text: 'Seen after the 1.1 rollout.', ticket: 'https://tracker.example/BUG-7' });
    await wb.setGroupNotes(header, { text: 'Header parsing is fragile.', ticket: null });
    expect((await wb.getGroupDetail(body)).notes).toMatchObject({
      text: 'Seen after the 1.1 rollout.',
      ticket: 'https://tracker.example/BUG-7',
    });
    const listed = (await wb.listGroups()).groups;
    expect(listed.find((g) => g.id === body)).toMatchObject({ ticket: 'https://tracker.example/BUG-7', hasNotes: true });
    expect(listed.find((g) => g.id === header)).toMatchObject({ ticket: null, hasNotes: true });
    await wb.mergeGroups(body, header);
    const merged = (await wb.getGroupDetail(header)).notes;
    expect(merged.text).toBe(`Header parsing is fragile.\n\nFrom group #${body}:\nSeen after the 1.1 rollout.`);
    expect(merged.ticket).toBe('https://tracker.example/BUG-7');
    expect((await wb.getGroupDetail(body)).notes.text).toBe('');
    wb.close();
  });

  it('stays on its group when a new fingerprint algorithm regroups it', async () => {
    const { wb, db, header } = await setup();
    await wb.setGroupNotes(header, { text: 'Customer ACME hits this daily.', ticket: 'https://tracker.example/BUG-9' });
    // What a new fingerprint algorithm does: the group's crashes get a fingerprint it never had.
    const conn = new Database(db);
    conn.prepare("UPDATE groups SET fingerprint = 'from-an-older-algorithm' WHERE id = ?").run(header);
    conn.prepare('UPDATE crashes SET fingerprint_version = 0 WHERE group_id = ?').run(header);
    conn.close();
    expect(wb.triage.regroup().groupsRemoved).toBe(0);
    const now = (await wb.listGroups()).groups.find((g) => /parse_header/.test(g.title));
    expect(now?.id).toBe(header);
    expect((await wb.getGroupDetail(now?.id ?? 0)).notes).toMatchObject({
      text: 'Customer ACME hits this daily.',
      ticket: 'https://tracker.example/BUG-9',
    });
    wb.close();
  });

  it('refuses notes for a group that does not exist, and clears them when emptied', async () => {
    const { wb, header } = await setup();
    await expect(wb.setGroupNotes(9999, { text: 'x', ticket: null })).rejects.toThrow(/no group with id 9999/);
    await wb.setGroupNotes(header, { text: 'x', ticket: null });
    expect(await wb.setGroupNotes(header, { text: '  ', ticket: '' })).toEqual({ text: '', ticket: null, updatedAt: null });
    wb.close();
  });
});
