import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDeadlineMs, prepareCrash } from '../../src/core/intake/open-bundle';
import { Workbench } from '../../src/core/workbench';
import type { Crash } from '../../src/shared/model';
import { apportReport, compressed, handlerZip, nodeReport, scopeCrashDir, systemdCoredump, zipOf, type Codec } from '../fixtures/bundles';

const fixtures = inject('fixtures');
const root = mkdtempSync(join(tmpdir(), 'crashwb-bundles-'));
let wb: Workbench;
let plain: Crash;
let n = 0;

beforeAll(async () => {
  wb = new Workbench({ databasePath: join(root, 'wb.db') });
  plain = await wb.openCore({ path: fixtures.nullDeref.core });
}, 60_000);
afterAll(() => wb.close());

/** A fresh folder for one test's files. */
const folder = (): string => {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return dir;
};

async function importOne(path: string): Promise<Crash> {
  const report = await wb.importPaths({ paths: [path] });
  expect(report.failed).toEqual([]);
  const events = await Promise.all((await wb.listGroups()).groups.map((g) => wb.listGroupEvents(g.id)));
  const event = events.flat().find((e) => e.source === path);
  if (!event) throw new Error(`${path} was not imported as a crash of its own: ${JSON.stringify(report)}`);
  return wb.getCrash(event.id);
}

const top = (crash: Crash) => crash.threads.find((t) => t.crashed)?.frames.find((f) => f.function)?.function;

describe('compressed cores', () => {
  for (const codec of ['gzip', 'zstd', 'xz', 'lz4'] as Codec[]) {
    it(`reads a ${codec} core as the same crash as the plain one`, async () => {
      const file = compressed(fixtures.nullDeref.core, codec, join(folder(), `core.${codec}`));
      const report = await wb.importPaths({ paths: [file] });
      expect(report).toMatchObject({ imported: [], existing: [file], failed: [] });
      const fresh = new Workbench({ databasePath: join(folder(), 'wb.db') });
      try {
        await fresh.importPaths({ paths: [file] });
        const crash = await fresh.getCrash(plain.id);
        expect(crash).toMatchObject({ source: file, origin: `${codec}-compressed core core.${codec}` });
        expect(crash.loaded?.core).toMatch(new RegExp(`/cores/${plain.id}\\.core$`));
        expect(top(crash)).toBe('read_retries');
      } finally {
        fresh.close();
      }
    });
  }

  it('names the file when a compressed core is cut off, and imports the rest', async () => {
    const dir = folder();
    const cut = compressed(fixtures.abort.core, 'zstd', join(dir, 'cut.zst'));
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    copyFileSync(fixtures.cpp.core, join(dir, 'good-core'));
    const report = await wb.importPaths({ paths: [dir] });
    expect(report.failed).toEqual([
      { path: cut, error: expect.stringMatching(/cut\.zst: zstd could not decompress it .*corrupt or cut off/) },
    ]);
    expect(report.imported).toEqual([join(dir, 'good-core')]);
  });
});

describe('systemd-coredump files', () => {
  it('takes comm, uid, boot id and time from the name and host and signal from the xattrs', async () => {
    const usec = 1_700_000_000_123_456n;
    const file = systemdCoredump(
      fixtures.abort.core,
      folder(),
      { comm: 'abort', uid: 1000, bootId: 'f'.repeat(32), pid: 4242, usec, hostname: 'db-7', signal: 6 },
      'zstd',
    );
    const crash = await importOne(file);
    expect(crash.attributes).toMatchObject({
      application: 'abort',
      hostname: 'db-7',
      'coredump.uid': '1000',
      'coredump.boot-id': 'f'.repeat(32),
    });
    expect(crash.timestamp).toBe(new Date(1_700_000_000_123).toISOString());
    expect(crash.signal.name).toBe('SIGABRT');
  });
});

