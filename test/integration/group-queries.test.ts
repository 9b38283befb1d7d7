import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import { Workbench } from '../../src/core/workbench';

const fixtures = inject('fixtures');
let wb: Workbench;

beforeAll(async () => {
  wb = new Workbench({ databasePath: join(mkdtempSync(join(tmpdir(), 'crashwb-q-')), 'wb.db') });
  await wb.importPaths({ paths: [fixtures.nullDeref.core, fixtures.abort.core], attributes: { hostname: 'web-1', version: '1.0' } });
  await wb.importPaths({ paths: [fixtures.workerThread.core, fixtures.cpp.core], attributes: { hostname: 'web-2', version: '2.0' } });
}, 120_000);
afterAll(() => wb.close());

describe('searching and filtering groups', () => {
  it('lists every group with facet counts when nothing is filtered', async () => {
    const listing = await wb.listGroups();
    const facets = await wb.listFacets();
    expect(listing.groups).toHaveLength(4);
    expect(listing.total).toBe(4);
    expect(listing.crashes).toBe(4);
    expect(facets.hostname).toEqual([
      { value: 'web-1', count: 2 },
      { value: 'web-2', count: 2 },
    ]);
    expect(facets.signal).toEqual([
      { value: 'SIGSEGV', count: 3 },
      { value: 'SIGABRT', count: 1 },
    ]);
  });

  it('sorts by versions as versions sort, newest first: 2.0 before 1.0, 2.10 after 2.9', async () => {
    const { versionKey } = await import('../../src/core/store/version-key');
    const sorted = ['2.9', '2.10', '1.0', '10.0.1', '2.0-rc1'].sort((a, b) => ((versionKey(a) ?? '') < (versionKey(b) ?? '') ? -1 : 1));
    expect(sorted).toEqual(['1.0', '2.0-rc1', '2.9', '2.10', '10.0.1']);
    const page = { sort: 'versions' as const, desc: true, offset: 0, limit: 10 };
    const newestFirst = (await wb.listGroups({}, page)).groups.map((g) => g.versions[0]?.value);
    expect(newestFirst).toEqual(['2.0', '2.0', '1.0', '1.0']);
    const filtered = (await wb.listGroups({ signal: 'SIGSEGV' }, { ...page, desc: false })).groups.map((g) => g.versions[0]?.value);
    expect(filtered.at(0)).toBe('1.0');
  });

  it('finds groups by function name, file name prefix and attribute value', async () => {
    expect((await wb.listGroups({ text: 'store_result' })).groups.map((g) => g.title)).toEqual([expect.stringMatching(/store_result/)]);
    expect((await wb.listGroups({ text: 'method_cra' })).groups.map((g) => g.title)).toEqual([expect.stringMatching(/priceOf/)]);
    expect((await wb.listGroups({ text: 'web' })).groups).toHaveLength(4);
    expect((await wb.listGroups({ text: 'no_such_function' })).groups).toHaveLength(0);
  });

  it('treats search text as words, never as query syntax', async () => {
    await expect(wb.listGroups({ text: '"unbalanced AND (' })).resolves.toBeDefined();
  });

  it('filters by facet and keeps the other values of that facet visible', async () => {
    const listing = await wb.listGroups({ hostname: 'web-2' });
    const facets = await wb.listFacets({ hostname: 'web-2' });
    expect(listing.groups).toHaveLength(2);
    expect(listing.groups.flatMap((g) => g.hosts)).toEqual([
      { value: 'web-2', count: 1 },
      { value: 'web-2', count: 1 },
    ]);
    expect(facets.hostname.map((f) => f.value)).toEqual(['web-1', 'web-2']);
    expect(facets.version).toEqual([{ value: '2.0', count: 2 }]);
  });

  it('filters by time range', async () => {
    expect((await wb.listGroups({ since: new Date(Date.now() + 86_400_000).toISOString() })).groups).toHaveLength(0);
    expect((await wb.listGroups({ since: '2000-01-01T00:00:00Z' })).groups).toHaveLength(4);
  });
});

describe('the status workflow', () => {
  it('marks a resolved group regressed when a crash newer than the resolution arrives', async () => {
    const group = (await wb.listGroups({ text: 'read_retries' })).groups[0];
    if (!group) throw new Error('no read_retries group');
    await wb.setGroupStatus(group.id, 'resolved');
    expect((await wb.listGroups({ text: 'read_retries' })).groups[0]?.status).toBe('resolved');
    const [event] = await wb.listGroupEvents(group.id);
    const crash = await wb.getCrash(event?.id ?? '');
    wb.groups.store.assign(crash.id, fingerprint(crash), new Date(Date.now() + 60_000).toISOString());
    expect((await wb.listGroups({ text: 'read_retries' })).groups[0]?.status).toBe('regressed');
  });

  it('refuses a status for a group that does not exist', async () => {
    await expect(wb.setGroupStatus(999_999, 'ongoing')).rejects.toThrow(/no group with id 999999/);
  });
});

describe('a group up close', () => {
  it('gives attribute distributions, a representative stack and 30 days of counts', async () => {
    const group = (await wb.listGroups({ text: 'store_result' })).groups[0];
    if (!group) throw new Error('no store_result group');
    const detail = await wb.getGroupDetail(group.id);
    expect(detail.group.id).toBe(group.id);
    expect(detail.attributes.hostname).toEqual([{ value: 'web-2', count: 1 }]);
    expect(detail.representative?.frames[0]?.function).toBe('store_result');
    expect(detail.daily).toHaveLength(30);
    expect(detail.daily.reduce((n, d) => n + d.count, 0)).toBeLessThanOrEqual(1);
    await expect(wb.getGroupDetail(999_999)).rejects.toThrow(/no group with id 999999/);
  });

  it('diffs a crash against its own representative as all the same frames', async () => {
    const group = (await wb.listGroups({ text: 'store_result' })).groups[0];
    const [event] = await wb.listGroupEvents(group?.id ?? 0);
    const diff = await wb.diffWithGroup(event?.id ?? '');
    expect(diff.sameFingerprint).toBe(true);
    expect(diff.baseCrashId).toBe(event?.id);
    expect(diff.rows.length).toBeGreaterThan(2);
    expect(diff.rows.every((r) => r.kind === 'same')).toBe(true);
  });

  it('refuses to diff a crash it does not have', async () => {
    await expect(wb.diffWithGroup('f'.repeat(64))).rejects.toThrow(/no crash with id f+/);
  });
});
