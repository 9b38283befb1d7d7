import type { AnalysisWarning, Frame, FrameTrust, Thread } from '../../shared/model';

/** What a backend needs before it sees the core. */
export interface DebuggerOptions {
  debugDirs: string[];
  timeoutMs?: number;
  /**
   * Where gdb keeps the indexes it builds of debug info, by build-id: the second core of a program
   * (or of any program on the same libc) loads without reading its DWARF again.
   */
  indexCacheDir?: string | null;
  /** Inflated copies of compressed debug files (plain-debug.ts), searched before every other debug folder. */
  plainDebugDir?: string | null;
  /** The program to start, where the kind's usual one cannot read the core (gdb-multiarch for another architecture). */
  program?: string;
}

/** A debugger made ready ahead of the extraction, so its start-up overlaps other work. */
export interface PreparedDebugger {
  extract(input: ExtractionInput): Promise<ExtractionResult>;
  /** Releases the debugger when no extraction will follow. */
  dispose(): void;
  /** False once its process has gone (killed, crashed, timed out): a kept one is then started afresh. */
  isAlive(): boolean;
  /** Settles once its process has ended (at once when it has none), for a command that waits for its children. */
  gone(): Promise<void>;
}

/** What every backend is given: the files to load and where debug info may live. */
export interface ExtractionInput {
  core: string;
  executable: string | null;
  debugDirs: string[];
  /** A root under which the core's recorded library paths lead to the files chosen for them. */
  sysroot: string | null;
  /** Searched for libraries by file name, after the sysroot. */
  solibDirs: string[];
  /** Kernel thread id of the thread that took the signal, from the core's notes. */
  crashingThreadId: number;
  /** Its place in the core's thread list, from 1: lldb's number for it. */
  crashingThreadNumber?: number;
  /** Maps an address to the file mapped there, from the core's notes. */
  moduleAt: (address: bigint) => string | null;
  /** The general-purpose registers of the core's architecture, named as gdb names them. */
  registerNames: string[];
  /** Number of threads in the core's notes. */
  threadCount: number;
  /**
   * Each thread's registers as the core's notes hold them (NT_PRSTATUS), by kernel thread id:
   * what a debugger reports for a thread's innermost frame, read without asking it thread by thread.
   */
  noteRegisters?: Map<number, Record<string, string>>;
  timeoutMs?: number;
}

export interface ExtractionResult {
  threads: Thread[];
  warnings: AnalysisWarning[];
}

export const MAX_FRAMES = 1024;
/** Locals are read up front for the crashing thread's frames with debug info, at most this many. */
export const MAX_LOCAL_FRAMES = 16;

const SYSTEM_LIBRARY = /^\/(usr\/)?lib(32|64)?\//;

/**
 * Frames whose locals are read up front: the program's own frames with debug info in the crashing
 * thread. System libraries are left out: expanding libc's debug info costs more than the rest of
 * the analysis, and their locals are rarely what a developer reads first.
 */
export function framesForLocals(thread: Thread | undefined): Frame[] {
  return (thread?.frames ?? []).filter((f) => f.file !== null && !SYSTEM_LIBRARY.test(f.module ?? '')).slice(0, MAX_LOCAL_FRAMES);
}

/** Crashing thread first, then by debugger thread number. */
export function orderThreads(threads: Thread[]): Thread[] {
  return [...threads].sort((a, b) => Number(b.crashed) - Number(a.crashed) || a.number - b.number);
}

/**
 * An inlined frame shares its program counter with the frame that contains it, while a real
 * caller's pc is a return address past the call; debuggers report both at the same address.
 * Recursion repeats one return address too, but there the frames are one function at one line:
 * those are calls, not inlining.
 */
export function markInlined<T extends { address: string; inline: boolean; function: string | null; line: number | null }>(
  frames: T[],
): T[] {
  return frames.map((f, i) => {
    const caller = frames[i + 1];
    const sharesPc = caller !== undefined && caller.address === f.address;
    const recursion = sharesPc && caller.function === f.function && caller.line === f.line;
    return { ...f, inline: f.inline || (sharesPc && !recursion) };
  });
}

/**
 * Marks the frames after the program's `main`: the C library's start-up and `_start`, which gdb
 * (with `backtrace past-main`) and lldb show, and which every crash of every program shares.
 */
export function markPastMain<T extends { function: string | null; pastMain?: boolean }>(frames: T[]): T[] {
  const main = frames.findIndex((f) => f.function === 'main');
  return main < 0 ? frames : frames.map((f, i) => (i > main ? { ...f, pastMain: true } : f));
}

/**
 * Marks the frames a debugger could only guess: each caller of a frame in code whose file it
 * lacked (a library that moved away), since a core keeps no unwind rules of its own and the
 * debugger then guesses from the prologue and the stack. A frame an inlined one sits in is the
 * same frame, and as sure as it.
 */
export function markGuessed<T extends { module: string | null; inline: boolean; trust?: FrameTrust }>(
  frames: T[],
  hasUnwindRules: (module: string | null) => boolean,
): T[] {
  const out: T[] = [];
  frames.forEach((f, i) => {
    const callee = frames[i - 1];
    const guessed = callee !== undefined && (callee.inline ? out[i - 1]?.trust === 'guess' : !hasUnwindRules(callee.module));
    out.push(guessed ? { ...f, trust: 'guess' } : f);
  });
  return out;
}

export function hexAddress(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = /0x[0-9a-fA-F]+/.exec(text);
  return m ? `0x${BigInt(m[0]).toString(16)}` : null;
}
