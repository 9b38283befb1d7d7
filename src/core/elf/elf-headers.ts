import { withFile, type BoundedFile } from '../platform/bounded-file';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;
export const PT_LOAD = 1;
export const PT_NOTE = 4;

/** 32- or 64-bit: the width of addresses and of the words in the headers and notes. */
export type ElfBits = 32 | 64;

/** Reads the words of one ELF class: an address is 4 bytes in a 32-bit file, 8 in a 64-bit one. */
export interface WordReader {
  readonly bits: ElfBits;
  readonly size: 4 | 8;
  word(bytes: Buffer, offset: number): bigint;
}

const WORDS: Record<ElfBits, WordReader> = {
  32: { bits: 32, size: 4, word: (b, o) => BigInt(b.readUInt32LE(o)) },
  64: { bits: 64, size: 8, word: (b, o) => b.readBigUInt64LE(o) },
};

export const wordsOf = (bits: ElfBits): WordReader => WORDS[bits];

export interface ElfHeader {
  bits: ElfBits;
  type: number;
  machine: number;
  entry: bigint;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
  memsz: number;
}

export interface SectionHeader {
  name: string;
  type: number;
  flags: bigint;
  offset: number;
  size: number;
}

/** A problem with the file itself, with a message a user can act on. */
export class ElfFormatError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ElfFormatError';
  }
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Sizes of the header and of one program and section header entry, by class. */
const LAYOUT = {
  32: { header: 52, phent: 32, shent: 40 },
  64: { header: 64, phent: 56, shent: 64 },
} as const;

/** Parses a little-endian ELF header of either class (i386 and 32-bit Arm cores are 32-bit). */
export function parseElfHeader(path: string, bytes: Buffer): ElfHeader {
  if (bytes.length === 0)
    throw new ElfFormatError(path, 'the file is empty (the dump was not written; check ulimit -c and the disk space where it was written)');
  if (bytes.length < 4 || !bytes.subarray(0, 4).equals(ELF_MAGIC)) {
    throw new ElfFormatError(path, 'not an ELF file (if it is compressed, decompress it first)');
  }
  if (bytes[4] !== 1 && bytes[4] !== 2)
    throw new ElfFormatError(path, `ELF class ${bytes[4]} is neither 32- nor 64-bit; the file is corrupt`);
  const bits: ElfBits = bytes[4] === 1 ? 32 : 64;
  if (bytes.length < LAYOUT[bits].header) throw new ElfFormatError(path, `truncated: ${bytes.length} bytes, shorter than an ELF header`);
  if (bytes[5] !== 1) throw new ElfFormatError(path, 'a big-endian ELF file; only little-endian cores are supported');
  const w = WORDS[bits];
  // After e_entry, e_phoff and e_shoff (one word each), the 16-bit fields follow at a class's own offsets.
  const at = 24 + 3 * w.size + 4 + 2;
  return {
    bits,
    type: bytes.readUInt16LE(16),
    machine: bytes.readUInt16LE(18),
    entry: w.word(bytes, 24),
    phoff: Number(w.word(bytes, 24 + w.size)),
    shoff: Number(w.word(bytes, 24 + 2 * w.size)),
    phentsize: bytes.readUInt16LE(at),
    phnum: bytes.readUInt16LE(at + 2),
    shentsize: bytes.readUInt16LE(at + 4),
    shnum: bytes.readUInt16LE(at + 6),
    shstrndx: bytes.readUInt16LE(at + 8),
  };
}

/** One program header entry at `o`: Elf32_Phdr puts p_flags after the sizes, Elf64_Phdr after p_type. */
export function programHeaderAt(table: Buffer, o: number, bits: ElfBits): ProgramHeader {
  if (bits === 32) {
    return {
      type: table.readUInt32LE(o),
      offset: table.readUInt32LE(o + 4),
      vaddr: BigInt(table.readUInt32LE(o + 8)),
      filesz: table.readUInt32LE(o + 16),
      memsz: table.readUInt32LE(o + 20),
      flags: table.readUInt32LE(o + 24),
    };
  }
  return {
    type: table.readUInt32LE(o),
    flags: table.readUInt32LE(o + 4),
    offset: Number(table.readBigUInt64LE(o + 8)),
    vaddr: table.readBigUInt64LE(o + 16),
    filesz: Number(table.readBigUInt64LE(o + 32)),
    memsz: Number(table.readBigUInt64LE(o + 40)),
  };
}

export const programHeaderSize = (bits: ElfBits): number => LAYOUT[bits].phent;

export function parseProgramHeaders(path: string, header: ElfHeader, table: Buffer): ProgramHeader[] {
  const size = LAYOUT[header.bits].phent;
  if (header.phentsize !== size) throw new ElfFormatError(path, `unexpected program header size ${header.phentsize}`);
  if (table.length < header.phnum * size) {
    throw new ElfFormatError(path, 'truncated: the program header table is cut off');
  }
  return Array.from({ length: header.phnum }, (_, i) => programHeaderAt(table, i * size, header.bits));
}

export async function readElfHeaders(file: BoundedFile): Promise<{ header: ElfHeader; segments: ProgramHeader[] }> {
  const header = parseElfHeader(file.path, await file.read(0, LAYOUT[64].header));
  const table = await file.read(header.phoff, header.phnum * header.phentsize);
  return { header, segments: parseProgramHeaders(file.path, header, table) };
}

const MAX_SECTIONS = 64 * 1024;

/** Section headers with names; empty when the file has none (cores, sstripped files). */
export async function readSectionHeaders(file: BoundedFile, header: ElfHeader): Promise<SectionHeader[]> {
  const size = LAYOUT[header.bits].shent;
  if (header.shoff === 0 || header.shnum === 0 || header.shentsize !== size) return [];
  const table = await file.read(header.shoff, Math.min(header.shnum, MAX_SECTIONS) * size);
  const count = Math.floor(table.length / size);
  const w = WORDS[header.bits];
  // sh_name and sh_type, then sh_flags, sh_addr, sh_offset and sh_size, one word each.
  const raw = Array.from({ length: count }, (_, i) => ({
    nameOffset: table.readUInt32LE(i * size),
    type: table.readUInt32LE(i * size + 4),
    flags: w.word(table, i * size + 8),
    offset: Number(w.word(table, i * size + 8 + 2 * w.size)),
    size: Number(w.word(table, i * size + 8 + 3 * w.size)),
  }));
  const strtab = raw[header.shstrndx];
  const names = strtab ? await file.read(strtab.offset, Math.min(strtab.size, 1 << 20)) : Buffer.alloc(0);
  return raw.map((s) => ({ name: cString(names, s.nameOffset), type: s.type, flags: s.flags, offset: s.offset, size: s.size }));
}

export function cString(buffer: Buffer, offset: number, max = buffer.length - offset): string {
  if (offset < 0 || offset >= buffer.length) return '';
  const end = buffer.indexOf(0, offset);
  const stop = end === -1 ? Math.min(buffer.length, offset + max) : Math.min(end, offset + max);
  return buffer.toString('utf8', offset, stop);
}

/** The machine (e_machine) an ELF file was made for; null for a file that is no ELF file. */
export async function readElfMachine(path: string): Promise<number | null> {
  return withFile(path, async (file) => {
    const head = await file.read(0, 20);
    return head.length === 20 && head.subarray(0, 4).equals(ELF_MAGIC) ? head.readUInt16LE(18) : null;
  });
}
