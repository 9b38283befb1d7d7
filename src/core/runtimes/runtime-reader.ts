/** What every language runtime's reader is given and gives back. */

import type { AnalysisWarning, Frame, RuntimeName, RuntimeReading, Thread } from '../../shared/model';
import type { SymbolCache } from '../symbols/symbol-cache';
import type { RuntimeFacts } from './detect';

export interface RuntimeInput {
  facts: RuntimeFacts;
  core: string;
  /** The program's file on this machine, where found. */
  executable: string | null;
  /** The analysis's folder of links, under which the core's recorded library paths lead to the files chosen. */
  sysroot: string | null;
  solibDirs: string[];
  debugDirs: string[];
  crashingThreadId: number;
  /** The symbol cache, where copies a reader makes are kept between opens. */
  symbolCache: SymbolCache | null;
  moduleAt: (address: bigint) => string | null;
  timeoutMs: number;
}

/** The runtime's view of the crash, laid over the debugger's threads once both are done. */
export interface RuntimeView {
  threads: Thread[];
  /** Set where the runtime names another crashing thread (the goroutine that panicked). */
  crashingThreadId?: number;
  reading: RuntimeReading;
  warnings: AnalysisWarning[];
}

export interface RuntimeReader {
  runtime: RuntimeName;
  /** Reads the core alongside the debugger; the result is laid over its threads when they come. */
  read(input: RuntimeInput): Promise<(threads: Thread[]) => RuntimeView>;
}

/**
 * The thread with a runtime's frames put in among its own: frames are numbered from 0 again, and
 * the locals and registers read for the debugger's frames move with them (a frame of the thread
 * is known by being the same object).
 */
export function withFrames(thread: Thread, frames: Frame[]): Thread {
  const moved = new Map<number, number>();
  frames.forEach((f, at) => {
    if (thread.frames.includes(f)) moved.set(f.index, at);
  });
  const remap = <V>(table: Record<string, V> | undefined): Record<string, V> => {
    const out: Record<string, V> = {};
    for (const [key, value] of Object.entries(table ?? {})) {
      const at = moved.get(Number(key));
      if (at !== undefined) out[String(at)] = value;
    }
    return out;
  };
  return {
    ...thread,
    frames: frames.map((f, index) => ({ ...f, index })),
    locals: remap(thread.locals),
    ...(thread.frameRegisters ? { frameRegisters: remap(thread.frameRegisters) } : {}),
  };
}

/** The view where the runtime's reader gave nothing: the debugger's threads as they are, and why (said once, as the reading's `missing`). */
export const nativeOnly =
  (runtime: RuntimeName, reader: string | null, missing: string, message: string | null = null) =>
  (threads: Thread[]): RuntimeView => ({
    threads,
    reading: { runtime, reader, message, missing },
    warnings: [],
  });
