import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSymbolText } from '../../src/core/breakpad/sym-file';
import { parseMiLine } from '../../src/core/debugger/gdb/mi-parser';
import { panicText, parseGoroutineName } from '../../src/core/runtimes/go/delve';
import { parseErrorMessages, parseV8Backtrace } from '../../src/core/runtimes/node/v8-output';
import { parsePyBt } from '../../src/core/runtimes/python/py-bt';
import { parseFaulthandler, parseGoPanic, parseNodeAbort } from '../../src/core/sources/runtime-text';
import { readBacktraces, readFrameVariables, readRegisters, splitSections } from '../../src/core/debugger/lldb/readers';
import { compileGlob } from '../../src/core/fingerprint/rules/glob';
import { Redactor, DEFAULT_REDACTION } from '../../src/core/report/redactor';
import { readApportReport } from '../../src/core/sources/apport';
import { readScopeCrash } from '../../src/core/sources/appscope';
import { parseLenientJson } from '../../src/core/sources/lenient-json';
import { parseJsFrameLine } from '../../src/core/sources/node-report';
import { parseGdbBacktrace, parseScopeBacktrace } from '../../src/core/sources/text-stack';
import { isSnapshotHead } from '../../src/shared/reporter-protocol';
import { FUZZ_SEED } from './fuzz';

/**
 * Every parser of text from outside (a crash folder, a report, a debugger's output about a
 * hostile binary, a grouping rule) must take time in proportion to its input. Each is timed on
 * adversarial inputs at one size and at GROWTH times that size: a linear parser takes about
 * GROWTH times as long, a quadratic one GROWTH² times. The bound sits between the two, far from
 * both, so a busy machine does not make it flaky.
 */
const GROWTH = 16;
const BOUND = GROWTH * 5;
const SMALL = 3_000;
const root = mkdtempSync(join(tmpdir(), 'crashwb-linear-'));

