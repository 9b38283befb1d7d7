import { programHeaderAt, programHeaderSize, wordsOf, type ElfBits } from './elf-headers';

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
 * the kernel records (a soname link, /lib for /usr/lib, the interpreter's /lib64 path). Little-endian
 * processes of either class; an empty list where the core does not hold what is needed.
 */
export async function loadedObjects(memory: ProcessMemory, auxv: Map<number, bigint>, bits: ElfBits = 64): Promise<LoadedObject[]> {
  const w = wordsOf(bits);
  const phdrSize = programHeaderSize(bits);
  const phdr = auxv.get(AT_PHDR);
  const phnum = Number(auxv.get(AT_PHNUM) ?? 0n);
  if (phdr === undefined || phnum <= 0 || phnum > 256) return [];
  const headers = await memory.read(phdr, phnum * phdrSize);
  if (!headers || headers.length < phnum * phdrSize) return [];
  let bias: bigint | null = null;
  let dynamic: { vaddr: bigint; size: number } | null = null;
  for (let i = 0; i < phnum; i++) {
    const { type, vaddr, memsz } = programHeaderAt(headers, i * phdrSize, bits);
    if (type === PT_PHDR) bias = phdr - vaddr;
    if (type === PT_DYNAMIC) dynamic = { vaddr, size: memsz };
  }
  if (!dynamic) return [];
  const entries = await memory.read(dynamic.vaddr + (bias ?? 0n), Math.min(dynamic.size, MAX_DYNAMIC_BYTES));
  if (!entries) return [];
  // Elf_Dyn is a tag and a value, a word each; r_debug's r_map and link_map's fields are words too.
  const dynSize = 2 * w.size;
  let rDebug = 0n;
  for (let o = 0; o + dynSize <= entries.length; o += dynSize) {
    const tag = w.word(entries, o);
    if (tag === DT_NULL) break;
    if (tag === DT_DEBUG) rDebug = w.word(entries, o + w.size);
  }
  if (rDebug === 0n) return [];
  const head = await memory.read(rDebug + BigInt(w.size), w.size);
  if (!head || head.length < w.size) return [];
  const out: LoadedObject[] = [];
  const seen = new Set<bigint>();
  const linkSize = 4 * w.size;
  for (let entry = w.word(head, 0); entry !== 0n && out.length < MAX_LIBRARIES && !seen.has(entry);) {
    seen.add(entry);
    const link = await memory.read(entry, linkSize);
    if (!link || link.length < linkSize) break;
    const name = await memory.cString(w.word(link, w.size), 4096);
    if (name?.startsWith('/')) out.push({ name, dynamic: w.word(link, 2 * w.size) });
    entry = w.word(link, 3 * w.size);
  }
  return out;
}
