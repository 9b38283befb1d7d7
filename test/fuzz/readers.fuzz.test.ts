import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { readCore } from '../../src/core/elf/core-file';
import { ElfFormatError } from '../../src/core/elf/elf-headers';
import { MinidumpFormatError, readMinidump } from '../../src/core/minidump/minidump-file';
import { readApportReport } from '../../src/core/sources/apport';
import { readScopeCrash } from '../../src/core/sources/appscope';
import { readHandlerZip } from '../../src/core/sources/ibm-zip';
import { jsThread, nativeThread, parseJsFrameLine, readNodeReport } from '../../src/core/sources/node-report';
import { parseRuntimeOutput } from '../../src/core/sources/runtime-text';
import { parseMiLine, MiSyntaxError } from '../../src/core/debugger/gdb/mi-parser';
import { readBacktraces, readFrameVariables, readRegisters, splitSections } from '../../src/core/debugger/lldb/readers';
import { LldbSelectionReader } from '../../src/core/debugger/lldb/selection';
import { apportReport, handlerZip, nodeReport, scopeCrashDir } from '../fixtures/bundles';
import { writeMinidump } from '../fixtures/minidumps';
import { FUZZ_RUNS, mutationOf } from './fuzz';

const fixtures = inject('fixtures');
const root = mkdtempSync(join(tmpdir(), 'crashwb-fuzz-'));
const store = join(root, 'store');
mkdirSync(store);
let n = 0;
const write = (bytes: Buffer | string, name = 'input'): string => {
  const path = join(root, `${n++}-${name}`);
  writeFileSync(path, bytes);
  return path;
};

/** Runs `read` on each input: it must answer, or fail with an error that names the file, and never otherwise. */
async function answersOrNames(path: string, read: () => Promise<unknown>, allowed: (error: Error) => boolean): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!(error instanceof Error) || !allowed(error)) throw error;
    expect(error.message).toContain(path);
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * A minidump cut where its saved memory begins (Memory64List's base RVA): the tens of megabytes
 * of stacks that the reader never reads would otherwise be written for every case.
 */
function withoutMemory(dump: Buffer): Buffer {
  const count = dump.readUInt32LE(8);
  const directory = dump.readUInt32LE(12);
  for (let i = 0; i < count; i++) {
    const entry = directory + i * 12;
    if (dump.readUInt32LE(entry) !== 9) continue;
    const baseRva = Number(dump.readBigUInt64LE(dump.readUInt32LE(entry + 8) + 8));
    return baseRva > directory ? dump.subarray(0, baseRva) : dump;
  }
  return dump;
}

describe('fuzzing the crash file readers (seeded, bounded)', () => {
  it('the ELF core reader answers or says the core is corrupt', async () => {
    const core = readFileSync(fixtures.workerThread.core);
    // The headers and notes: where every length and offset the reader trusts lives.
    const notesEnd = Math.min(core.length, 64 * 1024);
    await fc.assert(
      fc.asyncProperty(mutationOf(core.subarray(0, notesEnd), notesEnd), async (head) => {
        const path = write(Buffer.concat([head, core.subarray(notesEnd)]));
        await answersOrNames(
          path,
          () => readCore(path),
          (e) => e instanceof ElfFormatError,
        );
      }),
      FUZZ_RUNS,
    );
  }, 60_000);

  it('the minidump reader answers or says the minidump is corrupt', async () => {
    const dump = writeMinidump(fixtures.workerThread.executable, join(root, 'dump'));
    if (!dump) throw new Error('lldb could not write a minidump here (lldb --batch -o "process save-core --plugin-name=minidump" failed)');
    const bytes = withoutMemory(readFileSync(dump));
    // The structure the reader walks is all there: the dump without its memory still reads.
    const whole = write(bytes, 'base.dmp');
    await expect(readMinidump(whole)).resolves.toMatchObject({ threads: expect.any(Array) });
    await fc.assert(
      fc.asyncProperty(mutationOf(bytes, Math.min(bytes.length, 16 * 1024)), async (mutated) => {
        const path = write(mutated, 'crash.dmp');
        await answersOrNames(
          path,
          () => readMinidump(path),
          (e) => e instanceof MinidumpFormatError,
        );
      }),
      // Each case writes the whole dump, tens of megabytes of saved stacks: fewer cases.
      { ...FUZZ_RUNS, numRuns: 40 },
    );
  }, 60_000);

  it('the core-dump-handler zip reader answers or names the archive', async () => {
    const zip = readFileSync(handlerZip(join(root, 'zip'), fixtures.abort.core));
    await fc.assert(
      fc.asyncProperty(mutationOf(zip), async (mutated) => {
        const path = write(mutated, 'bundle.zip');
        await answersOrNames(
          path,
          () => readHandlerZip(path, store, { maxTotalBytes: 1 << 30 }),
          () => true,
        );
      }),
      FUZZ_RUNS,
    );
  }, 60_000);

  it('the apport reader answers or names the report', async () => {
    const report = readFileSync(
      apportReport(
        join(root, 'apport'),
        'app.crash',
        { ProblemType: 'Crash', Package: 'app 1.0', Stacktrace: '#0 main () at a.c:1\n#1 x' },
        fixtures.abort.core,
      ),
    );
    await fc.assert(
      fc.asyncProperty(mutationOf(report), async (mutated) => {
        const path = write(mutated, 'app.crash');
        await answersOrNames(
          path,
          () => readApportReport(path, store, 1 << 30),
          () => true,
        );
      }),
      FUZZ_RUNS,
    );
  }, 60_000);

  it('the Node.js report reader answers or names the report, and its stacks read whatever it holds', async () => {
    const report = readFileSync(nodeReport(join(root, 'node'), 'app', 'function f(o) { return o.x.y; }\nf({});'));
    await fc.assert(
      fc.asyncProperty(mutationOf(report, 8192), async (mutated) => {
        const path = write(mutated, 'report.json');
        await answersOrNames(
          path,
          async () => {
            const read = await readNodeReport(path);
            jsThread(read);
            nativeThread(read);
          },
          () => true,
        );
      }),
      FUZZ_RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (line) => {
        const frame = parseJsFrameLine(`at ${line}`, 0);
        expect(frame === null || typeof frame.index === 'number').toBe(true);
      }),
      FUZZ_RUNS,
    );
  }, 60_000);

  it('the runtime output reader finds a stack or none in any text, never failing', () => {
    // As Go 1.19, CPython 3.11's faulthandler and Node 20 printed them.
    const samples = [
      'starting\npanic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.(*Store).put(...)\n\t/app/main.go:10\nmain.main()\n\t/app/main.go:16 +0x86 fp=0xc000088f80 sp=0xc000088f30 pc=0x481046\ncreated by main.start\n\t/app/main.go:30 +0x25\n',
      'Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007fdcb19042c0 (most recent call first):\n  File "/app/x.py", line 6 in read_header\n  File "/app/x.py", line 14 in <module>\n',
      'Uncaught TypeError: bad input: 42\n\nFROM\nbaz (/app/index.js:4:9)\nTimeout.foo [as _onTimeout] (/app/index.js:10:10)\n',
    ].map((t) => Buffer.from(t));
    fc.assert(
      fc.property(fc.oneof(...samples.map((b) => mutationOf(b))), (mutated) => {
        const output = parseRuntimeOutput(mutated.toString('utf8'));
        if (output) expect(output.stacks.every((stack) => stack.frames.every((f, i) => f.index === i))).toBe(true);
      }),
      FUZZ_RUNS,
    );
  });

  it('the AppView reader answers for any content of a crash folder', async () => {
    const dir = scopeCrashDir(join(root, 'scope-base'), 42, 1764000000, 'backtrace info: signal 11 errno 0 fault address 0x10\n#0 main\n');
    const parts = ['info_1764000000', 'snapshot_1764000000', 'backtrace_1764000000', 'cfg_1764000000'].map((name) => ({
      name,
      bytes: readFileSync(join(dir, name)),
    }));
    await fc.assert(
      fc.asyncProperty(fc.tuple(...parts.map((p) => mutationOf(p.bytes))), async (contents) => {
        const target = join(root, `${n++}-scope`);
        mkdirSync(target);
        parts.forEach((p, i) => writeFileSync(join(target, p.name), contents[i] as Buffer));
        try {
          const crash = await readScopeCrash(target);
          expect(typeof crash.commandLine).toBe('string');
        } finally {
          rmSync(target, { recursive: true, force: true });
        }
      }),
      FUZZ_RUNS,
    );
  }, 60_000);
});

