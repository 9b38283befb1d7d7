import type { Frame, TailCall } from '../../../shared/model';
import { normalizeFunction } from '../../fingerprint/normalize';
import * as mi from './mi-commands';
import type { GdbSession } from './session';

/**
 * Tail calls put back between a thread's frames. At -O2 a function whose last act is a call
 * jumps to its callee instead, and is gone from the stack: `strlen ← report` where the code ran
 * `report → name_length → strlen`. Each frame's own call instruction, just before its return
 * address, names the function it called; where that is not the frame above, the chain of tail
 * jumps from it down to the frame above is the missing frames. gdb reconstructs tail calls only
 * when DWARF call sites make one chain certain, and not through the PLT; this follows the jumps
 * themselves, through the PLT too, and where several chains lead down keeps what all share.
 */

/** A direct call, as gdb disassembles it on x86-64 (`call 0x… <name>`) and AArch64 (`bl 0x… <name>`). */
const CALL = /^(?:call|callq|bl)\s+(0x[0-9a-f]+)\s+<([^>]+)>/;
/** A direct jump to another function's entry: a tail call (x86-64 `jmp`, AArch64 `b`). */
const JUMP = /^(?:jmp|jmpq|b)\s+(0x[0-9a-f]+)\s+<([^>]+)>/;
/** A call through a register or memory (a function pointer, a virtual call): its target is not in the code. */
const INDIRECT = /^(?:call|callq)\s+\*|^blr\s/;
/** A function's address named in an instruction (`lea -0x320(%rip),%rax  # 0x11d0 <handle_get>`, `adrp`/`add` on AArch64). */
const REFERENCE = /#\s*(0x[0-9a-f]+)\s+<([^>+]+)>\s*$|^(?:adr|add)\b.*?(0x[0-9a-f]+)\s+<([^>+]+)>\s*$/;

/** How far it looks: frames of the crashing thread, functions read in all, tail calls in one chain, targets an indirect call may have had. */
const LIMITS = { pairs: 32, functions: 48, depth: 4, candidates: 12 };

/** `name+12` → name and offset; a PLT stub by the function it leads to. */
function symbolOf(text: string): { name: string; offset: number } {
  const plus = text.lastIndexOf('+');
  const offset = plus > 0 && /^\d+$/.test(text.slice(plus + 1)) ? Number(text.slice(plus + 1)) : 0;
  return { name: (plus > 0 && offset > 0 ? text.slice(0, plus) : text).replace(/@plt$/, ''), offset };
}

/** One function, however gdb spelled it: with or without parameters, an ifunc's variant (`__strlen_evex` is `strlen`). */
const same = (a: string, b: string): boolean => normalizeFunction(a) === normalizeFunction(b);

interface Link {
  name: string;
  entry: bigint;
  /** The tail jump's own source line in it. */
  file: string | null;
  line: number | null;
  /** Where the tail jump is: functions inlined there were left by it too. */
  jump: bigint;
}

/** What the inference reads of the program, from gdb. */
export interface ProgramCode {
  /** The instructions of the function holding an address (or named in a file), in address order. */
  instructions(at: bigint | { file: string; name: string }): Promise<mi.MiInstruction[]>;
  /** The functions inlined at an address, innermost first, without the one they are inlined into. */
  inlinedAt(address: bigint): Promise<string[]>;
  /** The functions a source file defines, by name. */
  functionsOf(file: string): Promise<string[]>;
}

class Reader {
  private readonly functions = new Map<string, Promise<mi.MiInstruction[]>>();
  private readonly files = new Map<string, Promise<string[]>>();

  constructor(private readonly program: ProgramCode) {}

  /** A source file's functions, asked of gdb's symbol tables once however many indirect calls it holds. */
  functionsOf(file: string): Promise<string[]> {
    let names = this.files.get(file);
    if (!names) {
      names = this.program.functionsOf(file).catch(() => []);
      this.files.set(file, names);
    }
    return names;
  }

  /** A function's instructions, read once; none for code gdb cannot place, or past the budget. */
  instructions(at: bigint | { file: string; name: string }): Promise<mi.MiInstruction[]> {
    const key = typeof at === 'bigint' ? at.toString(16) : `${at.file}::${at.name}`;
    let read = this.functions.get(key);
    if (!read) {
      read =
        this.functions.size >= LIMITS.functions
          ? Promise.resolve([])
          : // "No function contains specified address": code without symbols has nothing to follow.
            this.program.instructions(at).catch(() => []);
      this.functions.set(key, read);
    }
    return read;
  }
}

