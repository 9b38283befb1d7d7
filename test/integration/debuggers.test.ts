import { describe, expect, inject, it } from 'vitest';
import type { CrashAnalysis, DebuggerKind } from '../../src/shared/model';
import { analyzeCore } from '../../src/core/intake/analyze';

const fixtures = inject('fixtures');
const crashing = (crash: CrashAnalysis) => {
  const thread = crash.threads.find((t) => t.crashed);
  if (!thread) throw new Error('no crashing thread');
  return thread;
};

describe.each<DebuggerKind>(['gdb', 'lldb'])('extraction with %s', (kind) => {
  it('extracts the NULL dereference: frames with file and line, registers, locals, modules', async () => {
    const fx = fixtures.nullDeref;
    const crash = await analyzeCore(fx.core, { debugger: kind });
    expect(crash.analysisError).toBeNull();
    expect(crash.debugger).toBe(kind);
    const thread = crashing(crash);
    expect(crash.threads[0]).toBe(thread);
    expect(thread.frames[0]).toMatchObject({
      index: 0,
      function: 'read_retries',
      file: fx.source,
      line: 11,
      module: fx.executable,
      inline: false,
    });
    expect(thread.frames[1]).toMatchObject({ function: 'main', line: 16 });
    expect(thread.registers.rip).toBe(thread.frames[0]?.address);
    expect(Object.keys(thread.registers)).toEqual(expect.arrayContaining(['rax', 'rsp', 'rip', 'eflags']));
    const locals = thread.locals['0'] ?? [];
    expect(locals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'cfg', isArgument: true }),
        expect.objectContaining({ name: 'base', value: '3', isArgument: false }),
      ]),
    );
    const exe = crash.modules.find((m) => m.path === fx.executable);
    expect(exe).toMatchObject({ symbols: 'debug-info', hostPath: fx.executable });
    expect(exe?.buildId).toBe(crash.executableBuildId);
  });

  it('marks the crashing worker thread and lists the waiting ones after it', async () => {
    const crash = await analyzeCore(fixtures.workerThread.core, { debugger: kind });
    expect(crash.threads).toHaveLength(4);
    const thread = crashing(crash);
    expect(thread.id).toBe(crash.crashingThreadId);
    expect(thread.id).not.toBe(crash.pid);
    expect(crash.threads[0]?.id).toBe(thread.id);
    expect(thread.frames.map((f) => f.function)).toEqual(expect.arrayContaining(['store_result', 'crashing_worker']));
    const main = crash.threads.find((t) => t.id === crash.pid);
    expect(main?.frames.some((f) => f.function === 'main')).toBe(true);
    for (const t of crash.threads) expect(t.registers.rsp).toMatch(/^0x[0-9a-f]+$/);
  });

  it('symbolizes a stripped binary from its debug file in a separate --debug-dir', async () => {
    const fx = fixtures.stripped;
    const bare = await analyzeCore(fx.core, { debugger: kind });
    expect(crashing(bare).frames.some((f) => f.function === 'read_retries')).toBe(false);
    expect(bare.warnings.map((w) => w.kind)).toContain('no-debug-info');

    const crash = await analyzeCore(fx.core, { debugger: kind, debugDirs: [fx.debugDir ?? ''] });
    expect(crashing(crash).frames[0]).toMatchObject({ function: 'read_retries', line: 11 });
    expect(crash.modules.find((m) => m.path === fx.executable)).toMatchObject({ symbols: 'debug-info' });
    expect(crash.warnings.map((w) => w.kind)).not.toContain('no-debug-info');
  });

  it('walks an abort from libc back into the program', async () => {
    const crash = await analyzeCore(fixtures.abort.core, { debugger: kind });
    expect(crash.signal.name).toBe('SIGABRT');
    const fns = crashing(crash).frames.map((f) => f.function ?? '');
    expect(fns.some((f) => /abort/.test(f))).toBe(true);
    expect(fns).toContain('check_invariant');
  });

  it('demangles C++ methods and finds the faulting line', async () => {
    const fx = fixtures.cpp;
    const crash = await analyzeCore(fx.core, { debugger: kind });
    const top = crashing(crash).frames.find((f) => f.file === fx.source);
    expect(top?.function).toMatch(/inventory::Catalog::priceOf/);
    expect(top?.line).toBe(10);
  });

  it.runIf(fixtures.rust !== undefined)('reaches the Rust function that panicked', async () => {
    const crash = await analyzeCore(fixtures.rust!.core, { debugger: kind });
    expect(crashing(crash).frames.some((f) => /parse_port/.test(f.function ?? ''))).toBe(true);
  });
});

describe('the program files', () => {
  it('warns, visibly, when --exe is not the build that crashed', async () => {
    const crash = await analyzeCore(fixtures.nullDeref.core, { executable: fixtures.abort.executable });
    const warning = crash.warnings.find((w) => w.kind === 'build-id-mismatch');
    expect(warning?.message).toMatch(/is not the build that crashed.*--exe/);
  });

  it('fails with the path when --exe does not exist', async () => {
    await expect(analyzeCore(fixtures.nullDeref.core, { executable: '/nonexistent/app' })).rejects.toThrow(
      /executable \(--exe\) \/nonexistent\/app does not exist/,
    );
  });
});

describe("gdb's innermost registers", () => {
  it("are the core's notes, named, ordered and written as gdb lists them itself", async () => {
    const { readCore, moduleAt } = await import('../../src/core/elf/core-file');
    const { registerNames } = await import('../../src/core/elf/machines');
    const { prepareGdb } = await import('../../src/core/debugger/gdb/extract');
    const fx = fixtures.workerThread;
    const core = await readCore(fx.core);
    const input = {
      core: fx.core,
      executable: fx.executable,
      debugDirs: [],
      sysroot: null,
      solibDirs: [],
      crashingThreadId: core.crashingThreadId,
      moduleAt: (address: bigint) => moduleAt(core, address),
      registerNames: registerNames(core.machine),
      threadCount: core.threads.length,
    };
    const fromGdb = await prepareGdb({ debugDirs: [] }).extract(input);
    const fromNotes = await prepareGdb({ debugDirs: [] }).extract({
      ...input,
      noteRegisters: new Map(core.threads.map((t) => [t.tid, t.registers])),
    });
    expect(fromGdb.threads.length).toBeGreaterThan(1);
    // The same values in the same order: the JSON of an analysis does not change with where they came from.
    expect(JSON.stringify(fromNotes.threads.map((t) => t.registers))).toBe(JSON.stringify(fromGdb.threads.map((t) => t.registers)));
    // And they are the notes' indeed: a value changed there is the value reported.
    const [first] = core.threads;
    const doctored = new Map(core.threads.map((t) => [t.tid, t === first ? { ...t.registers, rip: '0xdead' } : t.registers]));
    const fromDoctored = await prepareGdb({ debugDirs: [] }).extract({ ...input, noteRegisters: doctored });
    expect(fromDoctored.threads.find((t) => t.id === first?.tid)?.registers.rip).toBe('0xdead');
  });
});
