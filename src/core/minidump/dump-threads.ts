import type { BoundedFile } from '../platform/bounded-file';
import type { MemoryRegion } from './dump-memory';
import { listStart, STREAM, type DumpArch, type Streams } from './minidump-streams';
import { parseContext, type Registers } from './thread-context';

/** A thread of the thread list: its id, its stack as the dump kept it, and its registers. */
export interface DumpThread {
  tid: number;
  stack: MemoryRegion;
  registers: Registers | null;
}

const THREAD_SIZE = 48;
const MAX_THREADS = 65_536;
/** The largest CONTEXT any architecture writes (ARM64's with its vector registers) with room to spare. */
const MAX_CONTEXT = 4096;

async function contextAt(file: BoundedFile, arch: DumpArch | null, size: number, rva: number): Promise<Registers | null> {
  if (!arch || size === 0) return null;
  return parseContext(arch, await file.read(rva, Math.min(size, MAX_CONTEXT)));
}

/**
 * The threads; a count is trusted only as far as its stream holds entries. The crashing thread's
 * registers are the exception's, where the dump has them: its thread list entry may show the
 * handler that wrote the dump instead. A context that lies outside the file leaves its thread
 * without registers, and a problem that says so: the other threads are still read.
 */
export async function readThreads(
  file: BoundedFile,
  streams: Streams,
  arch: DumpArch | null,
  problems: string[] = [],
): Promise<DumpThread[] | null> {
  const list = await streams.read(STREAM.threadList, 'thread list');
  if (!list || list.length < 4) return null;
  const claimed = list.readUInt32LE(0);
  const first = listStart(list, THREAD_SIZE);
  const count = Math.min(claimed, MAX_THREADS, Math.floor((list.length - first) / THREAD_SIZE));
  if (claimed > count) problems.push(`its thread list claims ${claimed} threads and holds ${count}`);
  const exception = await streams.read(STREAM.exception, 'exception');
  const crashing = exception && exception.length >= 168 ? exception.readUInt32LE(0) : null;
  const threads: DumpThread[] = [];
  for (let i = 0; i < count; i++) {
    const at = first + i * THREAD_SIZE;
    const tid = list.readUInt32LE(at);
    const [size, rva] =
      tid === crashing && exception && exception.readUInt32LE(160) > 0
        ? [exception.readUInt32LE(160), exception.readUInt32LE(164)]
        : [list.readUInt32LE(at + 40), list.readUInt32LE(at + 44)];
    const registers = await contextAt(file, arch, size, rva);
    if (arch && size > 0 && !registers)
      problems.push(`thread ${tid}'s registers (${size} bytes at ${rva}) are not in the file of ${file.size} bytes`);
    threads.push({
      tid,
      stack: { start: list.readBigUInt64LE(at + 24), size: list.readUInt32LE(at + 32), rva: list.readUInt32LE(at + 36) },
      registers,
    });
  }
  return threads;
}
