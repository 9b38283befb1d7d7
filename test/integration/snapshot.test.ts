import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalStorage } from '../../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../../src/reporter/server';
import { Workbench } from '../../src/core/workbench';
import { crashForCore } from '../fixtures/crashers';
import { uploadCore } from '../fixtures/upload';
import { buildForeignCrash, LIBRARY } from '../fixtures/foreign';

const fixtures = inject('fixtures');
const TOKEN = 'snapshot-token-0123456789';
const OTHER = 'routed-token-0123456789a';
let root: string;
let reporter: RunningReporter;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'crashwb-snapshot-'));
  reporter = await startReporter({
    port: 0,
    storage: new LocalStorage(join(root, 'reporter')),
    projects: [
      { name: 'app', tokens: [TOKEN] },
      { name: 'plugins', tokens: [OTHER] },
    ],
    log: () => undefined,
  });
});
afterAll(async () => {
  await reporter?.close();
  rmSync(root, { recursive: true, force: true });
});

const upload = (core: string, spool: string, extra: string[]) =>
  uploadCore(core, ['--server', reporter.url, '--token', TOKEN, '--spool', spool, ...extra]);

interface Listed {
  crashId: string;
  size: number;
  metadata: Record<string, string>;
}
async function listed(token = TOKEN): Promise<Listed[]> {
  const response = await fetch(`${reporter.url}/api/v1/crashes?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { crashes: Listed[] }).crashes;
}

function config(name: string, body: unknown): string {
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

describe('crashwb upload --snapshot: analysed where it crashed', () => {
  let first: string;
  let second: string;
  let hostConfig: string;
  beforeAll(() => {
    // Two crashes of the same stripped build, on a host that has its debug files.
    first = fixtures.stripped.core;
    second = crashForCore(fixtures.stripped.executable, join(root, 'again'));
    hostConfig = config('host', { snapshot: { debugDirs: [fixtures.stripped.debugDir] }, core: 'unseen' });
  });

  it('sends the analysis and, for a fingerprint the reporter has not seen, the core; for the second crash of it, no core', async () => {
    const a = await upload(first, join(root, 'spool-a'), ['--config', hostConfig]);
    expect(a.status, a.out).toBe(0);
    const b = await upload(second, join(root, 'spool-b'), ['--config', hostConfig]);
    expect(b.status, b.out).toBe(0);
    expect(b.out).toMatch(/the core stays on this host by the policy \(unseen\)/);
    const crashes = await listed();
    expect(crashes.filter((c) => c.metadata.kind === 'snapshot')).toHaveLength(2);
    expect(crashes.filter((c) => c.metadata.kind !== 'snapshot')).toHaveLength(1);
    expect(readdirSync(join(root, 'spool-b'))).toEqual([]);
  });

  it('lands in the workbench fully symbolized without the core, grouped, with no console and the core left on the reporter', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db'), symbolCacheDir: join(root, 'cache') });
    try {
      const report = await wb.imports.importReporter({ url: `reporter+${reporter.url}`, token: TOKEN }, {});
      expect(report.failed).toEqual([]);
      expect(report.deferred).toBe(1);
      const events = wb.groups.listEvents();
      expect(events).toHaveLength(2);
      expect(new Set(events.map((e) => e.groupId)).size).toBe(1);
      for (const e of events) {
        const crash = await wb.getCrash(e.id);
        expect(crash.origin).toMatch(/^snapshot analysed on the host with gdb/);
        const top = crash.threads.find((t) => t.crashed)?.frames[0];
        expect(top).toMatchObject({ function: 'read_retries', line: 11, file: expect.stringMatching(/null_deref\.c$/) });
        expect(crash.attachments?.find((a) => a.name === 'packages')?.text).toMatch(/libc\.so\.6\tlibc6 /);
        await expect(wb.openConsole(crash.id, { cols: 80, rows: 24 })).rejects.toThrow(/came without a core/);
      }
    } finally {
      wb.close();
    }
  });

  it('fetches the core on demand, and the crash is analysed from it; says so when the host kept the core', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db'), symbolCacheDir: join(root, 'cache') });
    try {
      // The developer keeps the build's debug files, so the core is named here as on its host.
      await wb.updateSettings({ debugDirs: [fixtures.stripped.debugDir!] });
      await wb.imports.importReporter({ url: `reporter+${reporter.url}`, token: TOKEN }, {});
      const sent = (await listed()).find((c) => c.metadata.kind !== 'snapshot')?.crashId ?? '';
      const kept = wb.groups.listEvents().find((e) => e.id !== sent)?.id ?? '';
      const crash = await wb.fetchCore(sent, TOKEN);
      expect(crash.origin).toBeUndefined();
      expect(crash.loaded?.core).not.toBeNull();
      expect(crash.threads.find((t) => t.crashed)?.frames[0]?.function).toBe('read_retries');
      expect(wb.groups.listEvents()).toHaveLength(2);
      const { sessionId } = await wb.openConsole(sent, { cols: 80, rows: 24 });
      await wb.closeConsole(sessionId);
      await expect(wb.fetchCore(kept, TOKEN)).rejects.toThrow(/has no core for this crash: its host kept it/);
      await expect(wb.fetchCore(sent, TOKEN)).rejects.toThrow(/has its core already/);
    } finally {
      wb.close();
    }
  });

  it('replaces a snapshot with its crash when the core is imported from disk', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db'), symbolCacheDir: join(root, 'cache') });
    try {
      await wb.imports.importReporter({ url: `reporter+${reporter.url}`, token: TOKEN }, {});
      const before = wb.groups.listEvents().length;
      await wb.importPaths({ paths: [second] });
      expect(wb.groups.listEvents()).toHaveLength(before);
      const replaced = await wb.getCrash(wb.groups.listEvents().find((e) => e.source === second)?.id ?? '');
      expect(replaced.loaded?.core).not.toBeNull();
    } finally {
      wb.close();
    }
  });

  it('falls back to the plain core when the analysis on the host fails or takes too long', async () => {
    const slow = config('slow', { snapshot: { timeoutS: 0.01 }, core: 'never' });
    const result = await upload(fixtures.abort.core, join(root, 'spool-slow'), ['--config', slow]);
    expect(result.status, result.out).toBe(0);
    expect(result.out).toMatch(/no snapshot for .*, the core will be sent: the analysis on the host took longer than 0\.01 s/);
    const abortCore = (await listed()).find((c) => c.metadata.snapshot_error);
    expect(abortCore?.metadata.kind).toBeUndefined();
  });

  it('routes a crash to a project by its executable, and refuses a configuration with a bad field by name', async () => {
    const routed = config('routed', { routes: [{ executable: '**/worker_thread', token: OTHER }] });
    expect((await upload(fixtures.workerThread.core, join(root, 'spool-route'), ['--config', routed])).status).toBe(0);
    expect((await listed(OTHER)).map((c) => c.size)).toHaveLength(1);
    const bad = config('bad', { core: 'sometimes' });
    const refused = await upload(fixtures.abort.core, join(root, 'spool-bad'), ['--config', bad]);
    expect(refused.status).toBe(1);
    expect(refused.out).toMatch(/bad\.json: core: the core policy is always, unseen, never or max:MB/);
  });
});

describe('crashwb upload --upload-libraries', () => {
  it('sends the program and its own library, which the reporter lacked, and not the system ones', async () => {
    const foreign = buildForeignCrash(join(root, 'libraries'));
    // Back where they ran, as on the host that crashed.
    mkdirSync(foreign.builtAt, { recursive: true });
    copyFileSync(join(foreign.handed, 'plugin_host'), join(foreign.builtAt, 'plugin_host'));
    copyFileSync(join(foreign.handed, LIBRARY), join(foreign.builtAt, LIBRARY));
    const result = await upload(foreign.core, join(root, 'spool-libs'), ['--upload-libraries']);
    expect(result.status, result.out).toBe(0);
    const missing = await fetch(`${reporter.url}/api/v1/symbols/missing`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        wanted: [
          { buildId: foreign.programBuildId, kind: 'executable' },
          { buildId: foreign.libraryBuildId, kind: 'executable' },
          { buildId: foreign.libraryBuildId, kind: 'debuginfo' },
        ],
      }),
    });
    expect(((await missing.json()) as { missing: unknown[] }).missing).toEqual([]);
  });
});