/** The least time one call takes, in ms, over batches long enough to measure. */
async function timeOf(run: () => unknown): Promise<number> {
  let best = Infinity;
  for (let batch = 0; batch < 5; batch++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      await run();
      calls++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    } while (elapsed < 4 && calls < 10_000);
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

/** Fails when the parser's time grows faster than its input. */
async function expectLinear(what: string, parse: (input: string) => unknown, make: (size: number) => string): Promise<void> {
  const small = make(SMALL);
  const large = make(SMALL * GROWTH);
  await parse(small);
  const ratio = (await timeOf(() => parse(large))) / Math.max(await timeOf(() => parse(small)), 1e-4);
  expect(ratio, `${what}: ${GROWTH}x the input took ${ratio.toFixed(1)}x the time`).toBeLessThan(BOUND);
}

/** Repeats a unit to about `size` characters, between a prefix and a suffix. */
const repeated = (unit: string, size: number, prefix = '', suffix = ''): string =>
  prefix + unit.repeat(Math.max(1, Math.ceil(size / Math.max(1, unit.length)))) + suffix;

/** Units of adversarial text: the characters the parsers split on, in runs and mixtures, drawn from a seed. */
const units = fc
  .sample(
    fc.array(fc.constantFrom(' ', ':', '#', '0x', '+', '(', ')', ' at ', ' from ', '"', ',', '\\', '=', 'a', '1', '\t', '{', '['), {
      minLength: 1,
      maxLength: 6,
    }),
    { seed: FUZZ_SEED, numRuns: 6 },
  )
  .map((parts) => parts.join(''));
const UNITS = [' ', 'a', ...units];

const writeText = (name: string, text: string): string => {
  const dir = mkdtempSync(join(root, 'case-'));
  writeFileSync(join(dir, name), text);
  return dir;
};

describe('parsers of outside text run in linear time', () => {
  it.each(UNITS)('AppView info_ and backtrace_ lines of %j', async (unit) => {
    for (const [name, make] of [
      ['info_1700000000', (n: number) => repeated(unit, n, 'Process Name', 'x')],
      ['backtrace_1700000000', (n: number) => `backtrace info: signal 11 errno 0 fault address 0x0\n${repeated(unit, n, '#0 0x1 ', 'x')}`],
    ] as const) {
      const small = writeText(name, make(SMALL));
      const large = writeText(name, make(SMALL * GROWTH));
      await readScopeCrash(small);
      const ratio = (await timeOf(() => readScopeCrash(large))) / (await timeOf(() => readScopeCrash(small)));
      expect(ratio, `${name} of ${JSON.stringify(unit)}`).toBeLessThan(BOUND);
    }
  });

  it.each(UNITS)('text stacks (gdb and AppScope) of %j', async (unit) => {
    await expectLinear('gdb backtrace', parseGdbBacktrace, (n) => repeated(unit, n, '#0  0x1 in ', ' at'));
    await expectLinear('gdb backtrace args', parseGdbBacktrace, (n) => repeated(unit, n, '#0  f (', ') from'));
    await expectLinear('AppScope backtrace', parseScopeBacktrace, (n) => repeated(unit, n, '#0 0x1 ', '+ 0xq'));
    await expectLinear(
      'V8 stack line',
      (line) => parseJsFrameLine(line, 0),
      (n) => repeated(unit, n, 'at async f (eval at ', ':1:2)'),
    );
  });

  it.each(UNITS)('apport reports with a Stacktrace line of %j', async (unit) => {
    const store = mkdtempSync(join(root, 'store-'));
    const file = (n: number): string => {
      const path = join(mkdtempSync(join(root, 'apport-')), 'x.crash');
      writeFileSync(path, `ProblemType: Crash\nStacktrace:\n ${repeated(unit, n, '#0 ', 'x')}\n`);
      return path;
    };
    const small = file(SMALL);
    const large = file(SMALL * GROWTH);
    const ratio = (await timeOf(() => readApportReport(large, store, 1e9))) / (await timeOf(() => readApportReport(small, store, 1e9)));
    expect(ratio).toBeLessThan(BOUND);
  });

  it.each(UNITS)('damaged JSON of %j', async (unit) => {
    await expectLinear('lenient JSON', parseLenientJson, (n) => repeated(unit, n, '{"a": "', ''));
    await expectLinear('lenient JSON keys', parseLenientJson, (n) => repeated(`"k": "${unit}`, n, '{', ''));
  });

  it.each(UNITS)('debugger output about a hostile binary, of %j', async (unit) => {
    await expectLinear(
      'MI record',
      (t) => {
        try {
          parseMiLine(t);
        } catch {
          // A syntax error is an answer too.
        }
      },
      (n) => repeated(unit, n, '^done,stack=[frame={func="', ''),
    );
    await expectLinear(
      'lldb output',
      (t) => {
        for (const section of splitSections(t)) {
          readBacktraces(section.lines, () => null);
          readRegisters(section.lines, new Set(['rip']));
          readFrameVariables(section.lines);
        }
      },
      (n) => repeated(unit, n, '@@frame\u001f', ''),
    );
    await expectLinear(
      'llnode v8 bt',
      parseV8Backtrace,
      (n) => `* thread #1: tid = 1\n    frame #0: 0x1 ${repeated(unit, n, 'f(', ') at a:1:2')}\n`,
    );
    await expectLinear('llnode native frame', parseV8Backtrace, (n) => `    frame #0: 0x1 node\`${repeated(unit, n, 'f(a=', ') + 1')}\n`);
    await expectLinear(
      'llnode objects',
      parseErrorMessages,
      (n) => `0x1:<Object: TypeError properties {\n .message=0x2:<String: "${repeated(unit, n)}">\n`,
    );
    await expectLinear('py-bt', parsePyBt, (n) => repeated(unit, n, '  File "', '", line 1, in f'));
    await expectLinear('Go panic value', panicText, (n) => `interface {}(*errors.errorString) *{s: "${repeated(unit, n)}"}`);
    await expectLinear(
      'Delve goroutine name',
      (t) => parseGoroutineName(t),
      (n) => `* [Go 1] ${repeated(unit, n, '(Thread ', '')}`,
    );
    await expectLinear(
      'Go panic text',
      parseGoPanic,
      (n) => `panic: x\n\ngoroutine 1 [running]:\n${repeated(unit, n, 'main.f(', ')\n\t/a.go:1 pc=')}`,
    );
    await expectLinear(
      'faulthandler text',
      parseFaulthandler,
      (n) => `Fatal Python error: x\n\nCurrent thread 0x1 (most recent call first):\n${repeated(unit, n, '  File "', '", line 1 in f')}`,
    );
    await expectLinear('Node.js FROM lines', parseNodeAbort, (n) => `Uncaught Error: x\n\nFROM\n${repeated(unit, n, 'f (', ':1:2)')}`);
  });

  it.each(UNITS)('Breakpad symbol lines of %j', async (unit) => {
    await expectLinear(
      'sym FUNC',
      (t) => parseSymbolText(t),
      (n) => `MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 app\nFUNC 1000 10 0 ${repeated(unit, n)}\n`,
    );
  });

  it.each(UNITS)('redaction of a report text of %j', async (unit) => {
    await expectLinear(
      'redaction',
      (t) => new Redactor(DEFAULT_REDACTION, ['host']).text(t, 'notes'),
      (n) => repeated(unit, n, 'password', ''),
    );
    await expectLinear(
      'source redaction',
      (t) => new Redactor(DEFAULT_REDACTION, []).text(t, 'src', 'source'),
      (n) => repeated(unit, n, 'x_token = "', ''),
    );
  });

  it('grouping rules’ globs, the ones that backtrack as regular expressions', async () => {
    for (const [glob, path] of [
      ['*a*a*a*a*a*a*X', false],
      ['**/a*a*a*a*a*/x', true],
      ['*[ab]*[ab]*[ab]*[ab]*c', false],
    ] as const) {
      const matcher = compileGlob(glob, path);
      await expectLinear(
        glob,
        (t) => matcher.test(t),
        (n) => 'a'.repeat(n),
      );
    }
  });

  it('the snapshot head of any spacing', async () => {
    await expectLinear('snapshot head', isSnapshotHead, (n) => repeated(' ', n, '{', '"format"'));
  });
});
