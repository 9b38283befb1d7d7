import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CrashStore } from '../../src/core/store/crash-store';
import { MIGRATIONS, openDatabase, type Db } from '../../src/core/store/database';
import { queryFacets } from '../../src/core/store/crash-filter';
import { syntheticCrash } from '../fixtures/synthetic-crashes';

const NOW = Date.parse('2026-06-15T12:00:00Z');

/** The counts as a full scan of every crash's attributes gives them. */
function recount(db: Db): Array<{ key: string; value: string; count: number }> {
  return db
    .prepare(
      `SELECT j.key AS key, j.value AS value, COUNT(*) AS count FROM crashes c, json_each(c.attributes) j
       WHERE j.type = 'text' GROUP BY j.key, j.value ORDER BY key, value`,
    )
    .all() as Array<{ key: string; value: string; count: number }>;
}
const kept = (db: Db) => db.prepare('SELECT key, value, count FROM attribute_counts ORDER BY key, value').all();

function store(db: Db, count: number, attributes: (i: number) => Record<string, string>): void {
  const crashes = new CrashStore(db);
  for (let i = 0; i < count; i++) {
    const { crash } = syntheticCrash(i, 7, NOW);
    crashes.save({ ...crash, attributes: attributes(i) }, NOW);
  }
}

describe('attribute counts kept for the unfiltered facets', () => {
  it('match a full count as crashes arrive, change their attributes and are removed', () => {
    const db = openDatabase(':memory:');
    store(db, 40, (i) => ({ pod: `pod-${i % 3}`, namespace: i % 2 ? 'prod' : 'staging', 'uname.release': '6.1.0' }));
    expect(kept(db)).toEqual(recount(db));
    db.prepare(`UPDATE crashes SET attributes = json_set(attributes, '$.pod', 'pod-9') WHERE rowid % 5 = 0`).run();
    expect(kept(db)).toEqual(recount(db));
    db.prepare('DELETE FROM crashes WHERE rowid % 4 = 0').run();
    expect(kept(db)).toEqual(recount(db));
    // A value whose last crash went is gone from the counts, not left at zero.
    db.prepare(`DELETE FROM crashes WHERE json_extract(attributes, '$.namespace') = 'staging'`).run();
    expect(kept(db).some((r) => (r as { value: string }).value === 'staging')).toBe(false);
  });

  it('give the facets of an unfiltered list the same values and counts as counting under a filter does', () => {
    const db = openDatabase(':memory:');
    store(db, 30, (i) => ({ pod: `pod-${i % 4}` }));
    const unfiltered = queryFacets(db, {}).attributes.pod;
    // A filter that every crash passes takes the counting path.
    const counted = queryFacets(db, { since: '2000-01-01T00:00:00.000Z' }).attributes.pod;
    expect(unfiltered).toEqual(counted);
    expect(unfiltered?.reduce((n, v) => n + v.count, 0)).toBe(30);
  });

  it('are counted once from the stored crashes when a database written before them is opened', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'crashwb-counts-')), 'wb.db');
    const old = openDatabase(path);
    store(old, 25, (i) => ({ pod: `pod-${i % 5}` }));
    const before = MIGRATIONS.findIndex((m) => typeof m === 'string' && m.includes('CREATE TABLE attribute_counts'));
    old.exec(`DROP TRIGGER crashes_attributes_in; DROP TRIGGER crashes_attributes_out; DROP TRIGGER crashes_attributes_change;
              DROP TABLE attribute_counts; ALTER TABLE groups DROP COLUMN newest_version_key; PRAGMA user_version = ${before};`);
    old.close();
    const upgraded = openDatabase(path);
    expect(kept(upgraded)).toEqual(recount(upgraded));
    expect(queryFacets(upgraded, {}).attributes.pod?.map((v) => v.count)).toEqual([5, 5, 5, 5, 5]);
    upgraded.close();
  });
});
