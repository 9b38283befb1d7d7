import { describe, expect, it } from 'vitest';
import { SEP, parseBacktraces, parseRegisters, parseVariables, splitSections } from '../../src/core/debugger/lldb/output';
import { isPointer, membersAnswered } from '../../src/core/debugger/lldb/inspect';

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
    const threads = parseBacktraces(lines, () => null);
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
    const regs = parseRegisters(
      ['General Purpose Registers:', '       rax = 0x0000000000000000', '    rflags = 0x0000000000010202', '       eax = 0x00000000'],
      new Set(['rax', 'eflags']),
    );
    expect(regs).toEqual({ rax: '0x0', eflags: '0x10202' });
  });

  it('parses scoped variables into arguments and locals', () => {
    const vars = parseVariables(['ARG: (struct job *) job = 0x00007ffd1234', 'LOCAL: (int) base = 3', 'garbage']);
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