/** Every chain of tail jumps from `start` that reaches `callee`, each a list of the functions passed through. */
async function chainsTo(reader: Reader, start: { name: string; entry: bigint }, callee: string): Promise<Link[][]> {
  const found: Link[][] = [];
  const walk = async (at: { name: string; entry: bigint }, path: Link[]): Promise<void> => {
    if (path.length >= LIMITS.depth || path.some((l) => l.entry === at.entry)) return;
    const seen = new Set<string>();
    for (const instruction of await reader.instructions(at.entry)) {
      const jump = JUMP.exec(instruction.text);
      if (!jump?.[1] || !jump[2]) continue;
      const target = symbolOf(jump[2]);
      if (target.offset !== 0 || same(target.name, at.name) || seen.has(target.name)) continue;
      seen.add(target.name);
      const link: Link = { name: at.name, entry: at.entry, file: instruction.file, line: instruction.line, jump: instruction.address };
      if (same(target.name, callee)) found.push([...path, link]);
      else await walk({ name: target.name, entry: BigInt(jump[1]) }, [...path, link]);
    }
  };
  await walk(start, []);
  return found;
}

/**
 * What the chains share from their start: certain; the rest of the first chain is one
 * possibility among several. Each function is followed by those inlined into it at its tail
 * jump (`parse_name` inlined into `handle_get`, whose jump it made), as gdb shows inlined frames.
 */
async function tailCallsOf(chains: Link[][], program: ProgramCode): Promise<TailCall[]> {
  const [first = []] = chains;
  let shared = first.length;
  for (const chain of chains.slice(1)) {
    let n = 0;
    while (n < shared && chain[n]?.entry === first[n]?.entry) n++;
    shared = n;
  }
  const calls: TailCall[] = [];
  for (const [i, link] of first.entries()) {
    const at = { address: `0x${link.entry.toString(16)}`, file: link.file, line: link.line, certain: i < shared };
    calls.push({ function: link.name, ...at });
    const inlined = await program.inlinedAt(link.jump).catch(() => []);
    for (const name of [...inlined].reverse()) calls.push({ function: name, ...at, inline: true });
  }
  return calls;
}

/** The functions whose address the code takes (`lea … <handle_get>`), by name, with their entries. */
function addressesTaken(code: mi.MiInstruction[], into = new Map<string, bigint>()): Map<string, bigint> {
  for (const instruction of code) {
    const m = REFERENCE.exec(instruction.text);
    const address = m?.[1] ?? m?.[3];
    const name = m?.[2] ?? m?.[4];
    if (address && name && !into.has(name)) into.set(name, BigInt(address));
  }
  return into;
}

/**
 * The functions an indirect call may have reached that lead down to the callee: those whose
 * address the caller's own code takes (a handler chosen from a table, a callback); else, for a
 * pointer that came from elsewhere (a thread's argument), those whose address the caller's source
 * file takes anywhere, as a file's handlers are usually registered in it.
 */
async function indirectChains(reader: Reader, caller: Frame, callerCode: mi.MiInstruction[], callee: string): Promise<Link[][]> {
  let candidates = addressesTaken(callerCode);
  if (candidates.size === 0 && caller.file) {
    const file = caller.file;
    const names = await reader.functionsOf(file);
    candidates = new Map();
    for (const name of names.slice(0, LIMITS.functions)) addressesTaken(await reader.instructions({ file, name }), candidates);
  }
  const chains: Link[][] = [];
  for (const [name, entry] of [...candidates].slice(0, LIMITS.candidates)) {
    if (same(name, callee)) continue;
    chains.push(...(await chainsTo(reader, { name, entry }, callee)));
  }
  return chains;
}

/** The frames with each one's tail calls found (`Frame.tailCalls`), read by gdb; frames stay as gdb numbered them. */
export function withInferredTailCalls(gdb: GdbSession, frames: Frame[]): Promise<Frame[]> {
  return inferTailCalls(frames, {
    instructions: (at) => mi.functionInstructions(gdb, at),
    inlinedAt: (address) => mi.inlinedAt(gdb, address),
    functionsOf: (file) => mi.functionsOfFile(gdb, file),
  });
}

/** The frames with each one's tail calls found, from the program's code as `program` reads it. */
export async function inferTailCalls(frames: Frame[], program: ProgramCode): Promise<Frame[]> {
  const reader = new Reader(program);
  const out = [...frames];
  for (let i = 0; i + 1 < Math.min(out.length, LIMITS.pairs + 1); i++) {
    const callee = out[i] as Frame;
    const caller = out[i + 1] as Frame;
    // An inlined frame was never called; a frame past main is the C library's start-up.
    if (!callee.function || callee.inline || caller.pastMain || !/^0x[0-9a-f]+$/i.test(caller.address)) continue;
    const returnAddress = BigInt(caller.address);
    const callerCode = await reader.instructions(returnAddress);
    const before = callerCode.filter((ins) => ins.address < returnAddress).at(-1);
    if (!before) continue;
    const call = CALL.exec(before.text);
    let chains: Link[][] = [];
    if (call?.[1] && call[2]) {
      const called = symbolOf(call[2]);
      if (called.offset !== 0 || same(called.name, callee.function)) continue;
      chains = await chainsTo(reader, { name: called.name, entry: BigInt(call[1]) }, callee.function);
    } else if (INDIRECT.test(before.text)) chains = await indirectChains(reader, caller, callerCode, callee.function);
    if (chains.length) out[i + 1] = { ...caller, tailCalls: await tailCallsOf(chains, program) };
  }
  return out;
}
