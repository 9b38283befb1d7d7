import type { AnalysisWarning, Thread } from '../../shared/model';

/** What every backend is given: the files to load and where debug info may live. */
export interface ExtractionInput {
  core: string;
  executable: string | null;
  debugDirs: string[];
  /** Kernel thread id of the thread that took the signal, from the core's notes. */
  crashingThreadId: number;
  /** Maps an address to the file mapped there, from the core's notes. */
  moduleAt: (address: bigint) => string | null;
  /** The general-purpose registers of the core's architecture, named as gdb names them. */
  registerNames: string[];
  /** Number of threads in the core's notes. */
  threadCount: number;
  timeoutMs?: number;
}

export interface ExtractionResult {
  threads: Thread[];
  warnings: AnalysisWarning[];
}

export const MAX_FRAMES = 1024;
/** Locals are read for at most this many frames across all threads, crashing thread first. */
export const MAX_LOCAL_FRAMES = 64;

/** Crashing thread first, then by debugger thread number. */
export function orderThreads(threads: Thread[]): Thread[] {
  return [...threads].sort((a, b) => Number(b.crashed) - Number(a.crashed) || a.number - b.number);
}

/**
 * An inlined frame shares its program counter with the frame that contains it, while a real
 * caller's pc is a return address past the call; debuggers report both at the same address.
 */
export function markInlined<T extends { address: string; inline: boolean }>(frames: T[]): T[] {
  return frames.map((f, i) => ({ ...f, inline: f.inline || (i + 1 < frames.length && frames[i + 1]?.address === f.address) }));
}

export function hexAddress(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = /0x[0-9a-fA-F]+/.exec(text);
  return m ? `0x${BigInt(m[0]).toString(16)}` : null;
}
