import { join } from 'node:path';
import type { Crash } from '../src/shared/model';
import type { Fingerprint } from '../src/core/fingerprint/fingerprint';
import { CrashStore } from '../src/core/store/crash-store';
import { openDatabase } from '../src/core/store/database';
import { GroupStore } from '../src/core/store/group-store';
import { queryFacets, queryGroups } from '../src/core/store/group-queries';
import { indexCrash } from '../src/core/store/search-index';

const CRASHES = 100_000;
const GROUPS = 5_000;
const DAY = 86_400_000;

function syntheticCrash(i: number, now: number): { crash: Crash; fp: Fingerprint } {
  const group = i % GROUPS;
  const fn = `module${group % 97}::handler_${group}`;
  const id = i.toString(16).padStart(64, '0');
  const timestamp = new Date(now - (i % 60) * DAY - i).toISOString();
  const crash: Crash = {
    id,
    sha256: id,
    source: `/var/crash/core.${i}`,
    size: 1 << 20,
    analyzedAt: timestamp,
    timestamp,
    debugger: 'gdb',
    signal: {
      number: 11,
      name: 'SIGSEGV',
      code: 1,
      codeName: 'SEGV_MAPERR',
      faultAddress: '0x0',
      senderPid: null,
      explanation: 'SIGSEGV at 0x0',
    },
    pid: 1000 + i,
    commandLine: `/usr/bin/app${group % 13} --serve`,
    executable: `/usr/bin/app${group % 13}`,
    executableBuildId: null,
    crashingThreadId: 1000 + i,
    threads: [
      {
        id: 1000 + i,
        number: 1,
        name: null,
        crashed: true,
        frames: [
          {
            index: 0,
            address: '0x401000',
            function: fn,
            file: `/src/module${group % 97}.c`,
            line: 10 + (i % 5),
            module: `/usr/bin/app${group % 13}`,
            inline: false,
          },
        ],
        framesTruncated: false,
        registers: { rip: '0x401000' },
        locals: {},
      },
    ],
    modules: [],
    warnings: [],
    analysisError: null,
    attributes: { hostname: `host-${i % 200}`, version: `1.${group % 20}.${i % 3}` },
  };
  const fp: Fingerprint = {
    version: 1,
    hash: `fp-${group}`,
    mechanism: 'signal:SIGSEGV',
    frames: [fn],
    title: `SIGSEGV in ${fn}`,
    location: null,
  };
  return { crash, fp };
}

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
      const { crash, fp } = syntheticCrash(i, now);
      crashes.save(crash, now);
      groups.assign(crash.id, fp, crash.timestamp);
      indexCrash(db, crash, fp.title);
    }
  })();
  console.log(`scale: ${CRASHES} crashes in ${GROUPS} groups stored in ${Date.now() - started} ms`);
  const listed = time('groups query (goal < 50 ms)', 9, () => queryGroups(db, {}));
  if (listed.length !== GROUPS) throw new Error(`expected ${GROUPS} groups, got ${listed.length}`);
  time('facet counts over all crashes', 9, () => queryFacets(db, {}));
  const found = time('full-text search "handler_4242" with facets (goal < 100 ms)', 9, () => groups.list({ text: 'handler_4242' }));
  if (found.groups.length !== 1) throw new Error(`search found ${found.groups.length} groups, expected 1`);
  time('search + host facet + last 7 days (goal < 100 ms)', 9, () =>
    groups.list({ text: 'module7', hostname: 'host-7', since: new Date(Date.now() - 7 * DAY).toISOString() }),
  );
  db.close();
  return path;
}
