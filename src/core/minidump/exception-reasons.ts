import type { SignalInfo } from '../../shared/model';

/**
 * Why a Windows or macOS process died, as its minidump's exception record says, in the same shape
 * as a Linux signal: `name` is what groups and searches use, `explanation` what people read.
 * Linux dumps keep their signals (signals.ts).
 */

const NULL_PAGE = 0x10000n;
const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** NTSTATUS and exception codes a crashing Windows process reports, with what they mean. */
const WINDOWS_CODES: Record<number, [name: string, meaning: string]> = {
  0xc0000005: ['EXCEPTION_ACCESS_VIOLATION', 'an access to memory the process may not touch'],
  0xc0000006: ['EXCEPTION_IN_PAGE_ERROR', 'a page of a mapped file could not be read (network drive gone, disk error)'],
  0x80000002: ['EXCEPTION_DATATYPE_MISALIGNMENT', 'misaligned data access'],
  0x80000003: ['EXCEPTION_BREAKPOINT', 'a breakpoint instruction (__debugbreak, int 3) with no debugger attached'],
  0x80000004: ['EXCEPTION_SINGLE_STEP', 'a single-step trap with no debugger attached'],
  0xc000001d: ['EXCEPTION_ILLEGAL_INSTRUCTION', 'an invalid instruction: often code built for a newer CPU, or a jump into data'],
  0xc0000025: ['EXCEPTION_NONCONTINUABLE_EXCEPTION', 'execution continued after an exception that forbids it'],
  0xc000008c: ['EXCEPTION_ARRAY_BOUNDS_EXCEEDED', 'an array index out of bounds, caught by the hardware'],
  0xc000008e: ['EXCEPTION_FLT_DIVIDE_BY_ZERO', 'a floating-point division by zero'],
  0xc0000090: ['EXCEPTION_FLT_INVALID_OPERATION', 'an invalid floating-point operation'],
  0xc0000094: ['EXCEPTION_INT_DIVIDE_BY_ZERO', 'an integer division by zero: check divisors that can be zero'],
  0xc0000095: ['EXCEPTION_INT_OVERFLOW', 'an integer overflow trap'],
  0xc0000096: ['EXCEPTION_PRIV_INSTRUCTION', 'a privileged instruction in user mode'],
  0xc00000fd: ['EXCEPTION_STACK_OVERFLOW', 'the thread ran out of stack: deep or infinite recursion, or a huge local array'],
  0xc0000374: ['STATUS_HEAP_CORRUPTION', 'the heap found itself corrupted: a write past a buffer, a double free or a use after free'],
  0xc0000409: ['STATUS_STACK_BUFFER_OVERRUN', 'a fail-fast: a stack buffer overrun caught by /GS, or __fastfail from the runtime'],
  0xc0000602: ['STATUS_FAIL_FAST_EXCEPTION', 'the program ended itself at once (__fastfail)'],
  0x40000015: ['STATUS_FATAL_APP_EXIT', 'the program aborted itself (abort(), a failed assert)'],
  0xe06d7363: ['EXCEPTION_CXX', 'an uncaught C++ exception (MSVC)'],
};

const ACCESS_KINDS: Record<number, [suffix: string, verb: string]> = {
  0: ['READ', 'reading'],
  1: ['WRITE', 'writing'],
  8: ['EXEC', 'executing'],
};

/** The meaning of a faulting address, as for SIGSEGV on Linux. */
function pointerMeaning(address: bigint): string {
  if (address < NULL_PAGE) {
    return address === 0n ? 'a NULL pointer dereference' : `a NULL pointer dereference (a field ${hex(address)} bytes into a NULL object)`;
  }
  return 'a wild or dangling pointer (use after free, out-of-bounds index, corrupted pointer)';
}

export interface ExceptionRecord {
  code: number;
  flags: number;
  address: bigint;
  parameters: bigint[];
}

