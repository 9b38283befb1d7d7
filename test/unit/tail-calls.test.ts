import { describe, expect, it } from 'vitest';
import type { MiInstruction } from '../../src/core/debugger/gdb/mi-commands';
import { inferTailCalls, type ProgramCode } from '../../src/core/debugger/gdb/tail-calls';
import type { Frame } from '../../src/shared/model';
import { withTailCalls } from '../../src/shared/tail-calls';

const frame = (index: number, fn: string, address: string, extra: Partial<Frame> = {}): Frame => ({
  index,
  address,
  function: fn,
  file: null,
  line: null,
  module: '/opt/app',
  inline: false,
  ...extra,
});

/** A program as gdb disassembles it: each function's entry and its instructions' texts. */
function program(functions: Record<string, { entry: number; code: string[] }>) {
  const all = Object.values(functions).flatMap(({ entry, code }) =>
    code.map((text, i): MiInstruction & { entry: number } => ({
      address: BigInt(entry + i * 5),
      text,
      file: 'app.c',
      line: 10 + i,
      entry,
    })),
  );
  const entries = new Map(Object.entries(functions).map(([name, f]) => [name, f.entry]));
  const at = async (where: bigint | { file: string; name: string }): Promise<MiInstruction[]> => {
    const address = typeof where === 'bigint' ? where : BigInt(entries.get(where.name) ?? -1);
    const holder = all.find((ins) => ins.address === address) ?? all.filter((ins) => ins.address <= address).at(-1);
    if (!holder) throw new Error('No function contains specified address.');
    return all.filter((ins) => ins.entry === holder.entry);
  };
  /** The program read as gdb reads it: no function inlined anywhere unless said, every function in one file. */
  const reading = (inlinedAt: (address: bigint) => Promise<string[]> = async () => []): ProgramCode => ({
    instructions: at,
    inlinedAt,
    functionsOf: async (file) => (file === 'app.c' ? [...entries.keys()] : []),
  });
  return { at: reading(), reading };
}

