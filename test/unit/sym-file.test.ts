import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSymbolText, readSymbolFile } from '../../src/core/breakpad/sym-file';
import { ModuleSymbols } from '../../src/core/breakpad/sym-lookup';

const FILE = [
  'MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 libdemo.so',
  'INFO CODE_ID 0123456789abcdef',
  'FILE 0 /src/demo.c',
  'INLINE_ORIGIN 0 helper',
  'FUNC 2000 40 0 second(int)',
  // Out of address order, as no dump_syms writes them, but a hand-edited file may.
  '2020 20 21 0',
  '2000 20 20 0',
  'FUNC m 1000 40 8 first',
  'INLINE 0 12 0 0 1010 10',
  '1000 10 10 0',
  '1010 30 11 0',
  'PUBLIC m 3000 0 public_one',
  'STACK CFI INIT 2000 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^',
  'STACK CFI 2004 .cfa: $rsp 16 +',
  'STACK CFI INIT 1000 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^',
  'STACK CFI 1001 .cfa: $rsp 16 + $rbp: .cfa -16 + ^',
];

describe('a Breakpad symbol file read from its bytes', () => {
  it('reads functions, lines, inlined calls, publics and CFI, put in address order', () => {
    const symbols = new ModuleSymbols(parseSymbolText(FILE.join('\n')));
    expect(symbols.frames(0x1015)).toEqual([
      { function: 'helper', file: '/src/demo.c', line: 11, inline: true },
      { function: 'first', file: '/src/demo.c', line: 12, inline: false },
    ]);
    expect(symbols.frames(0x2025)).toEqual([{ function: 'second(int)', file: '/src/demo.c', line: 21, inline: false }]);
    expect(symbols.frames(0x3004)).toEqual([{ function: 'public_one', file: null, line: null, inline: false }]);
    expect(Object.fromEntries(symbols.cfiRules(0x1002) ?? [])).toEqual({ '.cfa': '$rsp 16 +', '.ra': '.cfa -8 + ^', $rbp: '.cfa -16 + ^' });
    expect(Object.fromEntries(symbols.cfiRules(0x2002) ?? [])).toEqual({ '.cfa': '$rsp 8 +', '.ra': '.cfa -8 + ^' });
    expect(symbols.cfiRules(0x4000)).toBeNull();
  });

  it('reads a file written with CRLF line ends, and upper-case hex line records, the same', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'crashwb-sym-')), 'demo.sym');
    writeFileSync(path, FILE.map((l) => (/^[0-9a-f]+ /.test(l) ? l.toUpperCase() : l)).join('\r\n') + '\r\n');
    const symbols = new ModuleSymbols(await readSymbolFile(path));
    expect(symbols.file.problemCount).toBe(0);
    expect(symbols.frames(0x2025)[0]).toMatchObject({ function: 'second(int)', line: 21 });
    expect(Object.fromEntries(symbols.cfiRules(0x2005) ?? [])).toMatchObject({ '.cfa': '$rsp 16 +' });
  });

  it('counts what it does not understand, with the first line number, and reads the rest', () => {
    const file = parseSymbolText(
      [
        ...FILE.slice(0, 5),
        '2000 20',
        'zz 10 1 0',
        'STACK CFI INIT 5000',
        'STACK CFI 10 .cfa: $rsp 8 +',
        'FUNC 9000 nothex 0 bad',
        ...FILE.slice(5),
      ].join('\n'),
    );
    // The malformed FUNC's line records belong to no function, and say so.
    expect(file.problemCount).toBe(7);
    expect(file.problems[0]).toEqual({ line: 6, message: 'malformed line record' });
    expect(file.problems.map((p) => p.message)).toEqual([
      'malformed line record',
      'unknown record "zz"',
      'malformed STACK CFI INIT record',
      'a STACK CFI record before any STACK CFI INIT',
      'malformed FUNC record',
      'a line record outside any FUNC',
      'a line record outside any FUNC',
    ]);
    expect(new ModuleSymbols(file).frames(0x1015)[1]).toMatchObject({ function: 'first', line: 12 });
  });

  it('refuses a file that does not begin with MODULE, naming it', () => {
    expect(() => parseSymbolText('FUNC 1000 10 0 f\n', 'x.sym')).toThrow(/x\.sym is not a Breakpad symbol file/);
  });
});
