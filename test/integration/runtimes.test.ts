import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { Workbench } from '../../src/core/workbench';
import { llnodePlugin } from '../../src/core/runtimes';
import { pythonGdbExtension } from '../../src/core/runtimes/python/py-bt';
import { SymbolCache } from '../../src/core/symbols/symbol-cache';
import { crashingThread } from '../../src/shared/crashing-thread';
import type { ConsoleEvent, CrashAnalysis, WorkbenchEvent } from '../../src/shared/model';
import { crashwbAsync } from '../fixtures/cli';
import { handlerZip } from '../fixtures/bundles';
import { uploadCore } from '../fixtures/upload';
import { LocalStorage } from '../../src/reporter/local-storage';
import { startReporter } from '../../src/reporter/server';
import { goCrash, nodeCrash, pythonCrash, type RuntimeCrash } from '../fixtures/runtimes';
import { withRuntimeOutput } from '../../src/core/intake/runtime-output';
import { SNAPSHOT_FORMAT } from '../../src/shared/reporter-protocol';

const root = mkdtempSync(join(tmpdir(), 'crashwb-runtimes-'));
const cache = new SymbolCache(join(root, 'cache'));
const hasLlnode = llnodePlugin() !== null;
const hasDelve =
  spawnSync('dlv', ['version'], { stdio: 'ignore' }).status === 0 && spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const python3Version = spawnSync('/usr/bin/python3', ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], {
  encoding: 'utf8',
}).stdout?.trim();
const hasPyGdb = Boolean(python3Version && pythonGdbExtension(python3Version));

let cases = 0;
const folder = (): string => mkdtempSync(join(root, `case-${cases++}-`));

/** Imports one path into a fresh workbench and returns its one crash and its group's title. */
async function importAlone(path: string): Promise<{ crash: CrashAnalysis; title: string }> {
  const wb = new Workbench({ databasePath: join(folder(), 'wb.db'), symbolCacheDir: cache.dir });
  try {
    const report = await wb.importPaths({ paths: [path] });
    expect(report.failed).toEqual([]);
    const [group] = (await wb.listGroups()).groups;
    const [event] = await wb.listGroupEvents(group?.id ?? 0);
    return { crash: await wb.getCrash(event?.id ?? ''), title: group?.title ?? '' };
  } finally {
    wb.close();
  }
}

const frameNames = (crash: CrashAnalysis): string[] => (crashingThread(crash)?.frames ?? []).map((f) => f.function ?? '');

