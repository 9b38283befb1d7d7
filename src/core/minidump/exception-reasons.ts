import type { SignalInfo } from '../../shared/model';
import { signalName } from '../elf/signals';

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
  if (e.code === FAST_FAIL_STATUS && e.parameters[0] !== undefined) return fastFailReason(e, e.parameters[0]);
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

/** STATUS_STACK_BUFFER_OVERRUN: what `__fastfail(code)` raises, whatever the code says happened. */
const FAST_FAIL_STATUS = 0xc0000409;

/** The codes of `__fastfail`, as winnt.h names them; Breakpad and the Windows debuggers name the crash by them. */
const FAST_FAIL_CODES: Record<number, [name: string, meaning: string]> = {
  0: ['LEGACY_GS_VIOLATION', 'a stack buffer overrun caught by a /GS cookie'],
  1: ['VTGUARD_CHECK_FAILURE', 'a corrupted C++ virtual table'],
  2: ['STACK_COOKIE_CHECK_FAILURE', 'a stack buffer overrun caught by a /GS cookie'],
  3: ['CORRUPT_LIST_ENTRY', 'a corrupted linked list (often heap corruption)'],
  4: ['INCORRECT_STACK', 'the stack pointer outside the thread’s stack'],
  5: ['INVALID_ARG', 'an invalid argument to a runtime function (the CRT’s invalid parameter handler)'],
  6: ['GS_COOKIE_INIT', 'the /GS cookie was used before it was set up'],
  7: ['FATAL_APP_EXIT', 'the program ended itself: abort(), or terminate() after an uncaught C++ exception'],
  8: ['RANGE_CHECK_FAILURE', 'an index out of range, caught by a checked container'],
  9: ['UNSAFE_REGISTRY_ACCESS', 'an unsafe registry access'],
  10: ['GUARD_ICALL_CHECK_FAILURE', 'an indirect call to an address Control Flow Guard does not allow'],
  11: ['GUARD_WRITE_CHECK_FAILURE', 'a write Control Flow Guard does not allow'],
  12: ['INVALID_FIBER_SWITCH', 'a switch to an invalid fiber'],
  13: ['INVALID_SET_OF_CONTEXT', 'a thread context set to an invalid one'],
  14: ['INVALID_REFERENCE_COUNT', 'a reference count that went wrong (below zero or overflowed)'],
  18: ['INVALID_JUMP_BUFFER', 'longjmp to an invalid jump buffer'],
  19: ['MRDATA_MODIFIED', 'protected loader data was modified'],
  21: ['INVALID_EXCEPTION_CHAIN', 'a corrupted exception handler chain'],
  23: ['INVALID_CALL_IN_DLL_CALLOUT', 'a call the loader forbids from inside DllMain'],
  28: ['INVALID_BUFFER_ACCESS', 'a buffer accessed out of its bounds'],
  29: ['INVALID_BALANCED_TREE', 'a corrupted balanced tree (often heap corruption)'],
  37: ['GUARD_JUMPTABLE', 'a jump through a table Control Flow Guard does not allow'],
  38: ['INVALID_LONGJUMP_TARGET', 'longjmp to a target Control Flow Guard does not allow'],
  44: ['GUARD_SS_FAILURE', 'a return address that does not match the shadow stack (CET)'],
  50: ['HEAP_METADATA_CORRUPTION', 'corrupted heap metadata: a write past a buffer, a double free or a use after free'],
  57: ['CONTROL_INVALID_RETURN_ADDRESS', 'an invalid return address (CET)'],
};

function fastFailReason(e: ExceptionRecord, parameter: bigint): SignalInfo {
  const code = Number(parameter);
  const known = FAST_FAIL_CODES[code];
  const name = known ? `FAST_FAIL_${known[0]}` : `FAST_FAIL_${code}`;
  return {
    number: e.code,
    name,
    code,
    codeName: 'STATUS_STACK_BUFFER_OVERRUN',
    faultAddress: null,
    senderPid: null,
    explanation: `${name} at ${hex(e.address)}: __fastfail(${code}), ${known?.[1] ?? 'a fail-fast code this workbench does not know'}`,
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

const EXC_CRASH = 10;

/**
 * EXC_CRASH: the process died of a signal it did not handle (abort() is SIGABRT), which the
 * kernel wraps in a Mach exception. Crashpad records it with no exception of its own (code 0),
 * EXC_CRASH as the first parameter and the signal in bits 24–31 of the second.
 */
function excCrash(e: ExceptionRecord): SignalInfo | null {
  const wrapped =
    e.code === EXC_CRASH ? BigInt(e.flags) : e.code === 0 && e.parameters[0] === BigInt(EXC_CRASH) ? e.parameters[1] : undefined;
  if (wrapped === undefined) return null;
  const signo = Number((wrapped >> 24n) & 0xffn);
  const signal = signalName(signo);
  return {
    number: EXC_CRASH,
    name: 'EXC_CRASH',
    code: signo,
    codeName: signal,
    faultAddress: null,
    senderPid: null,
    explanation: `EXC_CRASH / ${signal}: the process died of ${signal}${signo === 6 ? ', as abort() raises it (a failed assert, std::terminate, a panic that aborts)' : ''}`,
  };
}

export function machReason(e: ExceptionRecord): SignalInfo {
  const crash = excCrash(e);
  if (crash) return crash;
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