describe('apport reports', () => {
  const fields = {
    ProblemType: 'Crash',
    Date: 'Tue Nov 14 22:13:20 2023',
    ExecutablePath: fixtures.nullDeref.executable,
    Package: 'retries 2.4.1-1',
    Uname: 'Linux 6.1.0-13-amd64 x86_64',
    DistroRelease: 'Debian 12',
    Signal: '11',
    ProcCmdline: fixtures.nullDeref.executable,
    ProcEnviron: 'LANG=C.UTF-8\nSHELL=/bin/bash',
  };

  it('decodes the CoreDump field into the same crash as the plain core, with the report’s facts', async () => {
    const file = apportReport(folder(), '_usr_bin_retries.1000.crash', fields, fixtures.nullDeref.core);
    const fresh = new Workbench({ databasePath: join(folder(), 'wb.db') });
    try {
      await fresh.importPaths({ paths: [file] });
      const crash = await fresh.getCrash(plain.id);
      expect(crash.attributes).toMatchObject({
        application: 'null_deref',
        package: 'retries',
        version: '2.4.1-1',
        'uname.release': '6.1.0-13-amd64',
        'uname.machine': 'x86_64',
        distro: 'Debian 12',
      });
      expect(crash.timestamp).toBe(new Date('Tue Nov 14 22:13:20 2023').toISOString());
      expect(crash.attachments).toEqual([{ name: 'ProcEnviron', text: 'LANG=C.UTF-8\nSHELL=/bin/bash' }]);
      expect(top(crash)).toBe('read_retries');
    } finally {
      fresh.close();
    }
  });

  it('makes a crash of the Stacktrace when there is no core, grouped with the cores of the same bug', async () => {
    const stack = [
      '#0  0x000055555555515c in read_retries (cfg=0x0) at null_deref.c:11',
      '        base = 3',
      '#1  0x000055555555519c in main (argc=1, argv=0x7fffffffe328) at null_deref.c:16',
      '        cfg = 0x0',
    ].join('\n');
    const file = apportReport(folder(), 'nocore.crash', { ...fields, Stacktrace: stack });
    const crash = await importOne(file);
    expect(crash.analysisError).toMatch(/apport report has no core: the stack is the one apport recorded/);
    expect(crash.threads[0]?.frames.map((f) => [f.function, f.line])).toEqual([
      ['read_retries', 11],
      ['main', 16],
    ]);
    expect(crash.signal.name).toBe('SIGSEGV');
    const groups = (await wb.listGroups({ text: 'read_retries' })).groups;
    expect(groups).toHaveLength(1);
    expect((await wb.listGroupEvents(groups[0]?.id ?? 0)).map((e) => e.id)).toEqual(expect.arrayContaining([plain.id, crash.id]));
    await expect(wb.openConsole(crash.id, { cols: 80, rows: 24 })).rejects.toThrow(/came without a core \(apport report\)/);
  });
});

describe('Node.js diagnostic reports', () => {
  const service = (handler: string) => `'use strict';
function parse(text) {
  return JSON.parse(text).items.map((i) => i.name);
}
function total(order) {
  return order.lines.reduce((sum, l) => sum + l.price, 0);
}
${handler}
`;

  it('reads an uncaught exception’s report as a crash: the error, its JavaScript frames first, Node’s facts', async () => {
    const dir = folder();
    const file = nodeReport(
      dir,
      'orders',
      service(`function onRequest(req) { return parse(req.body); }\nonRequest({ body: '{"items": null}' });`),
    );
    const crash = await importOne(file);
    expect(crash.signal.name).toBe('TypeError');
    expect(crash.signal.explanation).toBe("Uncaught TypeError: Cannot read properties of null (reading 'map')");
    const [js, native] = crash.threads;
    expect(js).toMatchObject({ name: 'JavaScript', crashed: true });
    expect(js?.frames.slice(0, 3).map((f) => [f.function, f.file, f.line])).toEqual([
      ['parse', join(dir, 'orders.js'), 3],
      ['onRequest', join(dir, 'orders.js'), 8],
      ['Object.<anonymous>', join(dir, 'orders.js'), 9],
    ]);
    expect(js?.frames.find((f) => f.file?.startsWith('node:'))?.module).toBe('node');
    // The native stack below the report writer's own frames.
    expect(native?.frames[0]?.function).not.toMatch(/TriggerNodeReport/);
    expect(native?.frames.some((f) => /TriggerUncaughtException/.test(f.function ?? ''))).toBe(true);
    expect(crash.attributes).toMatchObject({ runtime: 'node', 'node.version': process.version, 'node.trigger': 'Exception' });
    expect(crash.environment).toEqual(expect.arrayContaining([`PATH=${process.env.PATH}`]));
    expect(crash.origin).toBe('Node.js diagnostic report');
    expect(crash.analysisError).toMatch(/Node.js diagnostic report has no core: the stack is the one Node.js v\d+/);
    const [group] = (await wb.listGroups({ text: 'parse' })).groups.filter((g) => g.title.startsWith('uncaught-exception'));
    expect(group?.title).toBe('uncaught-exception in parse (orders.js:3)');
  });

  it('groups by the JavaScript frames: the same bug from two callers is one group, another bug another', async () => {
    const dir = folder();
    const first = nodeReport(
      dir,
      'cart',
      service(`function onCart(req) { return parse(req.body); }\nonCart({ body: '{"items": null}' });`),
    );
    const second = nodeReport(
      dir,
      'wishlist',
      service(`function onWish(req) { return parse(req.body); }\nonWish({ body: '{"items": null}' });`),
    );
    const other = nodeReport(dir, 'checkout', service(`total({ lines: null });`));
    const fresh = new Workbench({ databasePath: join(dir, 'wb.db') });
    try {
      const report = await fresh.importPaths({ paths: [first, second, other] });
      expect(report.imported).toHaveLength(3);
      const titles = (await fresh.listGroups()).groups.map((g) => [g.title, g.count]);
      expect(titles).toEqual(
        expect.arrayContaining([
          [expect.stringMatching(/^uncaught-exception in parse \((cart|wishlist)\.js:3\)$/), 2],
          ['uncaught-exception in total (checkout.js:6)', 1],
        ]),
      );
      expect(titles).toHaveLength(2);
    } finally {
      fresh.close();
    }
  });

  it('reads a fatal out-of-memory report by its native stack, below the report writer', async () => {
    const dir = folder();
    const file = nodeReport(dir, 'hog', 'const kept = []; for (;;) kept.push(new Array(1e5).fill(1));', [
      '--max-old-space-size=16',
      '--report-on-fatalerror',
    ]);
    const crash = await importOne(file);
    expect(crash.signal).toMatchObject({
      name: 'out of memory',
      explanation: expect.stringMatching(/^Node.js ran out of memory: .*heap out of memory/),
    });
    const crashed = crash.threads.find((t) => t.crashed);
    expect(crashed?.name).toMatch(/native/);
    expect(crashed?.frames.some((f) => /Heap|Factory|Allocat/.test(f.function ?? ''))).toBe(true);
  });

  it('names a report cut off while being written, and imports the rest of the folder', async () => {
    const dir = folder();
    const whole = nodeReport(dir, 'whole', service(`total({ lines: null });`));
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, readFileSync(whole).subarray(0, 4096));
    const fresh = new Workbench({ databasePath: join(dir, 'wb.db') });
    try {
      const report = await fresh.importPaths({ paths: [dir] });
      expect(report.imported).toEqual([whole]);
      expect(report.failed).toEqual([
        { path: cut, error: expect.stringMatching(/cut\.json: the Node.js report is not complete JSON .*cut off/) },
      ]);
    } finally {
      fresh.close();
    }
  });
});