function withEnv<T>(name: string, value: string, run: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  return run().finally(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}

describe.skipIf(!hasLlnode)(
  'a Node.js core, read with llnode (skipped where llnode was not built: install liblldb-14-dev, then npm install)',
  () => {
    let uncaught: RuntimeCrash;
    let config: RuntimeCrash;
    beforeAll(() => {
      uncaught = nodeCrash(root, 'uncaught.js') as RuntimeCrash;
      config = nodeCrash(root, 'config.js') as RuntimeCrash;
    });

    it('shows the JavaScript frames baz, bar and foo between the native ones, with their script and where each is defined', async () => {
      const crash = await analyzeCore(uncaught.core, { symbolCache: cache });
      const frames = crashingThread(crash)?.frames ?? [];
      const js = frames.filter((f) => f.language === 'javascript' && f.file === uncaught.source);
      expect(js.map((f) => f.function)).toEqual(['baz', 'bar', 'foo']);
      expect(js.map((f) => [f.line, f.position])).toEqual([
        [3, 'definition'],
        [6, 'definition'],
        [9, 'definition'],
      ]);
      expect(js[0]?.column).toBeGreaterThan(0);
      // V8's native frames stay around them, in order: the throw above, the event loop below.
      const names = frameNames(crash);
      expect(names.indexOf('v8::base::OS::Abort()')).toBeLessThan(names.indexOf('baz'));
      expect(names.findIndex((n) => n.startsWith('uv_run'))).toBeGreaterThan(names.indexOf('foo'));
      expect(crash.runtime).toEqual({ runtime: 'node', reader: 'llnode', message: 'TypeError: bad input: 42', missing: null });
    });

    it('keeps a copy of node without its DWARF in the symbol cache, so the next core of that build loads fast', () => {
      const copies = join(cache.dir, 'runtime-symbols');
      expect(existsSync(copies) && readdirSync(copies).length).toBe(1);
    });

    it('groups by the JavaScript frames: the title names baz, and two different uncaught exceptions are two groups', async () => {
      const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db'), symbolCacheDir: cache.dir });
      try {
        await wb.openCore({ path: uncaught.core });
        await wb.openCore({ path: config.core });
        const { groups } = await wb.listGroups();
        expect(groups.map((g) => g.title).sort()).toEqual([
          'uncaught-exception in baz (uncaught.js:3)',
          'uncaught-exception in parseConfig (config.js:3)',
        ]);
      } finally {
        wb.close();
      }
    });

    it('takes the lines each JavaScript frame was running from Node’s own output beside the core (a core-dump-handler zip’s log)', async () => {
      const zip = handlerZip(folder(), uncaught.core, { log: `listening on :8080\n${uncaught.stderr}` });
      const { crash } = await importAlone(zip);
      const js = (crashingThread(crash)?.frames ?? []).filter((f) => f.language === 'javascript' && f.file === uncaught.source);
      expect(js.map((f) => [f.function, f.line, f.column, f.position])).toEqual([
        ['baz', 4, 3, undefined],
        ['bar', 7, 10, undefined],
        ['foo', 10, 10, undefined],
      ]);
      expect(crash.runtime?.message).toBe('TypeError: bad input: 42');
    });

    it('takes the thrown error’s stack from the Node.js report written before process.abort(), and groups by it', async () => {
      const aborted = nodeCrash(root, 'report-abort.js', []) as RuntimeCrash;
      const runDir = dirname(aborted.core);
      const name = readdirSync(runDir).find((n) => /^report\..*\.json$/.test(n)) as string;
      const crash = withRuntimeOutput({
        ...(await analyzeCore(aborted.core, { symbolCache: cache })),
        attachments: [{ name, text: readFileSync(join(runDir, name), 'utf8') }],
      });
      const dying = crashingThread(crash);
      expect(dying?.name).toBe(`the thrown error's stack (${name})`);
      expect(dying?.frames.slice(0, 2).map((f) => [f.function, f.line, f.column])).toEqual([
        ['checkout', 8, 15],
        ['handle', 11, 10],
      ]);
      expect(crash.runtime?.message).toBe("TypeError: Cannot read properties of null (reading 'items')");
      // The thread that called process.abort() stays, with the handler llnode found on it.
      const handler = crash.threads.find((t) => !t.crashed)?.frames.find((f) => f.language === 'javascript' && f.file === aborted.source);
      expect([handler?.function, handler?.line]).toEqual(['<anonymous>', 3]);
    });

    it('brings what the capture agent kept beside the core through the reporter, and reads the running lines from it', async () => {
      const storage = new LocalStorage(join(folder(), 'data'));
      const reporter = await startReporter({
        port: 0,
        storage,
        projects: [{ name: 'shop', tokens: ['shop-token'] }],
        maxBytes: 1 << 30,
        log: () => undefined,
      });
      try {
        // Spooled while the reporter was down, with the journal lines the agent kept beside it.
        const spool = join(folder(), 'spool');
        const down = await uploadCore(uncaught.core, ['--server', 'http://127.0.0.1:9', '--token', 'shop-token', '--spool', spool]);
        expect(down.status).toBe(1);
        const name = (readdirSync(spool).find((n) => n.endsWith('.core')) as string).slice(0, -'.core'.length);
        writeFileSync(
          join(spool, `${name}.attachments.json`),
          JSON.stringify([{ name: 'journal of shop.service', text: `listening\n${uncaught.stderr}` }]),
        );
        const drained = await crashwbAsync(['upload', '--server', reporter.url, '--token', 'shop-token', '--spool', spool, '--drain']);
        expect(drained.stdout).toMatch(/sent 1, kept in .*: 0/);
        const wb = new Workbench({ databasePath: join(folder(), 'wb.db'), symbolCacheDir: cache.dir });
        try {
          const pulled = await wb.imports.importReporter({ url: `reporter+${reporter.url}`, token: 'shop-token' }, {});
          expect(pulled.failed).toEqual([]);
          const [event] = await wb.listGroupEvents((await wb.listGroups()).groups[0]?.id ?? 0);
          const crash = await wb.getCrash(event?.id ?? '');
          expect(crash.attachments?.map((a) => a.name)).toContain('journal of shop.service');
          const baz = crashingThread(crash)?.frames.find((f) => f.function === 'baz');
          expect([baz?.line, baz?.column, baz?.position]).toEqual([4, 3, undefined]);
        } finally {
          wb.close();
        }
      } finally {
        await reporter.close();
      }
    });

    it('keeps the host’s runtime reading and the agent’s attachments through a snapshot', async () => {
      const host = await crashwbAsync(['analyze', '--json', uncaught.core]);
      const analysis = {
        ...(JSON.parse(host.stdout) as object),
        attachments: [{ name: 'journal of shop.service', text: uncaught.stderr }],
      };
      const core = readFileSync(uncaught.core);
      const file = join(folder(), 'crash.snapshot.json');
      writeFileSync(
        file,
        JSON.stringify({
          format: SNAPSHOT_FORMAT,
          coreSha256: createHash('sha256').update(core).digest('hex'),
          coreSize: core.length,
          capturedAt: new Date().toISOString(),
          analysisError: null,
          modules: [],
          analysis,
        }),
      );
      const { crash, title } = await importAlone(file);
      expect(crash.runtime).toEqual({ runtime: 'node', reader: 'llnode', message: 'TypeError: bad input: 42', missing: null });
      const baz = crashingThread(crash)?.frames.find((f) => f.function === 'baz');
      expect([baz?.language, baz?.line, baz?.column, baz?.position]).toEqual(['javascript', 4, 3, undefined]);
      expect(title).toBe('uncaught-exception in baz (uncaught.js:4)');
    });

    it('groups what Node printed of an uncaught exception with the core of the same one', async () => {
      const file = join(folder(), 'stderr.log');
      writeFileSync(file, uncaught.stderr);
      const wb = new Workbench({ databasePath: join(folder(), 'wb.db'), symbolCacheDir: cache.dir });
      try {
        const report = await wb.importPaths({ paths: [file, uncaught.core] });
        expect(report.imported).toHaveLength(2);
        const { groups } = await wb.listGroups();
        expect(groups.map((g) => [g.count, g.title.split(' (')[0]])).toEqual([[2, 'uncaught-exception in baz']]);
      } finally {
        wb.close();
      }
    });

    it('says out of memory when V8 gave up for want of heap', async () => {
      const oom = nodeCrash(root, 'oom.js', ['--max-old-space-size=16']) as RuntimeCrash;
      const crash = await analyzeCore(oom.core, { symbolCache: cache });
      expect(crash.runtime?.message).toBe('JavaScript heap out of memory');
      expect(frameNames(crash)).toContain('grow');
    });

    it('shows the JavaScript under a native SIGSEGV', async () => {
      const segv = nodeCrash(root, 'segv.js', []) as RuntimeCrash;
      const crash = await analyzeCore(segv.core, { symbolCache: cache });
      expect(crash.signal.name).toBe('SIGSEGV');
      expect(frameNames(crash)).toContain('crashNow');
    });

    it('prints the JavaScript frames in crashwb analyze, with the thrown error above the signal', async () => {
      const out = await crashwbAsync(['analyze', uncaught.core]);
      expect(out.status).toBe(0);
      expect(out.stdout.split('\n')[0]).toBe('Uncaught TypeError: bad input: 42 (read by llnode)');
      expect(out.stdout).toMatch(
        new RegExp(`baz, defined at ${uncaught.source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+  \\[javascript\\]`),
      );
    });

    it('runs the seed walkthrough in the console: v8 bt, v8 source list and v8 findjsobjects', { timeout: 180_000 }, async () => {
      const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db'), symbolCacheDir: cache.dir });
      const said: string[] = [];
      wb.onEvent((event: WorkbenchEvent) => {
        if (event.type === 'console-output') said.push((event as Extract<ConsoleEvent, { type: 'console-output' }>).data);
      });
      try {
        const crash = await wb.openCore({ path: uncaught.core });
        const { sessionId, debugger: kind } = await wb.openConsole(crash.id, { cols: 160, rows: 40 });
        expect(kind).toBe('lldb');
        // Colours stripped: llnode colours its values, and assertions are about words.
        const text = (): string => said.join('').replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), '');
        // The console loads the copy of node without its DWARF that the analysis made, as the analysis did.
        await expect.poll(text, { timeout: 90_000, interval: 100 }).toMatch(/was loaded\.[\s\S]*\(lldb\) /);
        await wb.writeConsole(sessionId, 'v8 bt\r');
        await expect.poll(text, { timeout: 30_000, interval: 100 }).toMatch(/baz\(this=.*uncaught\.js:3:\d+/);
        const frame = /frame #(\d+): 0x[0-9a-f]+ baz\(/.exec(text())?.[1];
        await wb.writeConsole(sessionId, `frame select ${frame}\r`);
        await wb.writeConsole(sessionId, 'v8 source list\r');
        await expect.poll(text, { timeout: 30_000, interval: 100 }).toMatch(/throw new TypeError\('bad input: ' \+ n\);/);
        await wb.writeConsole(sessionId, 'v8 findjsobjects\r');
        await expect.poll(text, { timeout: 30_000, interval: 100 }).toMatch(/\d+\s+\d+ TypeError/);
        await wb.closeConsole(sessionId);
      } finally {
        wb.close();
      }
    });
  },
);

