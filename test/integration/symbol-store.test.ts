import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalStorage } from '../../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../../src/reporter/server';
import { Workbench } from '../../src/core/workbench';
import type { ConsoleEvent } from '../../src/shared/model';
import { crashwbAsync as crashwb } from '../fixtures/cli';
import { LIBRARY, buildForeignCrash, type ForeignCrash } from '../fixtures/foreign';

const fixtures = inject('fixtures');
const TOKEN = 'symbols-token-0123456789';
const OWN_FRAMES = ['plugin_parse', 'plugin_parse', 'plugin_parse', 'plugin_handle', 'serve_request', 'main'];

let root: string;
let foreign: ForeignCrash;
let reporter: RunningReporter;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'crashwb-symbol-store-'));
  foreign = buildForeignCrash(root);
  reporter = await startReporter({
    port: 0,
    storage: new LocalStorage(join(root, 'reporter')),
    projects: [{ name: 'app', tokens: [TOKEN] }],
    log: (entry) => logged.push(entry),
  });
});
afterAll(async () => {
  await reporter?.close();
  rmSync(root, { recursive: true, force: true });
});

interface JsonCrash {
  threads: Array<{ crashed: boolean; frames: Array<{ function: string | null; file: string | null; line: number | null }> }>;
  warnings: Array<{ kind: string; message: string }>;
}
const framesOf = (stdout: string) => (JSON.parse(stdout) as JsonCrash).threads.find((t) => t.crashed)?.frames ?? [];

