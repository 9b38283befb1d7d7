import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY, buildForeignCrash, type ForeignCrash } from '../fixtures/foreign';
import { canHideFiles, startDebuginfod, type Debuginfod } from '../fixtures/debuginfod';
import { Workbench } from '../../src/core/workbench';
import { readCore } from '../../src/core/elf/core-file';
import { fetchFromServers } from '../../src/core/symbols/symbol-lookup';
import { SymbolCache } from '../../src/core/symbols/symbol-cache';
import { crashwbAsync, type CliResult as Result } from '../fixtures/cli';
import { silentServer, type LoopbackServer } from '../fixtures/static-server';

const crashwb = crashwbAsync;

interface JsonCrash {
  threads: Array<{
    crashed: boolean;
    frames: Array<{ function: string | null; file: string | null; line: number | null; module: string | null }>;
  }>;
  modules: Array<{
    path: string;
    hostPath: string | null;
    symbols: string;
    origin?: { file: { kind: string; from: string } | null; debug: { kind: string; from: string } | null };
  }>;
  warnings: Array<{ kind: string; message: string }>;
}

async function analyze(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ crash: JsonCrash; result: Result }> {
  const result = await crashwb(['analyze', foreign.core, '--json', ...args], env);
  expect(result.stdout, result.stderr).toMatch(/^\{/);
  return { crash: JSON.parse(result.stdout) as JsonCrash, result };
}

const crashedFrames = (crash: JsonCrash) => crash.threads.find((t) => t.crashed)?.frames ?? [];
const names = (crash: JsonCrash) => crashedFrames(crash).map((f) => f.function);
const OWN_FRAMES = ['plugin_parse', 'plugin_parse', 'plugin_parse', 'plugin_handle', 'serve_request', 'main'];

let root: string;
let foreign: ForeignCrash;
let cache: string;
/** An address where nothing listens: a port just freed. */
let nobody: string;

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  nobody = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  await new Promise((resolve) => probe.close(resolve));
  root = mkdtempSync(join(tmpdir(), 'crashwb-symbols-'));
  foreign = buildForeignCrash(root);
  cache = join(root, 'cache');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a core from another machine, its files handed over', () => {
  it('knows each library by the names the loader opened it under, as well as the file the kernel recorded', async () => {
    const core = await readCore(foreign.core);
    const lib = core.modules.find((m) => m.path.endsWith(LIBRARY));
    expect(lib?.loadedAs).toEqual([join(foreign.builtAt, 'libplugin.so.1')]);
    const libc = core.modules.find((m) => /\/libc\.so\.6$/.test(m.path));
    // Debian's merged /usr: the loader says /lib/…, the kernel the real /usr/lib/… path.
    if (libc && !libc.path.startsWith('/lib/')) expect(libc.loadedAs).toContain(libc.path.replace(/^\/usr\/lib\//, '/lib/'));
  });

  it('has nameless frames in its library when nothing is handed over, and says what is missing', async () => {
    const { crash } = await analyze([], { CRASHWB_SYMBOL_CACHE: cache });
    expect(crashedFrames(crash)[0]?.function).toBeNull();
    expect(crash.warnings.map((w) => w.kind)).toContain('executable-missing');
    expect(crash.modules.find((m) => m.path.endsWith(LIBRARY))?.symbols).toBe('missing');
  });

  it.each(['gdb', 'lldb'])('names every frame of the program and its library with --solib-dir (%s)', async (kind) => {
    const { crash } = await analyze(['--solib-dir', foreign.handed, '--debugger', kind], { CRASHWB_SYMBOL_CACHE: cache });
    expect(names(crash).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
    expect(crashedFrames(crash)[0]).toMatchObject({ file: expect.stringMatching(/plugin\.c$/), line: 8 });
    const lib = crash.modules.find((m) => m.path.endsWith(LIBRARY));
    expect(lib).toMatchObject({ hostPath: join(foreign.handed, LIBRARY), symbols: 'debug-info' });
    expect(lib?.origin?.file).toEqual({ kind: 'solib-dir', from: foreign.handed });
    expect(crash.warnings.filter((w) => w.kind === 'executable-missing' || w.kind === 'build-id-mismatch')).toEqual([]);
  });

  it('finds them in a build-id folder (DIR/.build-id/ab/cdef…, no .debug)', async () => {
    const dir = join(root, 'by-build-id');
    for (const [name, id] of [
      ['plugin_host', foreign.programBuildId],
      [LIBRARY, foreign.libraryBuildId],
    ] as const) {
      mkdirSync(join(dir, '.build-id', id.slice(0, 2)), { recursive: true });
      cpSync(join(foreign.handed, name), join(dir, '.build-id', id.slice(0, 2), id.slice(2)));
    }
    const { crash } = await analyze(['--solib-dir', dir], { CRASHWB_SYMBOL_CACHE: cache });
    expect(names(crash).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
  });

  it('resolves the recorded paths under --sysroot', async () => {
    const sysroot = join(root, 'sysroot');
    mkdirSync(join(sysroot, foreign.builtAt), { recursive: true });
    cpSync(foreign.handed, join(sysroot, foreign.builtAt), { recursive: true });
    const { crash } = await analyze(['--sysroot', sysroot], { CRASHWB_SYMBOL_CACHE: cache });
    expect(names(crash).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
    expect(crash.modules.find((m) => m.path.endsWith(LIBRARY))?.origin?.file).toEqual({ kind: 'sysroot', from: sysroot });
  });

  it('refuses another build of the library with a warning that names it, and uses the right one found later', async () => {
    const { crash } = await analyze(['--solib-dir', foreign.otherBuild], { CRASHWB_SYMBOL_CACHE: cache });
    const mismatch = crash.warnings.find((w) => w.kind === 'build-id-mismatch');
    expect(mismatch?.message).toContain(join(foreign.otherBuild, LIBRARY));
    expect(mismatch?.message).toContain(foreign.libraryBuildId);
    expect(mismatch?.message).toMatch(/not used/);
    expect(crash.modules.find((m) => m.path.endsWith(LIBRARY))?.hostPath).toBeNull();

    const both = await analyze(['--solib-dir', foreign.otherBuild, '--solib-dir', foreign.handed], { CRASHWB_SYMBOL_CACHE: cache });
    expect(names(both.crash).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
  });

  it('refuses a folder that does not exist, naming the option', async () => {
    const result = await crashwb(['analyze', foreign.core, '--solib-dir', join(root, 'nowhere')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/solib folder \(--solib-dir\) .*nowhere does not exist/);
  });
});

describe('a stripped production crash and a real debuginfod server', () => {
  let server: Debuginfod;
  beforeAll(async () => {
    const served = join(root, 'served');
    cpSync(foreign.stripped, join(served, 'bin'), { recursive: true });
    cpSync(foreign.debugDir, join(served, 'debug'), { recursive: true });
    server = await startDebuginfod(served, foreign.libraryBuildId);
  }, 60_000);
  afterAll(() => server?.stop());

  it('symbolizes with file and line through DEBUGINFOD_URLS, then from the cache with the server gone', async () => {
    const own = join(root, 'cache-debuginfod');
    const first = await analyze(['--solib-dir', foreign.stripped], { CRASHWB_SYMBOL_CACHE: own, DEBUGINFOD_URLS: server.url });
    expect(names(first.crash).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
    expect(crashedFrames(first.crash)[0]).toMatchObject({ file: expect.stringMatching(/plugin\.c$/), line: 8 });
    const lib = first.crash.modules.find((m) => m.path.endsWith(LIBRARY));
    expect(lib?.origin).toEqual({
      file: { kind: 'solib-dir', from: foreign.stripped },
      debug: { kind: 'symbol-server', from: server.url },
    });
    expect(first.result.stderr).toMatch(/Symbol servers: \d+ of \d+ files found/);
    expect(readdirSync(join(own, '.build-id', foreign.libraryBuildId.slice(0, 2)))).toContain(`${foreign.libraryBuildId.slice(2)}.debug`);

    const again = await analyze(['--solib-dir', foreign.stripped], { CRASHWB_SYMBOL_CACHE: own, DEBUGINFOD_URLS: nobody });
    expect(names(again.crash).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
  });

  it('fetches the executable and library themselves by build-id with --symbol-server, nothing handed over', async () => {
    const { crash } = await analyze(['--symbol-server', server.url], { CRASHWB_SYMBOL_CACHE: join(root, 'cache-exe') });
    expect(names(crash).slice(0, OWN_FRAMES.length)).toEqual(OWN_FRAMES);
    expect(crash.modules.find((m) => m.path.endsWith('plugin_host'))?.origin?.file).toEqual({ kind: 'symbol-server', from: server.url });
  });

  it('clears the cache with crashwb symbols --clear', async () => {
    const own = join(root, 'cache-clear');
    await analyze(['--symbol-server', server.url], { CRASHWB_SYMBOL_CACHE: own });
    // The four files fetched, the indexes gdb built of their debug info, and inflated copies of
    // the compressed debug files among them (libc's, where its debug package is installed).
    const indexes = readdirSync(join(own, 'gdb-index')).filter((name) => name.endsWith('.gdb-index')).length;
    expect(indexes).toBeGreaterThan(0);
    const plain = join(own, 'plain-debug');
    const plainFiles = (): string[] =>
      existsSync(plain)
        ? readdirSync(plain, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => e.name)
        : [];
    await expect.poll(() => plainFiles().filter((name) => name.endsWith('.claim')), { timeout: 20_000 }).toEqual([]);
    const shown = await crashwb(['symbols', '--json'], { CRASHWB_SYMBOL_CACHE: own });
    const files = 4 + indexes + plainFiles().length;
    expect(JSON.parse(shown.stdout)).toMatchObject({ dir: own, files });
    const cleared = await crashwb(['symbols', '--clear'], { CRASHWB_SYMBOL_CACHE: own });
    expect(cleared.stdout).toMatch(new RegExp(`cleared .*: ${files} files`));
    expect(JSON.parse((await crashwb(['symbols', '--json'], { CRASHWB_SYMBOL_CACHE: own })).stdout)).toMatchObject({ files: 0 });
  });
});

describe.skipIf(!canHideFiles())('sources from a debuginfod server (needs root for a mount namespace)', () => {
  let server: Debuginfod;
  let hidden: string;
  beforeAll(async () => {
    // The build server has the sources; this machine does not, at the path the debug info names.
    hidden = join(root, 'checkout');
    mkdirSync(hidden, { recursive: true });
    renameSync(join(foreign.builtAt, 'plugin.c'), join(hidden, 'plugin.c'));
    const served = join(root, 'served-with-sources');
    cpSync(foreign.stripped, join(served, 'bin'), { recursive: true });
    cpSync(foreign.debugDir, join(served, 'debug'), { recursive: true });
    server = await startDebuginfod(served, foreign.libraryBuildId, { from: hidden, at: foreign.builtAt });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    renameSync(join(hidden, 'plugin.c'), join(foreign.builtAt, 'plugin.c'));
  });

  it("fetches the source of a frame by its module's build-id for the source view, and keeps it in the cache", async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'wb-')), 'wb.db'), symbolCacheDir: join(root, 'cache-sources') });
    try {
      const crash = await wb.openCore({ path: foreign.core, solibDirs: [foreign.stripped], symbolServers: [server.url] });
      const top = crash.threads.find((t) => t.crashed)?.frames[0];
      expect(top).toMatchObject({ function: 'plugin_parse', file: join(foreign.builtAt, 'plugin.c'), line: 8 });
      const buildId = crash.modules.find((m) => m.path === top?.module)?.buildId ?? null;
      expect(buildId).toBe(foreign.libraryBuildId);
      expect(await wb.readSource(top!.file!, crash.executable)).toMatchObject({ found: false });
      const fetched = await wb.readSource(top!.file!, crash.executable, buildId);
      expect(fetched).toMatchObject({ found: true, from: server.url, language: 'c' });
      expect(fetched.found && fetched.text).toContain('return request[0];');
      await server.stop();
      expect(await wb.readSource(top!.file!, crash.executable, buildId)).toMatchObject({ found: true });
    } finally {
      wb.close();
    }
  });
});

describe('symbol servers that misbehave', () => {
  let silent: LoopbackServer;
  let silentUrl: string;
  beforeAll(async () => {
    silent = await silentServer();
    silentUrl = silent.url;
  });
  afterAll(() => silent.stop());

  it('gives up on a server that accepts and never answers, within the bound, with a warning naming it', async () => {
    const started = Date.now();
    const { crash } = await analyze(['--solib-dir', foreign.stripped, '--symbol-server', silentUrl], {
      CRASHWB_SYMBOL_CACHE: join(root, 'cache-silent'),
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    const warning = crash.warnings.find((w) => w.kind === 'symbol-server');
    expect(warning?.message).toContain(silentUrl);
    expect(warning?.message).toMatch(/did not answer within 4 s/);
    expect(crashedFrames(crash).length).toBeGreaterThan(0);
  });

  it('stops the whole look-up at its deadline however many files are left, and says what was not asked', async () => {
    // Each answer comes within the per-request timeout, but slowly: only the deadline ends it.
    const slow = createHttpServer((_req, res) => setTimeout(() => res.writeHead(404).end(), 300));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const address = slow.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const wanted = Array.from({ length: 40 }, (_, i) => ({
        buildId: `${i}`.padStart(40, 'a'),
        kind: 'debuginfo' as const,
        module: `/lib/l${i}.so`,
      }));
      const started = Date.now();
      const { found, warnings } = await fetchFromServers(wanted, {
        servers: [{ url, token: null }],
        cache: new SymbolCache(join(root, 'cache-deadline')),
        deadlineMs: 1000,
        requestTimeoutMs: 2000,
      });
      expect(found.size).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(warnings.map((w) => w.message).join('\n')).toMatch(
        /symbol look-up stopped after 1 s; \d+ files were not asked of http:\/\/127/,
      );
    } finally {
      slow.close();
    }
  });

  it('says a server is unreachable, and analyses anyway', async () => {
    const { crash } = await analyze(['--symbol-server', nobody], { CRASHWB_SYMBOL_CACHE: join(root, 'cache-refused') });
    expect(crash.warnings.find((w) => w.kind === 'symbol-server')?.message).toContain(`${nobody} cannot be reached: ECONNREFUSED`);
  });

  it('takes --symbol-token only with a server, and refuses a URL with credentials in it', async () => {
    expect((await crashwb(['analyze', foreign.core, '--symbol-token', 't'])).stderr).toMatch(/--symbol-token goes with --symbol-server/);
    expect((await crashwb(['analyze', foreign.core, '--symbol-server', 'http://u:p@127.0.0.1:1'])).stderr).toMatch(/without user or token/);
  });
});