describe('what a runtime printed as it died, on its own', () => {
  it('reads Node.js’s uncaught exception: the error, and the stack with the lines running', async () => {
    const uncaught = nodeCrash(root, 'uncaught.js');
    if (!uncaught) return;
    const file = join(folder(), 'stderr.log');
    writeFileSync(file, uncaught.stderr);
    const { crash, title } = await importAlone(file);
    expect(crash.runtime?.message).toBe('TypeError: bad input: 42');
    expect((crashingThread(crash)?.frames ?? []).slice(0, 3).map((f) => [f.function, f.line, f.column])).toEqual([
      ['baz', 4, 3],
      ['bar', 7, 10],
      ['Timeout.foo [as _onTimeout]', 10, 10],
    ]);
    expect(title).toBe('uncaught-exception in baz (uncaught.js:4)');
  });

  it.skipIf(!hasDelve)('reads a Go panic’s goroutines, and groups it with the core of the same panic', async () => {
    const nilMap = goCrash(root, 'nilmap') as RuntimeCrash;
    const file = join(folder(), 'panic.txt');
    writeFileSync(file, nilMap.stderr);
    const text = await importAlone(file);
    expect(text.crash.runtime?.message).toBe('panic: assignment to entry in nil map');
    expect(crashingThread(text.crash)?.goroutine).toBe(1);
    const core = await importAlone(nilMap.core);
    expect(text.title).toBe('go-panic in main.(*Store).put (main.go:10)');
    expect(core.title).toBe(text.title);
  });

  it.skipIf(!hasPyGdb)('reads faulthandler’s Python stack', async () => {
    const python = pythonCrash(root) as RuntimeCrash;
    const file = join(folder(), 'faulthandler.txt');
    writeFileSync(file, python.stderr);
    const { crash, title } = await importAlone(file);
    expect(crash.signal.name).toBe('SIGSEGV');
    expect((crashingThread(crash)?.frames ?? []).map((f) => f.function)).toEqual(['read_header', 'parse', 'main', '<module>']);
    expect(title).toBe('SIGSEGV in read_header (ctypes_crash.py:6)');
  });
});

