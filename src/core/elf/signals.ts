import type { SignalInfo } from '../../shared/model';
import { SIGNAL_NAMES } from '../../shared/signals';

type CodeTable = Record<number, [name: string, meaning: string]>;

const GENERIC_CODES: CodeTable = {
  0: ['SI_USER', 'sent by kill()'],
  128: ['SI_KERNEL', 'sent by the kernel'],
  [-1]: ['SI_QUEUE', 'sent by sigqueue()'],
  [-2]: ['SI_TIMER', 'a POSIX timer expired'],
  [-6]: ['SI_TKILL', 'sent by tgkill() — raise() or abort() in the process itself'],
};

const FAULT_CODES: Record<number, CodeTable> = {
  11: {
    1: ['SEGV_MAPERR', 'address not mapped'],
    2: ['SEGV_ACCERR', 'invalid permissions for mapped object'],
    3: ['SEGV_BNDERR', 'failed address bound checks'],
    4: ['SEGV_PKUERR', 'access denied by memory protection keys'],
  },
  7: {
    1: ['BUS_ADRALN', 'invalid address alignment'],
    2: ['BUS_ADRERR', 'nonexistent physical address'],
    3: ['BUS_OBJERR', 'object-specific hardware error'],
    4: ['BUS_MCEERR_AR', 'hardware memory error consumed'],
    5: ['BUS_MCEERR_AO', 'hardware memory error detected'],
  },
  4: {
    1: ['ILL_ILLOPC', 'illegal opcode'],
    2: ['ILL_ILLOPN', 'illegal operand'],
    3: ['ILL_ILLADR', 'illegal addressing mode'],
    4: ['ILL_ILLTRP', 'illegal trap'],
    5: ['ILL_PRVOPC', 'privileged opcode'],
    6: ['ILL_PRVREG', 'privileged register'],
    7: ['ILL_COPROC', 'coprocessor error'],
    8: ['ILL_BADSTK', 'internal stack error'],
  },
  8: {
    1: ['FPE_INTDIV', 'integer divide by zero'],
    2: ['FPE_INTOVF', 'integer overflow'],
    3: ['FPE_FLTDIV', 'floating-point divide by zero'],
    4: ['FPE_FLTOVF', 'floating-point overflow'],
    5: ['FPE_FLTUND', 'floating-point underflow'],
    6: ['FPE_FLTRES', 'floating-point inexact result'],
    7: ['FPE_FLTINV', 'invalid floating-point operation'],
    8: ['FPE_FLTSUB', 'subscript out of range'],
  },
  5: {
    1: ['TRAP_BRKPT', 'process breakpoint'],
    2: ['TRAP_TRACE', 'process trace trap'],
    3: ['TRAP_BRANCH', 'process taken branch trap'],
    4: ['TRAP_HWBKPT', 'hardware breakpoint or watchpoint'],
  },
};

export function signalName(signo: number): string {
  return SIGNAL_NAMES[signo] ?? `SIG${signo}`;
}

export interface SignalFacts {
  signo: number;
  code: number;
  faultAddress: bigint | null;
  senderPid: number | null;
  /** The crashing thread's stack pointer, to recognise stack overflows. */
  stackPointer: bigint | null;
  /** The pid of the crashed process, to tell self-sent signals from outside ones. */
  pid: number;
}

const NULL_PAGE = 4096n;
const STACK_GUARD_DISTANCE = 1n << 20n;
const hex = (n: bigint): string => `0x${n.toString(16)}`;

function codeOf(signo: number, code: number): [string, string] | null {
  return FAULT_CODES[signo]?.[code] ?? GENERIC_CODES[code] ?? null;
}

/** Why the process died, in one sentence, from what the kernel recorded. */
function explain(facts: SignalFacts, name: string, meaning: string | null): string {
  const { signo, code, faultAddress: addr, senderPid, stackPointer: sp } = facts;
  const at = addr !== null ? ` at ${hex(addr)}` : '';
  const base = meaning ? `${name}${at}: ${meaning}` : `${name}${at}`;
  if (code <= 0 && senderPid !== null) {
    if (signo === 6 && (senderPid === facts.pid || senderPid === 0)) {
      return `${name}: the program aborted itself — abort(), a failed assert, an uncaught C++ exception, a Rust panic or a fatal error found by the C library`;
    }
    if (senderPid === facts.pid) return `${name}: raised by the process itself (raise() or kill() on itself)`;
    return `${name}: sent by another process (pid ${senderPid}) — the program did not fault, it was told to die`;
  }
  if (signo === 11 && addr !== null) {
    if (code === 1 && addr < NULL_PAGE) {
      const offset = addr === 0n ? '' : ` (a field ${hex(addr)} bytes into a NULL object)`;
      return `${base} — a NULL pointer dereference${offset}`;
    }
    if (sp !== null && (addr > sp ? addr - sp : sp - addr) < STACK_GUARD_DISTANCE) {
      return `${base} — next to the stack pointer: most likely a stack overflow (deep or infinite recursion, or a huge local array)`;
    }
    if (code === 1) return `${base} — a wild or dangling pointer (use after free, out-of-bounds index, corrupted pointer)`;
    if (code === 2) return `${base} — writing to read-only memory or executing data (string literal written, W^X violation)`;
  }
  if (signo === 4 && code === 1) return `${base} — often a deliberate trap (__builtin_trap, ud2, Rust abort) or code built for a newer CPU`;
  if (signo === 8 && code === 1) return `${base} — check divisors that can be zero`;
  if (signo === 7 && code === 2) return `${base} — often a memory-mapped file that was truncated while mapped`;
  return base;
}

export function describeSignal(facts: SignalFacts): SignalInfo {
  const name = signalName(facts.signo);
  const code = codeOf(facts.signo, facts.code);
  return {
    number: facts.signo,
    name,
    code: facts.code,
    codeName: code?.[0] ?? null,
    faultAddress: facts.faultAddress !== null ? hex(facts.faultAddress) : null,
    senderPid: facts.senderPid,
    explanation: explain(facts, name, code?.[1] ?? null),
  };
}