describe('AppScope crash directories', () => {
  const backtrace = [
    'backtrace info: signal 11 errno 0 fault address 0x0',
    'SIGSEGV: address not mapped to object',
    '--- backtrace',
    '#0 0x00007f3a1c2b4d10 read_retries + 0x13',
    '#1 0x00007f3a1c2b4d50 main + 0x1c',
    '#2 0x00007f3a1c0291ca __libc_start_call_main + 0x7a',
  ].join('\n');

  it('reads a directory without a core as a crash with its backtrace and snapshot', async () => {
    const dir = scopeCrashDir(folder(), 4242, 1_700_000_000, backtrace);
    const crash = await importOne(dir);
    expect(crash.attributes).toMatchObject({
      hostname: 'scope-host',
      application: 'server',
      'scope.version': 'v1.4.1',
      'uname.release': '6.1.0-13-amd64',
    });
    expect(crash.signal).toMatchObject({ name: 'SIGSEGV', faultAddress: '0x0' });
    expect(crash.commandLine).toBe('/usr/bin/server --port 80');
    expect(crash.threads[0]?.frames.map((f) => f.function)).toEqual(['read_retries', 'main', '__libc_start_call_main']);
    expect(crash.attachments?.map((a) => a.name).sort()).toEqual(['backtrace', 'cfg', 'info']);
    expect(crash.timestamp).toBe(new Date(1_700_000_000_000).toISOString());
  });

  it('analyses the core of a directory that has one', async () => {
    const dir = scopeCrashDir(folder(), 4343, 1_700_000_100, backtrace, fixtures.workerThread.core);
    const report = await wb.importPaths({ paths: [dir] });
    expect(report.failed).toEqual([]);
    const events = await Promise.all((await wb.listGroups()).groups.map((g) => wb.listGroupEvents(g.id)));
    const crash = await wb.getCrash(events.flat().find((e) => e.source === dir)?.id ?? '');
    expect(top(crash)).toBe('store_result');
    expect(crash.attributes.hostname).toBe('scope-host');
  });
});

