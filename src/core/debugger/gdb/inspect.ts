import type { Disassembly, DisassemblyBlock, Instruction, MemoryChunk, VariableNode } from '../../../shared/model';
import { hexAddress } from '../extraction';
import type { GdbSession } from './session';
import { miList, miString, miTuple, type MiTuple } from './mi-parser';
import * as mi from './mi-commands';

/** Instructions kept either side of the program counter in a long function. */
const INSTRUCTION_WINDOW = 200;
/** Children listed at once for one array or structure. */
const MAX_CHILDREN = 1000;
/** Bytes disassembled from the program counter when it is in no known function. */
const LOOSE_BYTES = 96;

function instruction(tuple: MiTuple, pc: bigint | null): Instruction {
  const address = hexAddress(miString(tuple.address)) ?? '0x0';
  const offset = miString(tuple.offset);
  return {
    address,
    offset: offset === null ? null : Number(offset),
    opcodes: miString(tuple.opcodes),
    text: miString(tuple.inst) ?? '',
    current: pc !== null && BigInt(address) === pc,
  };
}

/** Keeps at most INSTRUCTION_WINDOW instructions either side of the current one. */
function window(blocks: DisassemblyBlock[]): { blocks: DisassemblyBlock[]; truncated: boolean } {
  const all = blocks.flatMap((b, block) => b.instructions.map((_, index) => ({ block, index })));
  const centre = Math.max(
    0,
    all.findIndex((p) => blocks[p.block]?.instructions[p.index]?.current),
  );
  const from = Math.max(0, centre - INSTRUCTION_WINDOW);
  const to = Math.min(all.length, centre + INSTRUCTION_WINDOW + 1);
  if (from === 0 && to === all.length) return { blocks, truncated: false };
  const kept = new Set(all.slice(from, to).map((p) => `${p.block}:${p.index}`));
  return {
    blocks: blocks
      .map((b, block) => ({ ...b, instructions: b.instructions.filter((_, index) => kept.has(`${block}:${index}`)) }))
      .filter((b) => b.instructions.length > 0),
    truncated: true,
  };
}

/** The frame's function around its program counter, source lines interleaved. */
export async function disassembleFrame(gdb: GdbSession, thread: number, frame: number): Promise<Disassembly> {
  const pcText = hexAddress(await mi.evaluate(gdb, thread, frame, '$pc'));
  const pc = pcText ? BigInt(pcText) : null;
  try {
    let name: string | null = null;
    const blocks = (await mi.disassemble(gdb, thread, frame, { around: 'pc' })).map((line): DisassemblyBlock => {
      const instructions = miList(line.line_asm_insn)
        .map(miTuple)
        .filter((t): t is MiTuple => t !== null)
        .map((t) => {
          name ??= miString(t['func-name']);
          return instruction(t, pc);
        });
      const number = miString(line.line);
      return { file: miString(line.fullname) ?? miString(line.file), line: number ? Number(number) : null, source: null, instructions };
    });
    // Mixed mode lists source lines in line order, not address order; the reader wants addresses.
    blocks.sort((a, b) => {
      const first = (x: DisassemblyBlock) => (x.instructions[0] ? BigInt(x.instructions[0].address) : 0n);
      return first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0;
    });
    return { function: name, ...window(blocks.filter((b) => b.instructions.length > 0)) };
  } catch (error) {
    // No function around the address (stripped code, a jump into nowhere): show what follows it.
    if (!/No function contains/i.test((error as Error).message)) throw error;
    const instructions = (await mi.disassemble(gdb, thread, frame, { after: LOOSE_BYTES })).map((t) => instruction(t, pc));
    return { function: null, blocks: [{ file: null, line: null, source: null, instructions }], truncated: false };
  }
}

/** Reads memory at an expression (an address, a register like $sp, a pointer variable) in the frame. */
export async function readFrameMemory(
  gdb: GdbSession,
  thread: number,
  frame: number,
  expression: string,
  length: number,
): Promise<{ address: string; chunks: MemoryChunk[] }> {
  const number = await mi.evaluate(gdb, thread, frame, `(unsigned long)(${expression})`);
  if (!number || !/^\d+$/.test(number)) throw new Error(`${expression} is not an address (gdb says ${number ?? 'nothing'})`);
  const start = BigInt(number);
  const end = start + BigInt(length);
  const hex = (n: bigint) => `0x${n.toString(16)}`;
  let regions: Array<{ begin: bigint; contents: string }> = [];
  try {
    regions = (await mi.readMemory(gdb, start, length)).sort((a, b) => (a.begin < b.begin ? -1 : 1));
  } catch (error) {
    if (!/Unable to read memory/i.test((error as Error).message)) throw error;
  }
  // Readable regions as they came, and the gaps between them as unreadable.
  const chunks: MemoryChunk[] = [];
  let cursor = start;
  for (const region of regions) {
    if (region.begin > cursor) chunks.push({ address: hex(cursor), hex: '', readable: false });
    chunks.push({ address: hex(region.begin), hex: region.contents, readable: true });
    cursor = region.begin + BigInt(region.contents.length / 2);
  }
  if (cursor < end) chunks.push({ address: hex(cursor), hex: '', readable: false });
  return { address: hex(start), chunks };
}

function node(tuple: MiTuple, name: string, isArgument: boolean): VariableNode {
  return {
    id: miString(tuple.name) ?? '',
    name,
    type: miString(tuple.type),
    value: miString(tuple.value),
    childCount: Number(miString(tuple.numchild) ?? 0),
    isArgument,
  };
}

/** Arguments and locals of a frame as variable objects, each of which can be opened. */
export async function frameVariables(gdb: GdbSession, thread: number, frame: number): Promise<VariableNode[]> {
  const nodes: VariableNode[] = [];
  for (const v of await mi.listVariables(gdb, thread, frame, 'none')) {
    const name = miString(v.name) ?? '?';
    nodes.push(node(await mi.createVariable(gdb, thread, frame, name), name, miString(v.arg) === '1'));
  }
  return nodes;
}

export async function variableChildren(gdb: GdbSession, id: string): Promise<VariableNode[]> {
  return (await mi.variableChildren(gdb, id, MAX_CHILDREN)).map((t) => node(t, miString(t.exp) ?? '?', false));
}

export async function deleteVariables(gdb: GdbSession, ids: string[]): Promise<void> {
  for (const id of ids) await mi.deleteVariable(gdb, id);
}
