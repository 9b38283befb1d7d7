import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CrashStore } from '../../src/core/store/crash-store';
import { MIGRATIONS, newestVersionKeyOf, openDatabase, type Db } from '../../src/core/store/database';
import { versionKey } from '../../src/core/store/version-key';
import { GroupStore } from '../../src/core/store/group-store';
import { queryGroups, trendStart } from '../../src/core/store/group-queries';
import { indexCrash } from '../../src/core/store/search-index';
import type { GroupPage } from '../../src/shared/model';
import { syntheticCrash } from '../fixtures/synthetic-crashes';

const GROUPS = 4;
const CRASHES = 60;
const NOW = Date.parse('2026-06-15T12:00:00Z');
let db: Db;
let groups: GroupStore;

function fill(target: Db): GroupStore {
  const crashes = new CrashStore(target);
  const store = new GroupStore(target);
  for (let i = 0; i < CRASHES; i++) {
    const { crash, fp } = syntheticCrash(i, GROUPS, NOW);
    crashes.save(crash, NOW);
    store.assign(crash.id, fp, crash.timestamp);
    indexCrash(target, crash, fp.title);
  }
  return store;
}

beforeEach(() => {
  db = openDatabase(':memory:');
  groups = fill(db);
});

const page = (change: Partial<GroupPage> = {}): GroupPage => ({ sort: 'lastSeen', desc: true, offset: 0, limit: 100, ...change });
const titles = (p: Partial<GroupPage>) => queryGroups(db, {}, page(p), NOW).groups.map((g) => g.title);

