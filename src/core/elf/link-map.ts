/** What a core's saved memory can answer: bytes at an address, and C strings. */
export interface ProcessMemory {
  read(address: bigint, length: number): Promise<Buffer | null>;
  cString(address: bigint, max?: number): Promise<string | null>;
}

const AT_PHDR = 3;
const AT_PHNUM = 5;
const PT_DYNAMIC = 2;
const PT_PHDR = 6;
const DT_NULL = 0n;
const DT_DEBUG = 21n;
const PHDR_SIZE = 56;
const DYN_SIZE = 16;
const MAX_DYNAMIC_BYTES = 64 * 1024;
const MAX_LIBRARIES = 4096;

/** A library as the dynamic loader opened it: the name it used and where its dynamic section is. */
export interface LoadedObject {
  name: string;
  dynamic: bigint;
}

/**
 * The names under which the dynamic loader opened each library (its link_map, reached through
 * the program's DT_DEBUG): what a debugger asks its sysroot for. They differ from the real paths
 * the kernel records (a soname link, /lib for /usr/lib, the interpreter's /lib64 path). 64-bit
 * little-endian processes; an empty list where the core does not hold what is needed.
 */
export async function loadedObjects(memory: ProcessMemory, auxv: Map<number, bigint>): Promise<LoadedObject[]> {
  const phdr = auxv.get(AT_PHDR);
  const phnum = Number(auxv.get(AT_PHNUM) ?? 0n);
  if (phdr === undefined || phnum <= 0 || phnum > 256) return [];
  const headers = await memory.read(phdr, phnum * PHDR_SIZE);
  if (!headers || headers.length < phnum * PHDR_SIZE) return [];
  let bias: bigint | null = null;
  let dynamic: { vaddr: bigint; size: number } | null = null;
  for (let i = 0; i < phnum; i++) {
    const o = i * PHDR_SIZE;
    const type = headers.readUInt32LE(o);
    const vaddr = headers.readBigUInt64LE(o + 16);
    if (type === PT_PHDR) bias = phdr - vaddr;
    if (type === PT_DYNAMIC) dynamic = { vaddr, size: Number(headers.readBigUInt64LE(o + 40)) };
  }
  if (!dynamic) return [];
  const entries = await memory.read(dynamic.vaddr + (bias ?? 0n), Math.min(dynamic.size, MAX_DYNAMIC_BYTES));
  if (!entries) return [];
  let rDebug = 0n;
  for (let o = 0; o + DYN_SIZE <= entries.length; o += DYN_SIZE) {
    const tag = entries.readBigInt64LE(o);
    if (tag === DT_NULL) break;
    if (tag === DT_DEBUG) rDebug = entries.readBigUInt64LE(o + 8);
  }
  if (rDebug === 0n) return [];
  const head = await memory.read(rDebug + 8n, 8);
  if (!head || head.length < 8) return [];
  const out: LoadedObject[] = [];
  const seen = new Set<bigint>();
  for (let entry = head.readBigUInt64LE(0); entry !== 0n && out.length < MAX_LIBRARIES && !seen.has(entry);) {
    seen.add(entry);
    const link = await memory.read(entry, 32);
    if (!link || link.length < 32) break;
    const name = await memory.cString(link.readBigUInt64LE(8), 4096);
    if (name?.startsWith('/')) out.push({ name, dynamic: link.readBigUInt64LE(16) });
    entry = link.readBigUInt64LE(24);
  }
  return out;
}