describe('tail calls put back between frames', () => {
  it('finds the helper that jumped to the frame above, through the PLT and an ifunc’s name', async () => {
    const code = program({
      report: { entry: 0x1000, code: ['push %rbx', 'call   0x2000 <name_length>', 'mov %rax,%rbx', 'ret'] },
      name_length: { entry: 0x2000, code: ['mov (%rdi),%rdi', 'jmp    0x3000 <strlen@plt>'] },
    });
    const frames = [frame(0, '__strlen_evex', '0x7f00'), frame(1, 'report', '0x100a'), frame(2, 'main', '0x5000')];
    const out = await inferTailCalls(frames, code.at);
    expect(out[1]?.tailCalls).toEqual([{ function: 'name_length', address: '0x2000', file: 'app.c', line: 11, certain: true }]);
    expect(withTailCalls(out).map((f) => [f.function, f.index, f.tailCall?.certain ?? null])).toEqual([
      ['__strlen_evex', 0, null],
      ['name_length', 1, true],
      ['report', 1, null],
      ['main', 2, null],
    ]);
  });

  it('puts back a chain in the order it ran, the last one called nearest the frame above', async () => {
    const code = program({
      main: { entry: 0x1000, code: ['call   0x2000 <release_request>', 'xor %eax,%eax'] },
      release_request: { entry: 0x2000, code: ['jmp    0x3000 <release_body>'] },
      release_body: { entry: 0x3000, code: ['mov (%rdi),%rdi', 'jmp    0x4000 <release_buffer>'] },
      release_buffer: { entry: 0x4000, code: ['jmp    0x9000 <free@plt>'] },
    });
    const out = await inferTailCalls([frame(0, '__GI___libc_free', '0x7f00'), frame(1, 'main', '0x1005')], code.at);
    expect(withTailCalls(out).map((f) => f.function)).toEqual([
      '__GI___libc_free',
      'release_buffer',
      'release_body',
      'release_request',
      'main',
    ]);
  });

  it('keeps what every possible chain shares as certain, and the rest as one possibility that does not count', async () => {
    const code = program({
      caller: { entry: 0x1000, code: ['call   0x2000 <run_op>', 'ret'] },
      run_op: { entry: 0x2000, code: ['cmp $1,%edi', 'je 0x200f <run_op+15>', 'jmp    0x3000 <op_add>', 'jmp    0x4000 <op_sub>'] },
      op_add: { entry: 0x3000, code: ['jmp    0x5000 <fail>'] },
      op_sub: { entry: 0x4000, code: ['jmp    0x5000 <fail>'] },
    });
    const out = await inferTailCalls([frame(0, 'fail', '0x5003'), frame(1, 'caller', '0x1005')], code.at);
    expect(out[1]?.tailCalls?.map((c) => [c.function, c.certain])).toEqual([
      ['run_op', true],
      ['op_add', false],
    ]);
  });

  it('follows an indirect call to the one function whose address the caller takes that leads down, with what is inlined at its jump', async () => {
    const code = program({
      main: {
        entry: 0x1000,
        code: [
          'lea    -0x320(%rip),%rax        # 0x2000 <handle_get>',
          'lea    -0x32a(%rip),%rax        # 0x3000 <handle_put>',
          'call   *%rax',
          'ret',
        ],
      },
      handle_get: { entry: 0x2000, code: ['mov (%rdi),%rdi', 'jmp    0x9000 <strlen@plt>'] },
      handle_put: { entry: 0x3000, code: ['xor %eax,%eax', 'ret'] },
    });
    const inlined = async (address: bigint): Promise<string[]> => (address === 0x2005n ? ['parse_name'] : []);
    const out = await inferTailCalls([frame(0, '__strlen_evex', '0x7f00'), frame(1, 'main', '0x100f')], code.reading(inlined));
    expect(withTailCalls(out).map((f) => [f.function, f.inline, f.tailCall?.certain ?? null])).toEqual([
      ['__strlen_evex', false, null],
      ['parse_name', true, true],
      ['handle_get', false, true],
      ['main', false, null],
    ]);
  });

  it('follows a pointer that came from elsewhere through the functions whose address the caller’s file takes', async () => {
    const code = program({
      main: { entry: 0x1000, code: ['lea    -0x320(%rip),%rax        # 0x2000 <handle_get>', 'call   0x1800 <start_worker>', 'ret'] },
      on_thread: { entry: 0x1800, code: ['mov 0x8(%rdi),%rdi', 'call   *(%rax)', 'ret'] },
      handle_get: { entry: 0x2000, code: ['mov (%rdi),%rdi', 'jmp    0x9000 <strlen@plt>'] },
      name_length: { entry: 0x3000, code: ['mov (%rdi),%rdi', 'jmp    0x9000 <strlen@plt>'] },
    });
    const onThread = frame(1, 'on_thread', '0x180a', { file: 'app.c', line: 37 });
    const out = await inferTailCalls([frame(0, '__strlen_evex', '0x7f00'), onThread], code.at);
    // name_length also reaches strlen, but nothing takes its address: only a direct call reaches it.
    expect(out[1]?.tailCalls?.map((c) => [c.function, c.certain])).toEqual([['handle_get', true]]);
  });

  it('adds nothing where the call names the frame above, is indirect, or its code cannot be read', async () => {
    const code = program({
      a: { entry: 0x1000, code: ['call   0x2000 <b>', 'call   *%rax', 'ret'] },
      b: { entry: 0x2000, code: ['ret'] },
    });
    const direct = await inferTailCalls([frame(0, 'b', '0x2000'), frame(1, 'a', '0x1005')], code.at);
    const indirect = await inferTailCalls([frame(0, 'x', '0x9999'), frame(1, 'a', '0x100a')], code.at);
    const unknown = await inferTailCalls([frame(0, 'x', '0x9999'), frame(1, 'lost', '0x90')], code.at);
    for (const out of [direct, indirect, unknown]) expect(out.every((f) => f.tailCalls === undefined)).toBe(true);
  });

  it('never follows an inlined frame or one past main, and stops at a jump cycle', async () => {
    const code = program({
      main: { entry: 0x1000, code: ['call   0x2000 <ping>', 'ret'] },
      ping: { entry: 0x2000, code: ['jmp    0x3000 <pong>'] },
      pong: { entry: 0x3000, code: ['jmp    0x2000 <ping>'] },
    });
    const cycle = await inferTailCalls([frame(0, 'crash', '0x7000'), frame(1, 'main', '0x1005')], code.at);
    expect(cycle[1]?.tailCalls).toBeUndefined();
    const inlined = await inferTailCalls([frame(0, 'crash', '0x7000', { inline: true }), frame(1, 'main', '0x1005')], code.at);
    const past = await inferTailCalls([frame(0, 'crash', '0x7000'), frame(1, 'main', '0x1005', { pastMain: true })], code.at);
    expect(inlined[1]?.tailCalls).toBeUndefined();
    expect(past[1]?.tailCalls).toBeUndefined();
  });
});
