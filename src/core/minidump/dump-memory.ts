import type { BoundedFile } from '../platform/bounded-file';
import { listStart } from './minidump-streams';

/** A range of the process's memory the dump kept: a thread's stack or an entry of a memory list. */
export interface MemoryRegion {
  start: bigint;
  size: number;
  /** Where its bytes are in the file. */
  rva: number;
}

const MAX_REGIONS = 65_536;
/** A stack larger than this is read only in its first part: walks never reach deeper than 1024 frames. */
const MAX_LOADED_REGION = 32 * 1024 * 1024;

/** MINIDUMP_MEMORY_DESCRIPTOR entries: start (u64), then the bytes' size and place in the file. */
export function memoryList(stream: Buffer | null): MemoryRegion[] {
  if (!stream || stream.length < 4) return [];
  const first = listStart(stream, 16);
  const count = Math.min(stream.readUInt32LE(0), MAX_REGIONS, Math.floor((stream.length - first) / 16));
  return Array.from({ length: count }, (_, i) => ({
    start: stream.readBigUInt64LE(first + i * 16),
    size: stream.readUInt32LE(first + 8 + i * 16),
    rva: stream.readUInt32LE(first + 12 + i * 16),
  }));
}

/** A full-memory dump's list: (start, size) pairs whose bytes follow one another from one base. */
export function memory64List(stream: Buffer | null): MemoryRegion[] {
  if (!stream || stream.length < 16) return [];
  const count = Math.min(Number(stream.readBigUInt64LE(0) & 0xffffffn), MAX_REGIONS, Math.floor((stream.length - 16) / 16));
  let rva = Number(stream.readBigUInt64LE(8));
  const regions: MemoryRegion[] = [];
  for (let i = 0; i < count && Number.isSafeInteger(rva); i++) {
    const size = Number(stream.readBigUInt64LE(24 + i * 16));
    regions.push({ start: stream.readBigUInt64LE(16 + i * 16), size, rva });
    rva += size;
  }
  return regions;
}

/** The dump's memory, read region by region as a walk needs it; every read outside it is null. */
export class DumpMemory {
  private readonly regions: MemoryRegion[];
  private readonly loaded = new Map<MemoryRegion, Buffer>();

  constructor(
    private readonly file: BoundedFile,
    regions: MemoryRegion[],
  ) {
    // One region for each range of addresses: threads whose stacks a hostile dump points at the
    // same range share it (loaded once), and a range that overlaps one before it is dropped,
    // so that an address has one answer.
    const sorted = regions.filter((r) => r.size > 0).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : b.size - a.size));
    this.regions = [];
    for (const region of sorted) {
      const last = this.regions.at(-1);
      if (last && region.start < last.start + BigInt(last.size)) continue;
      this.regions.push(region);
    }
  }

  private regionAt(address: bigint): MemoryRegion | undefined {
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const region = this.regions[mid] as MemoryRegion;
      if (address < region.start) hi = mid - 1;
      else if (address >= region.start + BigInt(region.size)) lo = mid + 1;
      else return region;
    }
    return undefined;
  }

  /** Reads the region holding `address` into memory (cut where the file ends), so that word reads in it are answered. */
  async load(address: bigint): Promise<void> {
    const region = this.regionAt(address);
    if (!region || this.loaded.has(region)) return;
    this.loaded.set(region, await this.file.read(region.rva, Math.min(region.size, MAX_LOADED_REGION)));
  }

  /** A little-endian word of 4 or 8 bytes, from a loaded region. */
  word(address: bigint, size: 4 | 8): bigint | null {
    const region = this.regionAt(address);
    const data = region && this.loaded.get(region);
    if (!region || !data) return null;
    const at = Number(address - region.start);
    if (at + size > data.length) return null;
    return size === 8 ? data.readBigUInt64LE(at) : BigInt(data.readUInt32LE(at));
  }

  /** The end of the loaded region holding `address`: a stack scan stops there. */
  end(address: bigint): bigint | null {
    const region = this.regionAt(address);
    const data = region && this.loaded.get(region);
    return region && data ? region.start + BigInt(data.length) : null;
  }
}