describe('the triage table’s groups query', () => {
  it('returns one window of the groups with the totals of all of them', () => {
    const first = queryGroups(db, {}, page({ limit: 3 }), NOW);
    expect(first.groups).toHaveLength(3);
    expect(first.total).toBe(GROUPS);
    expect(first.crashes).toBe(CRASHES);
    const rest = queryGroups(db, {}, page({ offset: 3, limit: 3 }), NOW);
    expect(rest.groups).toHaveLength(1);
    expect(new Set([...first.groups, ...rest.groups].map((g) => g.id)).size).toBe(GROUPS);
  });

  it('still counts the groups when the window starts past the end', () => {
    const past = queryGroups(db, {}, page({ offset: 50 }), NOW);
    expect(past).toEqual({ groups: [], total: GROUPS, crashes: CRASHES, byStatus: { new: GROUPS, ongoing: 0, resolved: 0, regressed: 0 } });
  });

  it('sorts by title both ways, ties broken by id so windows never overlap', () => {
    const ascending = titles({ sort: 'title', desc: false });
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b)));
    expect(titles({ sort: 'title', desc: true })).toEqual([...ascending].reverse());
  });

  it('names each group’s most common versions and hosts and counts the distinct ones', () => {
    const [group] = queryGroups(db, {}, page({ limit: 1 }), NOW).groups;
    expect(group?.versionCount).toBe(3);
    expect(group?.versions.map((v) => v.value).sort()).toEqual(
      ['1.0.0', '1.0.1', '1.0.2'].map((v) => v.replace('1.0', `1.${(group?.id ?? 1) - 1}`)),
    );
    expect(group?.versions.reduce((n, v) => n + v.count, 0)).toBe(CRASHES / GROUPS);
    expect(group?.hostCount).toBe(CRASHES / GROUPS);
    expect(group?.hosts).toHaveLength(3);
  });

  it('counts each group’s crashes per day over the last 30 days', () => {
    const start = trendStart(NOW);
    for (const group of queryGroups(db, {}, undefined, NOW).groups) {
      const recent = Array.from({ length: CRASHES }, (_, i) => syntheticCrash(i, GROUPS, NOW).crash).filter(
        (c, i) => i % GROUPS === group.id - 1 && Date.parse(c.timestamp) >= start,
      ).length;
      expect(group.daily).toHaveLength(30);
      expect(group.daily.reduce((n, d) => n + d, 0)).toBe(recent);
    }
  });

  it('keeps the distinct version and host counts right through a merge and a move-out', () => {
    const [a, b] = queryGroups(db, {}, page({ sort: 'title', desc: false }), NOW).groups;
    if (!a || !b) throw new Error('expected groups');
    groups.merge(a.id, b.id);
    const merged = queryGroups(db, {}, page({ sort: 'count' }), NOW).groups.find((g) => g.id === b.id);
    expect(merged).toMatchObject({ versionCount: 6, hostCount: 30, count: 30 });
    const [crash] = groups.events(b.id);
    const split = groups.moveToNewGroup(crash?.id ?? '');
    const after = queryGroups(db, {}, undefined, NOW).groups;
    expect(after.find((g) => g.id === split)).toMatchObject({ versionCount: 1, hostCount: 1, count: 1 });
    expect(after.find((g) => g.id === b.id)).toMatchObject({ versionCount: 6, hostCount: 29, count: 29 });
  });

  it('shows the groups of one status, counting every status among those the other filters match', () => {
    const [a, b, c] = queryGroups(db, {}, undefined, NOW).groups;
    groups.setStatus(a?.id ?? 0, 'resolved');
    groups.setStatus(b?.id ?? 0, 'resolved');
    groups.setStatus(c?.id ?? 0, 'ongoing');
    const resolved = queryGroups(db, { status: 'resolved' }, page(), NOW);
    expect(resolved.groups.map((g) => g.id).sort()).toEqual([a?.id, b?.id].sort());
    expect(resolved.total).toBe(2);
    expect(resolved.crashes).toBe((a?.count ?? 0) + (b?.count ?? 0));
    expect(resolved.byStatus).toEqual({ new: 1, ongoing: 1, resolved: 2, regressed: 0 });
    // With a crash filter, the counts are of the groups that filter leaves.
    const onHost = queryGroups(db, { hostname: 'host-5', status: 'new' }, page(), NOW);
    expect(Object.values(onHost.byStatus).reduce((x, y) => x + y, 0)).toBe(1);
    expect(onHost.total).toBe(onHost.byStatus.new);
  });

  it('finds nothing for a search of only quotes or punctuation, rather than everything', () => {
    for (const text of ['""', '"', '--', '" *']) {
      const listing = queryGroups(db, { text }, page(), NOW);
      expect({ text, total: listing.total, groups: listing.groups.length }).toEqual({ text, total: 0, groups: 0 });
    }
    expect(queryGroups(db, { text: '   ' }, page(), NOW).total).toBe(GROUPS);
  });

  it('describes a filtered query by its matching crashes only', () => {
    const listing = queryGroups(db, { hostname: 'host-5' }, page({ sort: 'hosts' }), NOW);
    expect(listing.total).toBe(1);
    expect(listing.groups[0]).toMatchObject({ count: 1, hostCount: 1, hosts: [{ value: 'host-5', count: 1 }], versionCount: 1 });
  });

  it('sorts by the last 30 days with or without a filter', () => {
    const [a, b] = queryGroups(db, {}, page({ sort: 'title', desc: false }), NOW).groups;
    if (!a || !b) throw new Error('expected groups');
    groups.merge(a.id, b.id);
    for (const query of [{}, { since: '2000-01-01T00:00:00Z' }]) {
      const listed = queryGroups(db, query, page({ sort: 'trend' }), NOW).groups;
      const counts = listed.map((g) => g.daily.reduce((n, d) => n + d, 0));
      expect(listed[0]?.id).toBe(b.id);
      expect(counts).toEqual([...counts].sort((x, y) => y - x));
    }
  });

  it('keeps each group’s newest version, which the Versions sort reads, through new crashes, merge and move-out', () => {
    const stored = (id: number): string | null =>
      (db.prepare('SELECT newest_version_key AS v FROM groups WHERE id = ?').get(id) as { v: string | null }).v;
    const worked = (id: number): string | null =>
      (db.prepare(`SELECT (${newestVersionKeyOf('?')}) AS v`).get(id) as { v: string | null }).v;
    const all = () => queryGroups(db, {}, page({ sort: 'title', desc: false }), NOW).groups;
    const check = () => {
      for (const g of all()) expect(stored(g.id), g.title).toBe(worked(g.id));
    };
    check();
    const [a, b] = all();
    if (!a || !b) throw new Error('expected groups');
    const crashes = new CrashStore(db);
    const { crash, fp } = syntheticCrash(1, GROUPS, NOW);
    const newer = { ...crash, id: 'newer', attributes: { ...crash.attributes, version: '1.100.0' } };
    crashes.save(newer, NOW);
    groups.assign(newer.id, fp, newer.timestamp);
    const home = groups.groupOf('newer').groupId;
    if (home === null) throw new Error('the crash was not grouped');
    expect(stored(home)).toBe(versionKey('1.100.0'));
    expect(queryGroups(db, {}, page({ sort: 'versions' }), NOW).groups[0]?.id).toBe(home);
    groups.moveToNewGroup('newer');
    check();
    expect(queryGroups(db, {}, page({ sort: 'versions' }), NOW).groups[0]?.id).not.toBe(home);
    groups.merge(a.id, b.id);
    check();
  });

  it('keeps each group’s newest version key when it upgrades a database whose column still had the old name', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'crashwb-migrate-')), 'wb.db');
    const old = openDatabase(path);
    fill(old);
    const keys = old.prepare('SELECT id, newest_version_key AS k FROM groups ORDER BY id').all();
    const renamed = MIGRATIONS.findIndex((m) => typeof m === 'string' && m.includes('RENAME COLUMN newest_version TO'));
    old.exec(`ALTER TABLE groups RENAME COLUMN newest_version_key TO newest_version; PRAGMA user_version = ${renamed};`);
    old.close();
    const upgraded = openDatabase(path);
    expect(upgraded.prepare('SELECT id, newest_version_key AS k FROM groups ORDER BY id').all()).toEqual(keys);
    expect(keys.length).toBe(GROUPS);
    upgraded.close();
  });

  it('fills in the distinct counts when it upgrades a database written before they were kept', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'crashwb-migrate-')), 'wb.db');
    const old = openDatabase(path);
    fill(old);
    // Back to the schema before the counts were kept: that migration and every later one undone.
    const counts = MIGRATIONS.findIndex((m) => typeof m === 'string' && m.includes('version_count'));
    old.exec(`DROP INDEX crashes_group_spread; DROP INDEX crashes_group_host; DROP TABLE IF EXISTS remote_objects; DROP TABLE IF EXISTS group_notes; DROP TABLE IF EXISTS grouping_undo;
              DROP TRIGGER crashes_attributes_in; DROP TRIGGER crashes_attributes_out; DROP TRIGGER crashes_attributes_change; DROP TABLE attribute_counts;
              ALTER TABLE groups DROP COLUMN version_count; ALTER TABLE groups DROP COLUMN host_count; ALTER TABLE groups DROP COLUMN newest_version_key;
              PRAGMA user_version = ${counts};`);
    old.close();
    const upgraded = openDatabase(path);
    const listed = queryGroups(upgraded, {}, page(), NOW).groups;
    const unset = upgraded
      .prepare('SELECT COUNT(*) AS n FROM groups WHERE newest_version_key IS NOT (' + newestVersionKeyOf('groups.id') + ')')
      .get();
    upgraded.close();
    expect(unset).toEqual({ n: 0 });
    expect(listed).toHaveLength(GROUPS);
    for (const g of listed) expect(g).toMatchObject({ versionCount: 3, hostCount: CRASHES / GROUPS });
  });
});