describe('the reporter as a symbol store', () => {
  it('takes a build with upload-symbols, and the second time sends only what it lacks', async () => {
    const build = join(root, 'ci-build');
    cpSync(foreign.stripped, join(build, 'bin'), { recursive: true });
    cpSync(foreign.debugDir, join(build, 'debug'), { recursive: true });
    writeFileSync(join(build, 'README'), 'not a binary');
    const first = await crashwb(['upload-symbols', '--server', reporter.url, '--token', TOKEN, '--json', build]);
    expect(first.status, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { sent: Array<{ buildId: string; kind: string }>; present: unknown[] };
    expect(report.sent.map((f) => `${f.buildId}/${f.kind}`).sort()).toEqual(
      [
        `${foreign.programBuildId}/executable`,
        `${foreign.programBuildId}/debuginfo`,
        `${foreign.libraryBuildId}/executable`,
        `${foreign.libraryBuildId}/debuginfo`,
      ].sort(),
    );
    const second = await crashwb(['upload-symbols', '--server', reporter.url, '--token', TOKEN, build]);
    expect(second.stdout).toMatch(/^sent 0, already there 4, refused 0, failed 0/);
  });

  it('symbolizes a stripped crash from the store with --symbol-server and --symbol-token, file and line included', async () => {
    const result = await crashwb(
      ['analyze', foreign.core, '--json', '--solib-dir', foreign.stripped, '--symbol-server', reporter.url, '--symbol-token', TOKEN],
      { CRASHWB_SYMBOL_CACHE: join(root, 'cache-store') },
    );
    const frames = framesOf(result.stdout);
    expect(frames.map((f) => f.function).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
    expect(frames[0]).toMatchObject({ file: expect.stringMatching(/plugin\.c$/), line: 8 });
  });

  it('serves debuginfod clients: elfutils debuginfod-find fetches with the token in a headers file', async () => {
    const headers = join(root, 'headers');
    writeFileSync(headers, `Authorization: Bearer ${TOKEN}\n`);
    // Asynchronously: the reporter answering it lives in this process.
    const found = await promisify(execFile)('debuginfod-find', ['debuginfo', foreign.libraryBuildId], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DEBUGINFOD_URLS: reporter.url,
        DEBUGINFOD_HEADERS_FILE: headers,
        DEBUGINFOD_CACHE_PATH: join(root, 'elfutils-cache'),
      },
      timeout: 30_000,
    });
    const path = found.stdout.trim();
    expect(
      readFileSync(path).equals(
        readFileSync(join(foreign.debugDir, '.build-id', foreign.libraryBuildId.slice(0, 2), `${foreign.libraryBuildId.slice(2)}.debug`)),
      ),
    ).toBe(true);
  });

  it("keeps a build's sources with --sources and serves them by path, to elfutils and to the source view", async () => {
    const sent = await crashwb([
      'upload-symbols',
      '--server',
      reporter.url,
      '--token',
      TOKEN,
      '--sources',
      foreign.builtAt,
      foreign.stripped,
      foreign.debugDir,
    ]);
    expect(sent.stdout).toMatch(/sources: 1 files for 2 builds; sent 1, already there 0/);
    const file = join(foreign.builtAt, 'plugin.c');
    const headers = join(root, 'headers-sources');
    writeFileSync(headers, `Authorization: Bearer ${TOKEN}\n`);
    const found = await promisify(execFile)('debuginfod-find', ['source', foreign.libraryBuildId, file], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DEBUGINFOD_URLS: reporter.url,
        DEBUGINFOD_HEADERS_FILE: headers,
        DEBUGINFOD_CACHE_PATH: join(root, 'elfutils-sources'),
      },
      timeout: 30_000,
    });
    expect(readFileSync(found.stdout.trim(), 'utf8')).toBe(readFileSync(file, 'utf8'));

    // On a workstation without the checkout, the source view gets it from the reporter.
    const away = join(root, 'away.c');
    renameSync(file, away);
    const wb = new Workbench({
      databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db'),
      symbolCacheDir: join(root, 'cache-sources'),
      symbolTokens: { [reporter.url]: TOKEN },
    });
    try {
      const crash = await wb.openCore({ path: foreign.core, solibDirs: [foreign.stripped], symbolServers: [reporter.url] });
      const source = await wb.readSource(file, crash.executable, foreign.libraryBuildId);
      expect(source).toMatchObject({ found: true, from: reporter.url });
      expect(source.found && source.text).toContain('return request[0];');
      expect(await wb.readSource(join(foreign.builtAt, 'nowhere.c'), crash.executable, foreign.libraryBuildId)).toMatchObject({
        found: false,
        message: expect.stringMatching(/Source not found: nowhere\.c .* No symbol server \(http:\/\/127\.0\.0\.1:\d+\) has it\./),
      });
    } finally {
      wb.close();
      renameSync(away, file);
    }
  });

  it('is a symbol server for the app once added as a source, with the token the app keeps', async () => {
    // The desktop app's keychain, as the workbench sees it (Electron's safeStorage behind it).
    const kept = new Map<string, string>();
    const secrets = {
      get: async (name: string) => kept.get(name) ?? null,
      set: async (name: string, value: string | null) => void (value === null ? kept.delete(name) : kept.set(name, value)),
    };
    const wb = new Workbench({
      databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db'),
      symbolCacheDir: join(root, 'cache-app'),
      secrets,
    });
    try {
      await wb.saveReporterSource(`reporter+${reporter.url}`, TOKEN);
      expect(await wb.listSymbolServers()).toContainEqual({ url: reporter.url, from: 'reporter', tokenSaved: true });
      const crash = await wb.openCore({ path: foreign.core, solibDirs: [foreign.stripped] });
      expect(
        crash.threads
          .find((t) => t.crashed)
          ?.frames.map((f) => f.function)
          .slice(0, OWN_FRAMES.length),
      ).toEqual(OWN_FRAMES);
      expect(crash.modules.find((m) => m.buildId === foreign.libraryBuildId)?.origin?.debug).toEqual({
        kind: 'symbol-server',
        from: reporter.url,
      });
    } finally {
      wb.close();
    }
  });

  it('refuses a bad token with a clear message, to the uploader and to the analysis', async () => {
    const upload = await crashwb(['upload-symbols', '--server', reporter.url, '--token', 'wrong', foreign.stripped]);
    expect(upload.status).toBe(1);
    expect(upload.stderr).toMatch(/answered 403: this token is not valid for any project\. Check the token/);
    const analysis = await crashwb(['analyze', foreign.core, '--json', '--symbol-server', reporter.url, '--symbol-token', 'wrong'], {
      CRASHWB_SYMBOL_CACHE: join(root, 'cache-bad-token'),
    });
    const warning = (JSON.parse(analysis.stdout) as JsonCrash).warnings.find((w) => w.kind === 'symbol-server');
    expect(warning?.message).toMatch(/refused the request \(403\): check the symbol server's token/);
  });

  it('refuses files that are not what they are sent as, and keeps nothing of them', async () => {
    const noBuildId = join(root, 'no-build-id');
    mkdirSync(noBuildId, { recursive: true });
    spawnSync('gcc', ['-Wl,--build-id=none', '-o', join(noBuildId, 'prog'), '-x', 'c', '-'], { input: 'int main(void){return 0;}' });
    const refused = await crashwb(['upload-symbols', '--server', reporter.url, '--token', TOKEN, join(noBuildId, 'prog')]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/refused: .*prog: it has no build-id, so no crash can be matched to it: link with -Wl,--build-id/);

    const debugFile = join(foreign.debugDir, '.build-id', foreign.libraryBuildId.slice(0, 2), `${foreign.libraryBuildId.slice(2)}.debug`);
    const asExecutable = await fetch(`${reporter.url}/api/v1/symbols/${foreign.libraryBuildId}/executable`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: readFileSync(debugFile),
    });
    expect(asExecutable.status).toBe(400);
    expect(((await asExecutable.json()) as { error: string }).error).toMatch(/separate debug file with no code; send it as debuginfo/);
    const underOtherId = await fetch(`${reporter.url}/api/v1/symbols/${'ab'.repeat(20)}/debuginfo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: readFileSync(debugFile),
    });
    expect(underOtherId.status).toBe(400);
    expect(((await underOtherId.json()) as { error: string }).error).toContain(
      `build-id is ${foreign.libraryBuildId}, not ${'ab'.repeat(20)}`,
    );
    expect((await fetch(`${reporter.url}/buildid/${'ab'.repeat(20)}/debuginfo?token=${TOKEN}`)).status).toBe(404);
  });
});

describe('a symbol server that sends bad files', () => {
  let bad: Server;
  let url: string;
  beforeAll(async () => {
    const other = readFileSync(join(foreign.otherBuild, LIBRARY));
    const good = readFileSync(join(foreign.handed, 'plugin_host'));
    bad = createServer((req, res) => {
      if (req.url === `/buildid/${foreign.programBuildId}/executable`) {
        // Promises the whole file and sends half of it.
        res.writeHead(200, { 'Content-Length': String(good.length) });
        res.write(good.subarray(0, good.length >> 1));
        setTimeout(() => res.destroy(), 50);
      } else if (req.url === `/buildid/${foreign.libraryBuildId}/executable`) {
        res.writeHead(200, { 'Content-Length': String(other.length) });
        res.end(other);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => bad.listen(0, '127.0.0.1', resolve));
    const address = bad.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => bad.close());

  it('uses neither a file cut short nor one of another build, and says so', async () => {
    const cache = join(root, 'cache-bad-files');
    const result = await crashwb(['analyze', foreign.core, '--json', '--symbol-server', url], { CRASHWB_SYMBOL_CACHE: cache });
    const crash = JSON.parse(result.stdout) as JsonCrash & { modules: Array<{ path: string; hostPath: string | null }> };
    const messages = crash.warnings
      .filter((w) => w.kind === 'symbol-server')
      .map((w) => w.message)
      .join('\n');
    expect(messages).toMatch(/the file is cut short|cannot be reached/);
    expect(messages).toContain(`whose build-id is ${buildIdOfOther()}; it was not used`);
    expect(crash.modules.every((m) => m.hostPath === null || !m.hostPath.startsWith(cache))).toBe(true);
  });
});

function buildIdOfOther(): string {
  return (
    /Build ID: ([0-9a-f]+)/.exec(spawnSync('readelf', ['-n', join(foreign.otherBuild, LIBRARY)], { encoding: 'utf8' }).stdout)?.[1] ?? '?'
  );
}

describe('the console sees what the views see', () => {
  it.each(['gdb', 'lldb'] as const)('names the library frames in a %s console on a crash analysed with --solib-dir', async (kind) => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db'), symbolCacheDir: join(root, 'cache-console') });
    const events: ConsoleEvent[] = [];
    wb.onEvent((e) => {
      if (e.type === 'console-output') events.push(e);
    });
    try {
      const crash = await wb.openCore({ path: foreign.core, solibDirs: [foreign.handed], debugger: kind });
      expect(crash.threads.find((t) => t.crashed)?.frames[0]?.function).toBe('plugin_parse');
      const { sessionId } = await wb.openConsole(crash.id, { cols: 160, rows: 40 });
      const text = () => events.map((e) => (e.type === 'console-output' && e.sessionId === sessionId ? e.data : '')).join('');
      await expect.poll(text, { timeout: 20_000 }).toMatch(/\((gdb|lldb)\) /);
      await wb.writeConsole(sessionId, 'bt\r');
      await expect.poll(text, { timeout: 20_000 }).toMatch(/plugin_parse[\s\S]*plugin_handle[\s\S]*serve_request/);
      await wb.closeConsole(sessionId);
    } finally {
      wb.close();
    }
  });
});

describe('symbols that arrive later', () => {
  it('analyses a crash again after a library folder it was analysed with has gone', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'gone-')), 'wb.db'), symbolCacheDir: join(root, 'cache-gone') });
    const copy = join(root, 'copy-of-handed');
    cpSync(foreign.handed, copy, { recursive: true });
    try {
      const crash = await wb.openCore({ path: foreign.core, solibDirs: [copy] });
      expect(crash.loaded?.solibDirs).toEqual([copy]);
      rmSync(copy, { recursive: true, force: true });
      const again = await wb.reanalyzeCrash(crash.id, { solibDirs: [foreign.handed] });
      expect(again.loaded?.solibDirs).toEqual([foreign.handed]);
      expect(
        again.threads
          .find((t) => t.crashed)
          ?.frames.map((f) => f.function)
          .slice(0, OWN_FRAMES.length),
      ).toEqual(OWN_FRAMES);
    } finally {
      wb.close();
    }
  });

  it('analyses again only the crashes that lacked symbols, names their frames, regroups them and keeps the notes', async () => {
    const db = join(mkdtempSync(join(root, 'later-')), 'wb.db');
    const wb = new Workbench({ databasePath: db, symbolCacheDir: join(root, 'cache-later') });
    try {
      await wb.importPaths({ paths: [foreign.core, fixtures.nullDeref.core] });
      const [nameless] = wb.groups.listEvents().filter((e) => e.source === foreign.core);
      expect((await wb.getCrash(nameless!.id)).threads.find((t) => t.crashed)?.frames[0]?.function).toBeNull();
      await wb.setGroupNotes(nameless!.groupId!, { text: 'seen on the build servers', ticket: null });

      const report = await wb.reprocessCrashes({ missingSymbols: true, solibDirs: [foreign.handed] });
      expect(report).toMatchObject({ checked: 2, reanalyzed: [nameless!.id], improved: [nameless!.id], failed: [] });
      const crash = await wb.getCrash(nameless!.id);
      expect(
        crash.threads
          .find((t) => t.crashed)
          ?.frames.map((f) => f.function)
          .slice(0, 6),
      ).toEqual(OWN_FRAMES);
      const group = wb.groups.store.groupOf(nameless!.id).groupId!;
      expect((await wb.getGroupDetail(group)).group.title).toMatch(/plugin_parse/);
      expect((await wb.getGroupDetail(group)).notes.text).toBe('seen on the build servers');
    } finally {
      wb.close();
    }
    // The command line does the same; nothing lacks symbols any more, so nothing is analysed again.
    const again = await crashwb(['reprocess', '--db', db, '--missing-symbols']);
    expect(again.stdout).toMatch(/^checked 2, analysed again 0, with more frames named 0, failed 0/);
  });
});
