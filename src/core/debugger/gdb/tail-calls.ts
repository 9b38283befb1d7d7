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
const LIMITS = { pairs: 32, functions: 32, depth: 4, candidates: 12 };

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

/** The instructions of the function holding an address, in address order; gdb's `-data-disassemble`. */
export type InstructionsAt = (address: bigint) => Promise<mi.MiInstruction[]>;
/** The functions inlined at an address, innermost first, without the one they are inlined into; gdb's blocks. */
export type InlinedAt = (address: bigint) => Promise<string[]>;

class Reader {
  private readonly functions = new Map<bigint, Promise<mi.MiInstruction[]>>();

  constructor(private readonly read: InstructionsAt) {}

  /** A function's instructions, read once; none for code gdb cannot place, or past the budget. */
  instructions(address: bigint): Promise<mi.MiInstruction[]> {
    let read = this.functions.get(address);
    if (!read) {
      read =
        this.functions.size >= LIMITS.functions
          ? Promise.resolve([])
          : // "No function contains specified address": code without symbols has nothing to follow.
            this.read(address).catch(() => []);
      this.functions.set(address, read);
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
async function tailCallsOf(chains: Link[][], inlinedAt: InlinedAt): Promise<TailCall[]> {
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
    const inlined = await inlinedAt(link.jump).catch(() => []);
    for (const name of [...inlined].reverse()) calls.push({ function: name, ...at, inline: true });
  }
  return calls;
}

/**
 * The functions an indirect call may have reached that lead down to the callee: those whose
 * address the caller's own code takes (a handler chosen from a table, a callback), followed.
 */
async function indirectChains(reader: Reader, callerCode: mi.MiInstruction[], callee: string): Promise<Link[][]> {
  const named = new Map<string, bigint>();
  for (const instruction of callerCode) {
    const m = REFERENCE.exec(instruction.text);
    const address = m?.[1] ?? m?.[3];
    const name = m?.[2] ?? m?.[4];
    if (address && name && !named.has(name) && named.size < LIMITS.candidates) named.set(name, BigInt(address));
  }
  const chains: Link[][] = [];
  for (const [name, entry] of named) {
    if (same(name, callee)) continue;
    chains.push(...(await chainsTo(reader, { name, entry }, callee)));
  }
  return chains;
}

/** The frames with each one's tail calls found (`Frame.tailCalls`), read by gdb; frames stay as gdb numbered them. */
export function withInferredTailCalls(gdb: GdbSession, frames: Frame[]): Promise<Frame[]> {
  return inferTailCalls(
    frames,
    (address) => mi.functionInstructions(gdb, address),
    (address) => mi.inlinedAt(gdb, address),
  );
}

/** The frames with each one's tail calls found, from the disassembly `instructionsAt` gives. */
export async function inferTailCalls(frames: Frame[], instructionsAt: InstructionsAt, inlinedAt: InlinedAt): Promise<Frame[]> {
  const reader = new Reader(instructionsAt);
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
    } else if (INDIRECT.test(before.text)) chains = await indirectChains(reader, callerCode, callee.function);
    if (chains.length) out[i + 1] = { ...caller, tailCalls: await tailCallsOf(chains, inlinedAt) };
  }
  return out;
}
