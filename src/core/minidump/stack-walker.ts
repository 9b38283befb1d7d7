import type { ModuleSymbols } from '../breakpad/sym-lookup';
import { evaluate, runPostfix, type PostfixContext } from '../breakpad/postfix';
import type { DumpArch } from './minidump-streams';
import { ARCH_REGISTERS, type Registers } from './thread-context';

/**
 * Walks a thread's stack from the dump's memory, as minidump-stackwalk does: the context gives
 * the first frame; each caller is found by CFI (or Windows x86 frame data), else by the frame
 * pointer chain, else by scanning the stack for a return address. Each frame says how it was
 * found, so that a guess (a scanned frame) is never taken for a fact.
 */
export type FrameTrust = 'context' | 'cfi' | 'frame-pointer' | 'scan';

export interface WalkModule {
  start: bigint;
  end: bigint;
  path: string;
  symbols: ModuleSymbols | null;
}

export interface WalkMemory {
  word(address: bigint, size: 4 | 8): bigint | null;
  end(address: bigint): bigint | null;
}

export interface WalkedFrame {
  pc: bigint;
  registers: Registers;
  trust: FrameTrust;
  module: WalkModule | null;
}

export interface WalkInput {
  arch: DumpArch;
  context: Registers;
  memory: WalkMemory;
  /** Sorted by start address. */
  modules: WalkModule[];
  maxFrames?: number;
  /**
   * A Windows dump: its x64 code keeps no frame pointer chain (MSVC and LLVM both omit it), so,
   * as Breakpad does, the walk never follows %rbp there and scans instead.
   */
  windows?: boolean;
}

export const MAX_WALK_FRAMES = 1024;
const SCAN_WORDS_CONTEXT = 160;
const SCAN_WORDS = 40;
/** Below this no code is ever mapped: a return address of 0 or a small number ends the stack. */
const LOWEST_CODE = 0x1000n;

export function moduleAt(modules: WalkModule[], address: bigint): WalkModule | null {
  let lo = 0;
  let hi = modules.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = modules[mid] as WalkModule;
    if (address < m.start) hi = mid - 1;
    else if (address >= m.end) lo = mid + 1;
    else return m;
  }
  return null;
}

/** What a strategy answers when the stack ends there: no caller, and no other strategy to try. */
const END = Symbol('end of stack');

class Walker {
  private readonly regs;
  private readonly word: 4 | 8;
  /** Pointer authentication on arm64 signs return addresses in their high bits; these are cut off. */
  private readonly addressMask: bigint;

  constructor(private readonly input: WalkInput) {
    this.regs = ARCH_REGISTERS[input.arch];
    this.word = this.regs.word;
    const highest = input.modules.reduce((max, m) => (m.end > max ? m.end : max), 0n);
    this.addressMask =
      input.arch === 'arm64' && highest > 0n ? (1n << BigInt(highest.toString(2).length)) - 1n : (1n << BigInt(this.word * 8)) - 1n;
  }

  private read(address: bigint): bigint | null {
    return this.input.memory.word(address, this.word);
  }

  private code(address: bigint | null | undefined): WalkModule | null {
    if (address === null || address === undefined || address < LOWEST_CODE) return null;
    return moduleAt(this.input.modules, address);
  }

  /** A plausible return address: in a module, and in its known code where it has symbols. */
  private returnAddress(value: bigint | null): bigint | null {
    if (value === null) return null;
    const address = value & this.addressMask;
    const module = this.code(address);
    // A module's first byte is its header, never the byte after a call.
    if (!module || address === module.start) return null;
    if (module.symbols && !module.symbols.knowsCode(Number(address - module.start - 1n))) return null;
    return address;
  }

  private frame(pc: bigint, registers: Registers, trust: FrameTrust): WalkedFrame {
    registers.set(this.regs.pc, pc);
    return { pc, registers, trust, module: this.code(pc) };
  }

  private calleeSaved(callee: WalkedFrame): Registers {
    const kept: Registers = new Map();
    for (const name of this.regs.calleeSaved) {
      const value = callee.registers.get(name);
      if (value !== undefined) kept.set(name, value);
    }
    return kept;
  }