describe('fuzzing the debugger output parsers (seeded, bounded)', () => {
  const miLine = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc
      .tuple(fc.constantFrom('^done', '*stopped', '=thread-selected', '~', '^error', '123^done'), fc.string({ maxLength: 120 }))
      .map(([a, b]) => `${a}${b}`),
    fc.constantFrom(
      '^done,stack=[frame={level="0",addr="0x1"',
      '~"unterminated',
      '^done,a=',
      '^done,a={b=[c="\\',
      '*stopped,reason="x",frame={',
    ),
  );

  it('the MI parser returns a record, nothing, or a syntax error', () => {
    fc.assert(
      fc.property(miLine, (line) => {
        try {
          parseMiLine(line);
        } catch (error) {
          if (!(error instanceof MiSyntaxError)) throw error;
        }
      }),
      FUZZ_RUNS,
    );
  });

  const lldbLine = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 160 }),
    fc.string({ maxLength: 120 }).map((s) => `@@frame\u001f${s}`),
    fc.string({ maxLength: 120 }).map((s) => `@@thread\u001f${s}`),
    fc.string({ maxLength: 120 }).map((s) => `(lldb) ${s}`),
    fc.string({ maxLength: 80 }).map((s) => `     rip = 0x${s}`),
    fc.string({ maxLength: 80 }).map((s) => `(int) ${s} = ${s}`),
  );

  it('the lldb output parsers take any output without throwing', () => {
    fc.assert(
      fc.property(fc.array(lldbLine, { maxLength: 40 }), (lines) => {
        const output = lines.join('\n');
        for (const section of splitSections(output)) {
          readBacktraces(section.lines, () => null);
          readRegisters(section.lines, new Set(['rip', 'rsp']));
          readFrameVariables(section.lines);
        }
        const reader = new LldbSelectionReader(() => undefined);
        expect(typeof reader.take(output)).toBe('string');
      }),
      FUZZ_RUNS,
    );
  });
});