describe('core-dump-handler zips', () => {
  it('takes the core, the pod, namespace, image and node, and keeps the logs', async () => {
    const file = handlerZip(folder(), fixtures.cpp.core);
    const fresh = new Workbench({ databasePath: join(folder(), 'wb.db') });
    await fresh.importPaths({ paths: [file] });
    const [event] = await fresh.listGroupEvents((await fresh.listGroups()).groups[0]?.id ?? 0);
    const crash = await fresh.getCrash(event?.id ?? '');
    fresh.close();
    expect(crash.attributes).toMatchObject({
      hostname: 'server-5d8f',
      application: 'server',
      node: 'worker-3',
      pod: 'server-5d8f',
      namespace: 'payments',
      image: 'registry.example/payments/server:2.3.1',
    });
    expect(crash.timestamp).toBe(new Date(1_700_000_000_123).toISOString());
    expect(crash.attachments?.find((a) => a.name.endsWith('-0.log'))?.text).toMatch(/starting server on :80/);
    expect(top(crash)).toMatch(/priceOf/);
  });

  it('reads JSON that core-dump-handler wrote badly', async () => {
    const file = handlerZip(folder(), null, { malformed: true });
    const crash = await importOne(file);
    expect(crash.attributes).toMatchObject({ hostname: 'server-5d8f', node: 'worker-3', namespace: 'payments' });
    expect(crash.analysisError).toMatch(/has no core/);
  });

  it('refuses an archive with an entry that climbs out of it, and keeps what was imported', async () => {
    const dir = folder();
    const evil = zipOf(join(dir, 'evil.zip'), [
      { name: 'x.core', file: fixtures.abort.core },
      { name: '../../etc/cron.d/evil', text: '* * * * * root id' },
    ]);
    const before = (await wb.listGroups()).crashes;
    const report = await wb.importPaths({ paths: [evil] });
    expect(report.failed).toEqual([{ path: evil, error: expect.stringMatching(/evil\.zip: refusing the archive.*outside it/) }]);
    expect((await wb.listGroups()).crashes).toBe(before);
  });

  it('refuses a zip bomb and names a corrupt archive', async () => {
    const dir = folder();
    const bomb = zipOf(join(dir, 'bomb.zip'), [{ name: 'x.core', zeros: 100 * 1024 * 1024 }]);
    const corrupt = handlerZip(folder(), fixtures.abort.core);
    truncateSync(corrupt, 100);
    const report = await wb.importPaths({ paths: [bomb, corrupt] });
    expect(report.failed).toEqual(
      expect.arrayContaining([
        { path: bomb, error: expect.stringMatching(/bomb\.zip: refusing the archive, "x\.core" expands \d+-fold/) },
        { path: corrupt, error: expect.stringMatching(/is not a readable zip archive/) },
      ]),
    );
  });
});