describe('a Node.js core where llnode is missing', () => {
  it('keeps the native stack and says what to install', async () => {
    const uncaught = nodeCrash(root, 'uncaught.js');
    if (!uncaught) return;
    const crash = await withEnv('CRASHWB_LLNODE', join(root, 'no-such-llnode.so'), () => analyzeCore(uncaught.core));
    expect(crash.runtime?.reader).toBeNull();
    expect(crash.runtime?.missing).toMatch(/apt-get install lldb liblldb-14-dev/);
    expect(frameNames(crash)).toContain('v8::base::OS::Abort()');
  });
});

describe.skipIf(!hasDelve)('a Go core, read with Delve (skipped where go or dlv is missing: apt-get install golang-go delve)', () => {
  it('shows the panicking goroutine down to main.(*Store).put at its line, and the panic', async () => {
    const nilMap = goCrash(root, 'nilmap') as RuntimeCrash;
    const crash = await analyzeCore(nilMap.core);
    const dying = crashingThread(crash);
    expect(dying?.goroutine).toBe(1);
    expect(crash.crashingThreadId).toBe(dying?.id);
    const put = dying?.frames.find((f) => f.function === 'main.(*Store).put');
    expect([put?.file, put?.line, put?.inline]).toEqual([nilMap.source, 10, true]);
    expect(dying?.frames.find((f) => f.function === 'main.main')?.line).toBe(16);
    expect(crash.runtime?.message).toBe('panic: assignment to entry in nil map');
    // Every goroutine is a thread; the parked ones ran on no OS thread.
    expect(crash.threads.every((t) => t.goroutine !== undefined)).toBe(true);
    expect(crash.threads.filter((t) => t.id < 0).length).toBeGreaterThan(0);
  });

  it('takes the goroutines from the panic’s output beside the core where Delve could not read them', async () => {
    const nilMap = goCrash(root, 'nilmap') as RuntimeCrash;
    const unread = {
      ...(await analyzeCore(nilMap.core)),
      runtime: {
        runtime: 'go' as const,
        reader: 'delve',
        message: null,
        missing: 'Delve could not read the goroutines: it is not installed',
      },
    };
    const crash = withRuntimeOutput({ ...unread, attachments: [{ name: 'stderr', text: nilMap.stderr }] });
    expect(crash.runtime).toEqual({
      runtime: 'go',
      reader: 'printed',
      message: 'panic: assignment to entry in nil map',
      missing: null,
    });
    expect(crashingThread(crash)?.frames.map((f) => f.function)).toContain('main.(*Store).put');
  });

  it('finds the goroutine that dereferenced nil, not the main one, and groups by its own frames', async () => {
    const goroutine = goCrash(root, 'goroutine') as RuntimeCrash;
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db') });
    try {
      const crash = await wb.openCore({ path: goroutine.core });
      const dying = crashingThread(crash);
      expect(dying?.goroutine).not.toBe(1);
      expect(dying?.frames.map((f) => f.function)).toEqual(expect.arrayContaining(['main.handle', 'main.worker']));
      expect(crash.runtime?.message).toBe('panic: runtime error: invalid memory address or nil pointer dereference');
      const { groups } = await wb.listGroups();
      expect(groups[0]?.title).toBe('go-panic in main.handle (main.go:14)');
    } finally {
      wb.close();
    }
  });
});