  /** The address whose unwind rules apply: a caller's pc is a return address, one past its call. */
  private lookupAddress(frame: WalkedFrame): bigint {
    return frame.trust === 'context' ? frame.pc : frame.pc - 1n;
  }

  private postfix(values: (name: string) => bigint | null): PostfixContext {
    return { value: values, read: (address) => this.read(address), word: this.word };
  }

  private byCfi(callee: WalkedFrame): WalkedFrame | typeof END | null {
    const module = callee.module;
    const rules = module?.symbols?.cfiRules(Number(this.lookupAddress(callee) - module.start));
    const cfaRule = rules?.get('.cfa');
    const raRule = rules?.get('.ra');
    if (!rules || !cfaRule || !raRule) return null;
    const cfa = evaluate(
      cfaRule,
      this.postfix((name) => callee.registers.get(name) ?? null),
    );
    if (cfa === null) return null;
    // Every other rule may use the CFA, and reads the callee's registers as they were.
    const context = this.postfix((name) => (name === '.cfa' ? cfa : (callee.registers.get(name) ?? null)));
    const ra = evaluate(raRule, context);
    // A return address of 0 is how the outermost frame says there is no caller.
    if (ra === 0n) return END;
    const pc = this.returnAddress(ra);
    if (pc === null) return null;
    const caller = this.calleeSaved(callee);
    for (const [name, rule] of rules) {
      if (name === '.cfa' || name === '.ra') continue;
      const value = evaluate(rule, context);
      const register = name.startsWith('$') ? name.slice(1) : name;
      if (value === null) caller.delete(register);
      else caller.set(register, value);
    }
    caller.set(this.regs.sp, cfa);
    return this.frame(pc, caller, 'cfi');
  }

  /** Windows x86 frame data: a program over $eip, $esp, $ebp …, or FPO sizes when there is none. */
  private byWindowsFrameData(callee: WalkedFrame): WalkedFrame | null {
    const module = callee.module;
    const entry = this.input.arch === 'x86' ? module?.symbols?.winEntry(Number(this.lookupAddress(callee) - module.start)) : null;
    const esp = callee.registers.get('esp');
    if (!entry || esp === undefined) return null;
    const values = new Map(callee.registers);
    const raSearchStart = esp + BigInt(entry.localSize + entry.savedRegisterSize);
    values.set('.cbParams', BigInt(entry.parameterSize));
    values.set('.cbSavedRegs', BigInt(entry.savedRegisterSize));
    values.set('.cbLocals', BigInt(entry.localSize));
    values.set('.raSearchStart', raSearchStart);
    values.set('.raSearch', raSearchStart);
    // FPO data: the return address sits above the locals and saved registers; a pushed %ebp just below it.
    const program =
      entry.program ?? `$T0 .raSearchStart = $eip $T0 ^ = $esp $T0 4 + =${entry.allocatesBasePointer ? ' $ebp $T0 4 - ^ =' : ''}`;
    const result = runPostfix(
      program,
      this.postfix((name) => values.get(name) ?? null),
    );
    const pc = this.returnAddress(result?.assigned.get('eip') ?? null);
    const sp = result?.assigned.get('esp');
    if (!result || pc === null || sp === undefined) return null;
    const caller = this.calleeSaved(callee);
    for (const name of ['ebp', 'ebx', 'esi', 'edi']) {
      const value = result.assigned.get(name);
      if (value !== undefined) caller.set(name, value);
    }
    caller.set('esp', sp);
    return this.frame(pc, caller, 'cfi');
  }

