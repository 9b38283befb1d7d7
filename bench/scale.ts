import { join } from 'node:path';
import { CrashStore } from '../src/core/store/crash-store';
import { openDatabase } from '../src/core/store/database';
import { GroupStore } from '../src/core/store/group-store';
import { queryFacets } from '../src/core/store/crash-filter';
import { queryGroups } from '../src/core/store/group-queries';
import { indexCrash } from '../src/core/store/search-index';
import { histogram, trends } from '../src/core/store/trends';
import { similarGroups } from '../src/core/compare/similar-groups';
import { defaultRuleset } from '../src/core/fingerprint/rules/ruleset';
import { stackSimilarity } from '../src/core/compare/similarity';
import { significantNames } from '../src/core/fingerprint/fingerprint';
import { representativeCrash } from '../src/core/store/group-detail';
import { syntheticCrash } from '../test/fixtures/synthetic-crashes';

const CRASHES = 100_000;
export const GROUPS = 5_000;
const DAY = 86_400_000;

function time<T>(label: string, runs: number, fn: () => T): T {
  let result: T = fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    result = fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: median ${samples[Math.floor(runs / 2)]?.toFixed(1)} ms, max ${samples.at(-1)?.toFixed(1)} ms`);
  return result;
}

/** Fills a database with 100,000 crashes in 5,000 groups, times the queries, returns its path. */
export function benchScale(root: string): string {
  const path = join(root, 'scale.db');
  const db = openDatabase(path);
  const crashes = new CrashStore(db);
  const groups = new GroupStore(db);
  const now = Date.now();
  const started = Date.now();
  db.transaction(() => {
    for (let i = 0; i < CRASHES; i++) {
      const { crash, fp } = syntheticCrash(i, GROUPS, now);
      crashes.save(crash, now);
      groups.assign(crash.id, fp, crash.timestamp);
      indexCrash(db, crash, fp.title);
    }
  })();
  console.log(`scale: ${CRASHES} crashes in ${GROUPS} groups stored in ${Date.now() - started} ms`);
  const first = time('groups query: first 200 by last seen, with versions/hosts/30 days (goal < 50 ms)', 9, () =>
    queryGroups(db, {}, { sort: 'lastSeen', desc: true, offset: 0, limit: 200 }),
  );
  if (first.total !== GROUPS || first.groups.length !== 200)
    throw new Error(`expected 200 of ${GROUPS} groups, got ${first.groups.length} of ${first.total}`);
  time('groups query: 200 by distinct versions (goal < 50 ms)', 9, () =>
    queryGroups(db, {}, { sort: 'versions', desc: true, offset: 0, limit: 200 }),
  );
  time('groups query: 200 by crashes in the last 30 days (goal < 50 ms)', 9, () =>
    queryGroups(db, {}, { sort: 'trend', desc: true, offset: 0, limit: 200 }),
  );
  time('groups query: 200 from the middle by title', 9, () =>
    queryGroups(db, {}, { sort: 'title', desc: false, offset: 2500, limit: 200 }),
  );
  const all = time('groups query: all 5,000 at once (the CLI)', 3, () => queryGroups(db, {}));
  if (all.groups.length !== GROUPS) throw new Error(`expected ${GROUPS} groups, got ${all.groups.length}`);
  time('facet counts over all crashes (goal < 100 ms)', 9, () => queryFacets(db, {}));
  const found = time('full-text search "handler_4242" (goal < 100 ms)', 9, () => groups.list({ text: 'handler_4242' }));
  if (found.groups.length !== 1) throw new Error(`search found ${found.groups.length} groups, expected 1`);
  const narrowed = { text: 'module7', hostname: 'host-7', since: new Date(Date.now() - 7 * DAY).toISOString() };
  time('search + host facet + last 7 days, first page (goal < 100 ms)', 9, () =>
    groups.list(narrowed, { sort: 'lastSeen', desc: true, offset: 0, limit: 200 }),
  );
  time('facet counts for that search', 9, () => queryFacets(db, narrowed));
  const window = time('trends: 30 days per day, new and regressed groups', 5, () => trends(db, {}, 30));
  if (window.daily.length !== 30) throw new Error(`expected 30 days of trend, got ${window.daily.length}`);
  time('histogram of version over all crashes', 9, () => histogram(db, {}, 'version'));
  time('histogram of hostname over the last 7 days (goal < 100 ms)', 9, () => histogram(db, { since: narrowed.since }, 'hostname'));
  time('similar groups of one group (merge suggestions; no shared frames here)', 9, () => similarGroups(db, 4242, () => defaultRuleset()));
  // The synthetic stacks share no frames, so the search above finds no candidates; this is the
  // work of the worst case: scoring the 200 candidates it may return.
  const target = significantNames(representativeCrash(db, 1) ?? { threads: [] });
  time('similar groups worst case: score 200 candidate representatives', 5, () => {
    for (let id = 2; id <= 201; id++) stackSimilarity(target, significantNames(representativeCrash(db, id) ?? { threads: [] }));
  });
  db.close();
  return path;
}