describe('damaged archives', () => {
  it('refuses a zip whose core had a byte flipped, by its CRC-32, and imports nothing of it', async () => {
    const zip = zipOf(join(folder(), 'flipped.zip'), [{ name: 'app.core', file: fixtures.abort.core }], 'store');
    const bytes = readFileSync(zip);
    const at = bytes.indexOf(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) + 4096;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    writeFileSync(zip, bytes);
    const before = (await wb.listGroups()).crashes;
    const report = await wb.importPaths({ paths: [zip] });
    expect(report.failed).toEqual([{ path: zip, error: expect.stringMatching(/"app\.core" is damaged \(its CRC-32 does not match/) }]);
    expect((await wb.listGroups()).crashes).toBe(before);
  });
});

describe('attributes as filters and facets', () => {
  it('counts every attribute and filters groups by any of them', async () => {
    const facets = await wb.listFacets();
    expect(facets.attributes.application?.map((v) => v.value)).toEqual(expect.arrayContaining(['server', 'abort']));
    expect(facets.attributes['scope.version']).toEqual([{ value: 'v1.4.1', count: 2 }]);
    const scoped = await wb.listGroups({ attributes: { 'scope.version': 'v1.4.1' } });
    expect(scoped.crashes).toBe(2);
    const narrowed = await wb.listFacets({ attributes: { application: 'server' } });
    // The filtered key still shows its other values; the others count only the matching crashes.
    expect(narrowed.attributes.application?.map((v) => v.value)).toEqual(expect.arrayContaining(['server', 'abort']));
    expect(narrowed.attributes['coredump.boot-id']).toBeUndefined();
  });
});

describe('decompression bombs', () => {
  /** A stream of `zeros` zero bytes, compressed by the tool, optionally after an ELF core's header. */
  const bombOf = (target: string, tool: string[], zeros: string, coreHeader: boolean): string => {
    const header = coreHeader ? `printf '\\177ELF\\002\\001\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\004\\000';` : '';
    execFileSync('bash', ['-c', `{ ${header} head -c ${zeros} /dev/zero; } | ${tool.join(' ')} > "$0"`, target]);
    return target;
  };
  const storeFiles = (): string[] => readdirSync(join(root, 'cores'));

  it('refuses a zstd bomb of zeros at its first bytes, and keeps nothing of it', async () => {
    const before = storeFiles();
    const bomb = bombOf(join(folder(), 'core.zst'), ['zstd', '-q', '-1', '-c'], '4G', false);
    expect(statSync(bomb).size).toBeLessThan(200 * 1024);
    const report = await wb.importPaths({ paths: [bomb] });
    expect(report.failed).toEqual([
      {
        path: bomb,
        error: expect.stringMatching(/core\.zst decompresses \(zstd\) to something that is not a core file.*nothing was kept/),
      },
    ]);
    expect(storeFiles()).toEqual(before);
  }, 60_000);

  it('stops a bomb that starts as a core by its ratio, alone, inside a zip and in nested layers, and keeps nothing', async () => {
    const before = storeFiles();
    const dir = folder();
    const zst = bombOf(join(dir, 'core.zst'), ['zstd', '-q', '-1', '-c'], '1G', true);
    const nested = bombOf(join(dir, 'core.gz.zst'), ['gzip', '-1', '-c', '|', 'zstd', '-q', '-1', '-c'], '1G', true);
    const zip = zipOf(join(dir, 'handler.zip'), [{ name: 'x.core.zst', file: zst }], 'store');
    const report = await wb.importPaths({ paths: [zst, nested, zip] });
    expect(report.failed).toEqual(
      expect.arrayContaining([
        {
          path: zst,
          error: expect.stringMatching(/core\.zst expands more than 1000-fold .*decompression bomb.*decompress it yourself \(zstd\)/),
        },
        { path: nested, error: expect.stringMatching(/expands more than 1000-fold .*\(zstd, gzip\)/) },
        { path: zip, error: expect.stringMatching(/handler\.zip.*x\.core\.zst expands more than 1000-fold/) },
      ]),
    );
    expect(report.failed).toHaveLength(3);
    expect(storeFiles()).toEqual(before);
  }, 120_000);

  it('refuses compression more than three layers deep', async () => {
    const deep = bombOf(join(folder(), 'core.gz'), ['gzip', '-c', '|', 'gzip', '-c', '|', 'gzip', '-c', '|', 'gzip', '-c'], '1K', true);
    const report = await wb.importPaths({ paths: [deep] });
    expect(report.failed).toEqual([
      { path: deep, error: expect.stringMatching(/compressed more than 3 times over \(gzip, gzip, gzip, gzip\)/) },
    ]);
  });

  it('still imports a core compressed twice over', async () => {
    const twice = join(folder(), 'core.gz.zst');
    execFileSync('bash', ['-c', 'gzip -c "$0" | zstd -q -c > "$1"', fixtures.nullDeref.core, twice]);
    // The same bytes as the plain core opened before: known by its digest, once unwrapped.
    const report = await wb.importPaths({ paths: [twice] });
    expect(report).toMatchObject({ failed: [], existing: [twice] });
  });
});

describe('unpacking bounded in time', () => {
  it('gives up a compressed core, a zip and an apport report when their deadline passes, keeping nothing', async () => {
    const before = readdirSync(join(root, 'cores'));
    const dir = folder();
    const zst = compressed(fixtures.nullDeref.core, 'zstd', join(dir, 'core.zst'));
    const zip = zipOf(join(dir, 'handler.zip'), [{ name: 'x.core.zst', file: zst }], 'store');
    const apport = apportReport(dir, 'app.crash', { ProblemType: 'Crash', ExecutablePath: '/usr/bin/app' }, fixtures.abort.core);
    for (const path of [zst, zip, apport]) {
      const deadline = new AbortController();
      deadline.abort(new Error(`${path}: unpacking it took longer than 0 s`));
      await expect(prepareCrash(path, join(root, 'cores'), { maxCoreBytes: 1 << 30, signal: deadline.signal })).rejects.toThrow(
        new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unpacking it took longer than 0 s`),
      );
    }
    expect(readdirSync(join(root, 'cores'))).toEqual(before);
    // A minute, and a second for each 10 MB: a 64 GiB core may take two hours.
    expect(openDeadlineMs(1)).toBe(61_000);
    expect(openDeadlineMs(64 * 1024 ** 3)).toBe(60_000 + 6_872_000);
  });
});