describe.skipIf(!hasPyGdb)('a Python core, read with CPython’s gdb extension (skipped where python3-dbg is not installed)', () => {
  let python: RuntimeCrash;
  beforeAll(() => {
    python = pythonCrash(root) as RuntimeCrash;
  });

  it('puts the Python frames where the interpreter ran them, under the C code that faulted', async () => {
    const crash = await analyzeCore(python.core);
    const frames = crashingThread(crash)?.frames ?? [];
    const py = frames.filter((f) => f.language === 'python');
    expect(py.map((f) => [f.function, f.line])).toEqual([
      ['read_header', 6],
      ['parse', 10],
      ['main', 14],
      ['<module>', 17],
    ]);
    expect(py.every((f) => f.file === python.source)).toBe(true);
    const names = frames.map((f) => f.function);
    expect(names.indexOf('read_header')).toBeLessThan(names.findIndex((n) => n === '_PyEval_EvalFrameDefault'));
    expect(crash.runtime).toMatchObject({ runtime: 'python', reader: 'py-bt', missing: null });
  });

  it('groups by the Python frames, not the interpreter’s', async () => {
    const wb = new Workbench({ databasePath: join(mkdtempSync(join(root, 'db-')), 'wb.db') });
    try {
      await wb.openCore({ path: python.core });
      const { groups } = await wb.listGroups();
      expect(groups[0]?.title).toMatch(/^SIGSEGV in .*read_header/);
    } finally {
      wb.close();
    }
  });

  it('takes the Python stack from faulthandler’s output beside the core where gdb cannot read it', async () => {
    const zip = handlerZip(folder(), python.core, { log: python.stderr });
    const { crash } = await withEnv('CRASHWB_PYTHON_GDB', join(root, 'no-such-python-gdb.py'), () => importAlone(zip));
    expect(crash.runtime).toMatchObject({ runtime: 'python', reader: 'printed', missing: null });
    const names = frameNames(crash);
    expect(names.indexOf('read_header')).toBeGreaterThan(names.indexOf('l_get'));
    expect(names.indexOf('read_header')).toBeLessThan(names.indexOf('_PyEval_EvalFrameDefault'));
  });

  it('says what to install where CPython’s gdb extension is missing', async () => {
    const crash = await withEnv('CRASHWB_PYTHON_GDB', join(root, 'no-such-python-gdb.py'), () => analyzeCore(python.core));
    expect(crash.runtime?.missing).toMatch(new RegExp(`apt-get install python${python3Version}-dbg`));
    expect(crash.threads.length).toBeGreaterThan(0);
  });
});
