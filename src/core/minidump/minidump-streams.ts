import type { BoundedFile } from '../platform/bounded-file';

/** A minidump's header and stream directory, and reads of its streams that never pass the file's end. */
export const SIGNATURE = 0x504d444d; // "MDMP"
export const STREAM = {
  threadList: 3,
  moduleList: 4,
  memoryList: 5,
  exception: 6,
  systemInfo: 7,
  memory64List: 9,
  miscInfo: 15,
  threadNames: 24,
  /** Breakpad's own: which thread wrote the dump, and which asked for it. */
  breakpadInfo: 0x47670001,
  crashpadInfo: 0x43500001,
  linuxProcStatus: 0x47670004,
  linuxCmdLine: 0x47670006,
  linuxEnviron: 0x47670007,
} as const;
const MAX_STREAMS = 4096;

export class MinidumpFormatError extends Error {}

export const PLATFORM_LINUX = 0x8201;
export const WINDOWS_PLATFORMS = new Set([0, 1, 2]);
export const APPLE_PLATFORMS = new Set([0x8101, 0x8102]);

/** The system info stream's platform id; a dump without one is taken for Linux's, as lldb writes them. */
export const platformOf = (system: Buffer | null): number => (system && system.length >= 24 ? system.readUInt32LE(20) : PLATFORM_LINUX);

/**
 * Where a list stream's entries start: after its 32-bit count, and after 4 bytes more where the
 * writer padded the count to 8 bytes (Breakpad's mac client does, for threads, modules and
 * memory), which shows as a stream exactly 4 bytes longer than its entries need.
 */
export function listStart(stream: Buffer, entrySize: number): number {
  const count = stream.length >= 4 ? stream.readUInt32LE(0) : 0;
  return count > 0 && stream.length === 8 + count * entrySize ? 8 : 4;
}

/** Exactly `length` bytes at `offset`, or an error that says which part of the dump is cut off. */
export async function exact(file: BoundedFile, offset: number, length: number, what: string): Promise<Buffer> {
  const data = await file.read(offset, length);
  if (data.length < length) {
    throw new MinidumpFormatError(
      `${file.path}: the minidump is cut off in its ${what} (needs ${length} bytes at ${offset}, the file has ${file.size})`,
    );
  }
  return data;
}

export interface Streams {
  header: Buffer;
  /** The stream of that type, or null when the dump has none. */
  read(type: number, what: string): Promise<Buffer | null>;
}

export async function openStreams(file: BoundedFile): Promise<Streams> {
  const header = await exact(file, 0, 32, 'header');
  if (header.readUInt32LE(0) !== SIGNATURE) throw new MinidumpFormatError(`${file.path} is not a minidump (no MDMP signature)`);
  const count = header.readUInt32LE(8);
  if (count > MAX_STREAMS) throw new MinidumpFormatError(`${file.path}: ${count} streams is not a plausible minidump`);
  const directory = await exact(file, header.readUInt32LE(12), count * 12, 'stream directory');
  const entries = new Map<number, { size: number; rva: number }>();
  for (let i = 0; i < count; i++) {
    const type = directory.readUInt32LE(i * 12);
    // Writers leave unused entries (type 0); the first entry of a type is the one readers use.
    if (!entries.has(type)) entries.set(type, { size: directory.readUInt32LE(i * 12 + 4), rva: directory.readUInt32LE(i * 12 + 8) });
  }
  return {
    header,
    read: async (type, what) => {
      const entry = entries.get(type);
      return entry ? exact(file, entry.rva, entry.size, what) : null;
    },
  };
}

/** The architectures the workbench reads contexts of; others keep their threads without registers. */
export type DumpArch = 'amd64' | 'x86' | 'arm64' | 'arm';

export function archOf(processorArchitecture: number | undefined): DumpArch | null {
  switch (processorArchitecture) {
    case 0:
      return 'x86';
    case 5:
      return 'arm';
    case 9:
      return 'amd64';
    case 12:
    case 0x8003:
      return 'arm64';
    default:
      return null;
  }
}
