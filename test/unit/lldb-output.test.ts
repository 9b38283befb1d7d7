import { describe, expect, it } from 'vitest';
import { LLDB_QUERIES } from '../../src/core/debugger/lldb/commands';
import {
  SEP,
  isPointer,
  membersAnswered,
  readBacktraces,
  readRegisters,
  readFrameVariables,
  splitSections,
} from '../../src/core/debugger/lldb/readers';

const f = (...fields: string[]): string => `@@${fields.join(SEP)}`;

describe('lldb batch output', () => {
  it('splits output by the echo of each command', () => {
    const sections = splitSections('(lldb) target create a\nCore file loaded.\r\n(lldb) register read\n  rax = 0x1\n');
    expect(sections.map((s) => s.command)).toEqual(['target create a', 'register read']);
    expect(sections[0]?.lines).toContain('Core file loaded.');
  });

  it('parses formatted thread and frame lines, with and without line info', () => {
    const lines = [
      `* ${f('thread', '1', '0x1a2b', 'worker', 'signal SIGSEGV')}`,
      `  * ${f('frame', '0', '0x0000000000401136', '/bin/app', 'store', '/src/app.c', '12')}`,
      `    ${f('frame', '1', '0x0000000000401000', '/bin/app', '_start', '', '')}`,
      `  ${f('thread', '2', '6700', '', 'signal 0')}`,
    ];
    const threads = readBacktraces(lines, () => null);
    expect(threads).toHaveLength(2);
    expect(threads[0]).toMatchObject({ id: 0x1a2b, number: 1, name: 'worker' });
    expect(threads[0]?.frames[0]).toEqual({
      index: 0,
      address: '0x401136',
      function: 'store',
      file: '/src/app.c',
      line: 12,
      module: '/bin/app',
      inline: false,
    });
    expect(threads[0]?.frames[1]).toMatchObject({ function: '_start', file: null, line: null });
    expect(threads[1]).toMatchObject({ id: 6700, name: null, frames: [] });
  });

  it('keeps the wanted registers and names rflags as eflags', () => {
    const regs = readRegisters(
      ['General Purpose Registers:', '       rax = 0x0000000000000000', '    rflags = 0x0000000000010202', '       eax = 0x00000000'],
      new Set(['rax', 'eflags']),
    );
    expect(regs).toEqual({ rax: '0x0', eflags: '0x10202' });
  });

  it('parses scoped variables into arguments and locals', () => {
    const vars = readFrameVariables(['ARG: (struct job *) job = 0x00007ffd1234', 'LOCAL: (int) base = 3', 'garbage']);
    expect(vars).toEqual([
      { name: 'job', type: 'struct job *', value: '0x00007ffd1234', isArgument: true },
      { name: 'base', type: 'int', value: '3', isArgument: false },
    ]);
  });
});

describe('lldb member listings', () => {
  it('takes a structure as answered only once its closing brace came', () => {
    expect(membersAnswered(['(job) *job = {'])).toBe(false);
    expect(membersAnswered(['(job) *job = {', '  (int) id = 7'])).toBe(false);
    expect(membersAnswered(['(job) *job = {', '  (int) id = 7', '  (int *) result = 0x0000000000000000{...}', '}'])).toBe(true);
  });

  it('takes a plain value or an error as a whole answer, and nothing as none', () => {
    expect(membersAnswered(['(int) id = 7'])).toBe(true);
    expect(membersAnswered(['error: no variable named "x" found in this frame'])).toBe(true);
    expect(membersAnswered([])).toBe(false);
  });
});

describe('isPointer', () => {
  it('reads the variable’s own line, even after lldb’s report of the stop', () => {
    expect(isPointer(['(job *) job = 0x00005555555592a0'])).toBe(true);
    expect(isPointer(["* thread #2, name = 'worker', stop reason = signal SIGSEGV", '    frame #0: 0x1 w`f', '(job *) job = 0x1'])).toBe(
      true,
    );
    expect(isPointer(['(job) *job = {'])).toBe(false);
    expect(isPointer(["error: no variable named 'x' found in this frame"])).toBe(false);
  });
});

describe('the readers of the inspection views’ queries', () => {
  const STOP = [
    "* thread #1, name = 'app', stop reason = signal SIGSEGV",
    '    frame #0: 0x0000555555555149 app`store(p=0x0) at app.c:4:6',
  ];

  it('reads a disassembly with its source lines, the pc marked, past lldb’s stop report', () => {
    const answer = LLDB_QUERIES.disassembleFrame('/src/app.c').read([
      ...STOP,
      'app`store:',
      '** 4   \t  *p = 42;',
      '    0x555555555141 <+8>:  movq   -0x8(%rbp), %rax',
      '->  0x555555555149 <+16>: movl   $0x2a, (%rax)',
      '** 5   \t}',
      '    0x55555555514f <+22>: nop',
    ]);
    expect(answer.function).toBe('store');
    expect(answer.blocks.map((b) => [b.line, b.source, b.instructions.length])).toEqual([
      [4, '*p = 42;', 2],
      [5, '}', 1],
    ]);
    expect(answer.blocks[0]?.instructions[1]).toMatchObject({ address: '0x555555555149', offset: 16, current: true });
  });

  it('names the frame’s function from `frame info` when the header is missing', () => {
    expect(LLDB_QUERIES.frameInfo.read(['frame #2: 0x0000555555555190 app`main(argc=1, argv=0x7ffe) at app.c:9:3'])).toBe('main');
    expect(LLDB_QUERIES.frameInfo.read(['error: invalid frame'])).toBeNull();
  });

  it('reads an evaluated address, and none from an error', () => {
    expect(LLDB_QUERIES.addressOf('$sp').read([...STOP, '(unsigned long) $0 = 0x00007ffe3b2c1a40'])).toBe('0x7ffe3b2c1a40');
    expect(LLDB_QUERIES.addressOf('nope').read(["error: use of undeclared identifier 'nope'"])).toBeNull();
  });

  it('reads memory bytes in order across lines, and none from an unreadable address', () => {
    expect(LLDB_QUERIES.memory('$sp', 6).read(['0x7ffe3b2c1a40: 0x01 0x02 0x03 0x04', '0x7ffe3b2c1a44: 0xfe 0xff'])).toEqual([
      '01',
      '02',
      '03',
      '04',
      'fe',
      'ff',
    ]);
    expect(LLDB_QUERIES.memory('0', 4).read(['error: memory read failed for 0x0'])).toEqual([]);
  });

  it('reads a variable as a pointer or not, and its members one level in, waiting for the closing brace', () => {
    const probe = LLDB_QUERIES.variable('job');
    expect(probe.text).toBe('frame variable -T -D 0 -- job');
    expect(probe.complete(STOP)).toBe(false);
    expect(probe.read(['(job *) job = 0x00005555555592a0']).pointer).toBe(true);
    const members = LLDB_QUERIES.members('*job');
    expect(members.complete(['(job) *job = {', '  (int) id = 7'])).toBe(false);
    expect(members.read(['(job) *job = {', '  (int) id = 7', '  (char *) name = 0x0000555555556004 "w"', '}'])).toEqual([
      { type: 'int', name: 'id', value: '7' },
      { type: 'char *', name: 'name', value: '0x0000555555556004 "w"' },
    ]);
  });
});
