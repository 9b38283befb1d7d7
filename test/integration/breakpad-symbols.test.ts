import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashwbAsync } from '../fixtures/cli';
import { serveFolder, silentServer, type LoopbackServer } from '../fixtures/static-server';
import { macArm64, windowsAmd64, windowsX86, WIN_DEBUG_ID, type Scenario } from '../fixtures/stackwalk-scenarios';

interface JsonFrame {
  function: string | null;
  file: string | null;
  line: number | null;
  module: string | null;
  trust?: string;
  moduleOffset?: string;
}
interface JsonCrash {
  signal: { name: string; faultAddress: string | null; explanation: string };
  system?: { os: string; osVersion: string; cpu: string };
  uptimeSeconds?: number;
  threads: { id: number; crashed: boolean; frames: JsonFrame[] }[];
  modules: { path: string; symbols: string; debugFile: string | null; origin?: { debug: { kind: string; from: string } | null } }[];
  warnings: { kind: string; message: string }[];
}

const root = mkdtempSync(join(tmpdir(), 'crashwb-breakpad-'));
let win64: Scenario;

async function analyze(dump: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<JsonCrash> {
  const result = await crashwbAsync(['analyze', dump, '--json', ...args], { CRASHWB_SYMBOL_CACHE: join(root, 'no-cache'), ...env });
  expect(result.stdout, result.stderr).toMatch(/^\{/);
  return JSON.parse(result.stdout) as JsonCrash;
}
const crashed = (crash: JsonCrash) => crash.threads.find((t) => t.crashed)?.frames ?? [];

beforeAll(() => {
  win64 = windowsAmd64(join(root, 'win64'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a Windows minidump with its Breakpad symbols, as minidump-stackwalk reads it', () => {
  it('shows the access violation, its address and a named stack with files and lines (--debug-dir)', async () => {
    const crash = await analyze(win64.dump, ['--debug-dir', win64.symbols]);
    expect(crash.signal).toMatchObject({ name: 'EXCEPTION_ACCESS_VIOLATION_WRITE', faultAddress: '0x45' });
    expect(crash.system).toEqual({ os: 'Windows NT', osVersion: '10.0.19045', cpu: 'amd64' });
    expect(crash.uptimeSeconds).toBe(3725);
    expect(crashed(crash).slice(0, 3)).toEqual([
      expect.objectContaining({ function: 'CrashFunction()', file: 'c:\\test_app\\test_app.cc', line: 58, trust: 'context' }),
      expect.objectContaining({ function: 'helper_write(int*)', line: 71, trust: 'cfi' }),
      expect.objectContaining({ function: 'main', line: 65, trust: 'cfi' }),
    ]);
    const exe = crash.modules.find((m) => m.path === 'C:\\test_app\\test_app.exe');
    expect(exe).toMatchObject({ symbols: 'debug-info', origin: { debug: { kind: 'debug-dir', from: win64.symbols } } });
    expect(crash.warnings).toEqual([]);
  });

  it('prints it for people: names, files and lines, how each frame was found, module + offset without symbols', async () => {
    const result = await crashwbAsync(['analyze', win64.dump, '--debug-dir', win64.symbols], {
      CRASHWB_SYMBOL_CACHE: join(root, 'no-cache'),
    });
    expect(result.stdout).toContain('EXCEPTION_ACCESS_VIOLATION_WRITE at 0x45');
    expect(result.stdout).toMatch(/#0\s+0x7ff612341015\s+CrashFunction\(\) at c:\\test_app\\test_app\.cc:58/);
    expect(result.stdout).toMatch(/kernel32\.dll \+ 0x1234 {2}\[scan\]/);
    expect(result.stdout).toContain('(ran 1 h 2 min)');
  });

  it('walks 32-bit Windows and macOS arm64 dumps to their named stacks', async () => {
    const x86 = windowsX86(join(root, 'win32'));
    const mac = macArm64(join(root, 'mac'));
    const a = await analyze(x86.dump, ['--debug-dir', x86.symbols]);
    expect(crashed(a).map((f) => f.function)).toEqual(['parse_header', 'read_config', 'main']);
    const b = await analyze(mac.dump, ['--debug-dir', mac.symbols]);
    expect(b.signal.explanation).toMatch(/^EXC_BAD_ACCESS \/ KERN_INVALID_ADDRESS at 0x10/);
    expect(crashed(b).map((f) => f.function ?? `${f.module} + ${f.moduleOffset}`)).toEqual([
      'leaf_crash',
      'caller',
      'main',
      '/usr/lib/dyld + 0x6f10',
    ]);
  });
});

describe('Breakpad symbols from a symbol server', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await serveFolder(win64.symbols);
  });
  afterAll(() => server.stop());

  it('fetches the .sym over HTTP in the symbol-store layout, keeps it in the cache, and uses the cache when the server is gone', async () => {
    const cache = join(root, 'cache-http');
    const crash = await analyze(win64.dump, ['--symbol-server', server.url], { CRASHWB_SYMBOL_CACHE: cache });
    expect(crashed(crash)[0]).toMatchObject({ function: 'CrashFunction()', line: 58 });
    expect(crash.modules.find((m) => m.path.endsWith('test_app.exe'))?.origin?.debug).toEqual({ kind: 'symbol-server', from: server.url });
    const kept = join(cache, 'breakpad', 'test_app.pdb', WIN_DEBUG_ID, 'test_app.sym');
    expect(readFileSync(kept, 'utf8')).toMatch(/^MODULE windows x86_64 /);
    await server.stop();
    const again = await analyze(win64.dump, ['--symbol-server', server.url], { CRASHWB_SYMBOL_CACHE: cache });
    expect(crashed(again)[0]?.function).toBe('CrashFunction()');
    server = await serveFolder(win64.symbols);
  });

  it('refuses a served file of another build, and names the server', async () => {
    const wrong = join(root, 'wrong-store');
    cpSync(win64.symbols, wrong, { recursive: true });
    const path = join(wrong, 'test_app.pdb', WIN_DEBUG_ID, 'test_app.sym');
    writeFileSync(path, readFileSync(path, 'utf8').replace(WIN_DEBUG_ID, '0123456789ABCDEF0123456789ABCDEF1'));
    const other = await serveFolder(wrong);
    try {
      const crash = await analyze(win64.dump, ['--symbol-server', other.url], { CRASHWB_SYMBOL_CACHE: join(root, 'cache-wrong') });
      expect(crashed(crash)[0]?.function).toBeNull();
      expect(crash.warnings.map((w) => w.message).join('\n')).toMatch(
        new RegExp(`${other.url}.*debug id is 0123456789ABCDEF0123456789ABCDEF1; they were not used`),
      );
    } finally {
      await other.stop();
    }
  });
});

describe('symbol servers and symbol files that misbehave', () => {
  let silent: LoopbackServer;
  let silentUrl: string;
  beforeAll(async () => {
    silent = await silentServer();
    silentUrl = silent.url;
  });
  afterAll(() => silent.stop());

  it('gives up on a server that never answers within the bound, and still walks the stack', async () => {
    const started = Date.now();
    const crash = await analyze(win64.dump, ['--symbol-server', silentUrl], { CRASHWB_SYMBOL_CACHE: join(root, 'cache-silent') });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(crash.warnings.find((w) => w.kind === 'symbol-server')?.message).toMatch(/did not answer within 4 s/);
    expect(crashed(crash)[0]).toMatchObject({ function: null, moduleOffset: '0x1015' });
  });

  it('uses what it understands of a malformed symbol file, and says at which line it stopped understanding', async () => {
    const store = join(root, 'malformed');
    cpSync(win64.symbols, store, { recursive: true });
    const path = join(store, 'test_app.pdb', WIN_DEBUG_ID, 'test_app.sym');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(4, 0, 'FUNC zz 40 0 Broken', '1010 20 notanumber 0', 'STACK CFI INIT');
    writeFileSync(path, lines.join('\n'));
    const crash = await analyze(win64.dump, ['--debug-dir', store]);
    expect(crashed(crash)[0]).toMatchObject({ function: 'CrashFunction()', line: 58 });
    expect(crash.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(
        /test_app\.sym: 3 lines were not understood \(first at line 5: malformed FUNC record\); the rest of the file was used/,
      ),
    );
  });

  it('says a file that is not a symbol file at all is not one, and walks without it', async () => {
    const store = join(root, 'garbage');
    mkdirSync(join(store, 'test_app.pdb', WIN_DEBUG_ID), { recursive: true });
    writeFileSync(join(store, 'test_app.pdb', WIN_DEBUG_ID, 'test_app.sym'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    const crash = await analyze(win64.dump, ['--debug-dir', store]);
    expect(crashed(crash)[0]?.moduleOffset).toBe('0x1015');
    expect(crash.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/test_app\.sym was not used .*does not start with a MODULE line/),
    );
    expect(existsSync(join(store, 'test_app.pdb'))).toBe(true);
  });

  it('prints, imports and exports a frame that a symbol file says has 200,000 inlined calls, showing the innermost 256', async () => {
    const store = join(root, 'deep-inlines');
    cpSync(win64.symbols, store, { recursive: true });
    const path = join(store, 'test_app.pdb', WIN_DEBUG_ID, 'test_app.sym');
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('FUNC 1000'));
    const deep = Array.from({ length: 200_000 }, (_, depth) => `INLINE ${depth} 58 0 1 1010 20`);
    writeFileSync(path, [...lines.slice(0, at), 'INLINE_ORIGIN 1 deep_inline', lines[at], ...deep, ...lines.slice(at + 1)].join('\n'));
    const env = { CRASHWB_SYMBOL_CACHE: join(root, 'no-cache') };
    const text = await crashwbAsync(['analyze', win64.dump, '--debug-dir', store], env);
    expect(text.stderr).not.toMatch(/call stack|RangeError/);
    expect(text.stdout.match(/deep_inline \[inlined\]/g)).toHaveLength(256);
    const crash = await analyze(win64.dump, ['--debug-dir', store]);
    expect(crashed(crash).filter((f) => f.function === 'deep_inline')).toHaveLength(256);
    expect(crashed(crash).find((f) => f.function === 'CrashFunction()')).toBeDefined();
    const db = join(root, 'deep-inlines.db');
    expect((await crashwbAsync(['import', '--db', db, '--debug-dir', store, win64.dump], env)).stderr).not.toMatch(/RangeError/);
    const events = JSON.parse((await crashwbAsync(['events', '--db', db, '--json'], env)).stdout) as Array<{ id: string }>;
    const out = join(root, 'deep-inlines.md');
    const exported = await crashwbAsync(['export', '--db', db, '--event', events[0]?.id ?? '', '--format', 'md', '--out', out], env);
    expect(exported.stderr).not.toMatch(/RangeError|call stack/);
    expect(readFileSync(out, 'utf8').match(/deep\\?_inline/g)?.length).toBeGreaterThanOrEqual(256);
  }, 120_000);
});
