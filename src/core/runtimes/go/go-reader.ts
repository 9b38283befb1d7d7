/** Go crashes: goroutines as the threads, the panicking one as the crashing one, and its panic. */

import type { Thread } from '../../../shared/model';
import { markInlined } from '../../debugger/extraction';
import { nativeOnly, type RuntimeInput, type RuntimeReader, type RuntimeView } from '../runtime-reader';
import { MAX_GOROUTINES, panickingGoroutine, readWithDelve, type DelveReading, type Goroutine } from './delve';

/** A goroutine as a thread: its id stands in the thread's number, and its OS thread's LWP is its id where it ran on one. */
function goroutineThread(g: Goroutine, crashed: boolean, threads: Thread[], moduleAt: RuntimeInput['moduleAt']): Thread {
  const os = g.thread === null ? undefined : threads.find((t) => t.id === g.thread);
  return {
    // A parked goroutine has no LWP; a negative id is never one.
    id: g.thread ?? -g.id,
    number: g.id,
    name: `goroutine ${g.id}`,
    goroutine: g.id,
    crashed,
    // Delve names a function the compiler inlined at its caller's address, as gdb does.
    frames: markInlined(
      g.frames.map((f, index) => ({
        index,
        address: f.address,
        function: f.function,
        file: f.file,
        line: f.line,
        module: f.address === '0x0' ? null : moduleAt(BigInt(f.address)),
        inline: false,
        language: 'go' as const,
      })),
    ),
    framesTruncated: false,
    registers: os?.registers ?? {},
    locals: {},
  };
}

export const goReader: RuntimeReader = {
  runtime: 'go',
  async read(input: RuntimeInput) {
    if (!input.executable)
      return nativeOnly(
        'go',
        null,
        'the Go program was not found on this machine, and Delve needs it to read the goroutines: give it with --exe',
      );
    let reading: DelveReading;
    try {
      reading = await readWithDelve(input.executable, input.core, input.crashingThreadId, input.timeoutMs);
    } catch (error) {
      return nativeOnly('go', 'delve', `Delve could not read the goroutines: ${(error as Error).message}`);
    }
    return (threads: Thread[]): RuntimeView => {
      const dying = panickingGoroutine(reading.goroutines, input.crashingThreadId);
      if (!dying) return nativeOnly('go', 'delve', 'Delve found no goroutine in this core', reading.message)(threads);
      const goroutines = reading.goroutines.map((g) => goroutineThread(g, g === dying, threads, input.moduleAt));
      const crashed = goroutines.find((t) => t.crashed) as Thread;
      const cut = reading.total > reading.goroutines.length;
      return {
        threads: [crashed, ...goroutines.filter((t) => t !== crashed)],
        crashingThreadId: crashed.id,
        reading: { runtime: 'go', reader: 'delve', message: reading.message, missing: null },
        warnings: cut
          ? [
              {
                kind: 'debugger',
                message: `the core holds ${reading.total} goroutines; the first ${MAX_GOROUTINES} are shown. dlv core lists them all.`,
              },
            ]
          : [],
      };
    };
  },
};