  private byFramePointer(callee: WalkedFrame): WalkedFrame | typeof END | null {
    if (this.input.windows && this.input.arch === 'amd64') return null;
    const fp = callee.registers.get(this.regs.fp);
    const sp = callee.registers.get(this.regs.sp);
    if (fp === undefined || sp === undefined) return null;
    const leaf = this.leafCaller(callee);
    if (leaf) return leaf;
    if (fp < sp || fp % BigInt(this.word) !== 0n) return null;
    const ra = this.read(fp + BigInt(this.word));
    const callerFp = this.read(fp);
    if (ra === null || callerFp === null) return null;
    // On x86-64 the chain must run up the stack: a caller's frame pointer below its callee's is
    // not one, and the walk scans instead (Breakpad's check; its x86 and ARM walks have none).
    if (this.input.arch === 'amd64' && callerFp < fp) return null;
    // A frame record that holds a return address of 0 is the stack's last, as Breakpad reads it.
    if (ra === 0n) return END;
    const pc = this.returnAddress(ra);
    if (pc === null) return null;
    const caller = this.calleeSaved(callee);
    caller.set(this.regs.fp, callerFp);
    caller.set(this.regs.sp, fp + BigInt(2 * this.word));
    return this.frame(pc, caller, 'frame-pointer');
  }

  /**
   * On ARM the crashing function may be a leaf that never saved its link register: its caller is
   * then the link register itself, with the frame pointer still the caller's. Only trusted where
   * symbols show the link register is in another function.
   */
  private leafCaller(callee: WalkedFrame): WalkedFrame | null {
    const lr = this.regs.lr && callee.trust === 'context' ? callee.registers.get(this.regs.lr) : undefined;
    const module = callee.module;
    if (lr === undefined || !module?.symbols) return null;
    const pc = this.returnAddress(lr);
    const target = pc === null ? null : this.code(pc);
    if (pc === null || !target?.symbols) return null;
    const here = module.symbols.functionAt(Number(callee.pc - module.start));
    const there = target.symbols.functionAt(Number(pc - target.start - 1n));
    if (!here || !there || (here === there && target === module)) return null;
    const caller = this.calleeSaved(callee);
    caller.set(this.regs.sp, callee.registers.get(this.regs.sp) ?? 0n);
    return this.frame(pc, caller, 'frame-pointer');
  }

  private byScan(callee: WalkedFrame): WalkedFrame | null {
    const sp = callee.registers.get(this.regs.sp);
    if (sp === undefined) return null;
    const end = this.input.memory.end(sp);
    // The context's frame may have much of its own frame above sp: it is given a longer look.
    const words = callee.trust === 'context' ? SCAN_WORDS_CONTEXT : SCAN_WORDS;
    for (let i = 0; i < words; i++) {
      const at = sp + BigInt(i * this.word);
      if (end !== null && at + BigInt(this.word) > end) break;
      const pc = this.returnAddress(this.read(at));
      if (pc === null) continue;
      const caller = this.calleeSaved(callee);
      caller.set(this.regs.sp, at + BigInt(this.word));
      return this.frame(pc, caller, 'scan');
    }
    return null;
  }

  walk(): WalkedFrame[] {
    const pc = this.input.context.get(this.regs.pc);
    if (pc === undefined) return [];
    const frames = [this.frame(pc & this.addressMask, new Map(this.input.context), 'context')];
    const limit = Math.min(this.input.maxFrames ?? MAX_WALK_FRAMES, MAX_WALK_FRAMES);
    while (frames.length < limit) {
      const callee = frames.at(-1) as WalkedFrame;
      const calleeSp = callee.registers.get(this.regs.sp) ?? 0n;
      const strategies = [this.byCfi, this.byWindowsFrameData, this.byFramePointer, this.byScan];
      let caller: WalkedFrame | null = null;
      let ended = false;
      for (const strategy of strategies) {
        const candidate = strategy.call(this, callee);
        if (candidate === END) {
          ended = true;
          break;
        }
        const sp = candidate?.registers.get(this.regs.sp);
        // The stack grows down: a caller's frame is above its callee's, or the walk would loop.
        if (
          candidate &&
          sp !== undefined &&
          (sp > calleeSp || (sp === calleeSp && candidate.pc !== callee.pc && callee.trust === 'context'))
        ) {
          caller = candidate;
          break;
        }
      }
      if (!caller || ended) break;
      frames.push(caller);
    }
    return frames;
  }
}

export function walkStack(input: WalkInput): WalkedFrame[] {
  return new Walker(input).walk();
}