export function windowsReason(e: ExceptionRecord): SignalInfo {
  const known = WINDOWS_CODES[e.code];
  const codeHex = `0x${e.code.toString(16).padStart(8, '0')}`;
  if (e.code === 0xc0000005 || e.code === 0xc0000006) {
    const kind = ACCESS_KINDS[Number(e.parameters[0] ?? 0n)] ?? ['READ', 'reading'];
    const target = e.parameters[1] ?? null;
    const base = known?.[0] ?? 'EXCEPTION_ACCESS_VIOLATION';
    const name = `${base}_${kind[0]}`;
    return {
      number: e.code,
      name,
      code: Number(e.parameters[0] ?? 0n),
      codeName: base,
      faultAddress: target !== null ? hex(target) : null,
      senderPid: null,
      explanation:
        target !== null
          ? `${name} at ${hex(target)}: ${kind[1]} memory the process may not touch — ${kind[0] === 'EXEC' ? 'executing data or a freed function pointer (DEP)' : pointerMeaning(target)}`
          : `${name}: ${known?.[1] ?? ''}`,
    };
  }
  const name = known?.[0] ?? `EXCEPTION_${codeHex}`;
  return {
    number: e.code,
    name,
    code: e.flags,
    codeName: null,
    faultAddress: null,
    senderPid: null,
    explanation: known
      ? `${name} at ${hex(e.address)}: ${known[1]}`
      : `${name} at ${hex(e.address)}: an exception code this workbench does not know`,
  };
}

/** Mach exception types, and the codes of EXC_BAD_ACCESS (kern_return_t values). */
const MACH_TYPES: Record<number, [name: string, meaning: string]> = {
  1: ['EXC_BAD_ACCESS', 'an access to memory the process may not touch'],
  2: ['EXC_BAD_INSTRUCTION', 'an invalid instruction: often a deliberate trap (ud2, __builtin_trap) or code for a newer CPU'],
  3: ['EXC_ARITHMETIC', 'an arithmetic fault: a division by zero or an overflow trap'],
  4: ['EXC_EMULATION', 'an emulation instruction'],
  5: ['EXC_SOFTWARE', 'a software exception: an uncaught exception or an abort'],
  6: ['EXC_BREAKPOINT', 'a trap instruction: on arm64 a Swift or Rust runtime check that failed (brk), or __builtin_trap'],
  10: ['EXC_CRASH', 'the process ended abnormally: abort(), or a signal it did not handle'],
  11: ['EXC_RESOURCE', 'a resource limit was exceeded (CPU, memory, wakeups)'],
  12: ['EXC_GUARD', 'a guarded resource was misused (a guarded file descriptor or Mach port)'],
};

const KERN_CODES: Record<number, [name: string, meaning: string]> = {
  1: ['KERN_INVALID_ADDRESS', 'the address is not mapped'],
  2: ['KERN_PROTECTION_FAILURE', 'the address is mapped, but not for this kind of access (writing read-only memory, executing data)'],
  0x101: ['EXC_ARM_DA_ALIGN', 'a misaligned access'],
  0x102: ['EXC_ARM_DA_DEBUG', 'a watchpoint'],
};

export function machReason(e: ExceptionRecord): SignalInfo {
  const type = MACH_TYPES[e.code];
  const name = type?.[0] ?? `EXC_${e.code}`;
  const codeName = e.code === 1 ? (KERN_CODES[e.flags]?.[0] ?? null) : null;
  const fault = e.code === 1 ? e.address : null;
  const reason = codeName ? `${name} / ${codeName}` : name;
  let explanation = `${reason}: ${type?.[1] ?? 'a Mach exception this workbench does not know'}`;
  if (fault !== null) {
    const kind = KERN_CODES[e.flags]?.[1];
    explanation = `${reason} at ${hex(fault)}: ${kind ?? 'a bad access'} — ${pointerMeaning(fault)}`;
  }
  return {
    number: e.code,
    name,
    code: e.flags,
    codeName,
    faultAddress: fault !== null ? hex(fault) : null,
    senderPid: null,
    explanation,
  };
}
