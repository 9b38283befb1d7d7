import type { BoundedFile } from './bounded-file';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;
export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

export interface ElfHeader {
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

/** Parses a 64-bit little-endian ELF header (the only kind Linux x86-64/arm64 cores use). */
export function parseElfHeader(path: string, bytes: Buffer): ElfHeader {
  if (bytes.length === 0)
    throw new ElfFormatError(path, 'the file is empty (the dump was not written; check ulimit -c and the disk space where it was written)');
  if (bytes.length < 4 || !bytes.subarray(0, 4).equals(ELF_MAGIC)) {
    throw new ElfFormatError(path, 'not an ELF file (if it is compressed, decompress it first)');
  }
  if (bytes.length < 64) throw new ElfFormatError(path, `truncated: ${bytes.length} bytes, shorter than an ELF header`);
  if (bytes[4] !== 2) throw new ElfFormatError(path, 'a 32-bit ELF file; only 64-bit cores are supported');
  if (bytes[5] !== 1) throw new ElfFormatError(path, 'a big-endian ELF file; only little-endian cores are supported');
  return {
    type: bytes.readUInt16LE(16),
    machine: bytes.readUInt16LE(18),
    entry: bytes.readBigUInt64LE(24),
    phoff: Number(bytes.readBigUInt64LE(32)),
    shoff: Number(bytes.readBigUInt64LE(40)),
    phentsize: bytes.readUInt16LE(54),
    phnum: bytes.readUInt16LE(56),
    shentsize: bytes.readUInt16LE(58),
    shnum: bytes.readUInt16LE(60),
    shstrndx: bytes.readUInt16LE(62),
  };
}

export function parseProgramHeaders(path: string, header: ElfHeader, table: Buffer): ProgramHeader[] {
  if (header.phentsize !== 56) throw new ElfFormatError(path, `unexpected program header size ${header.phentsize}`);
  if (table.length < header.phnum * 56) {
    throw new ElfFormatError(path, 'truncated: the program header table is cut off');
  }
  const out: ProgramHeader[] = [];
  for (let i = 0; i < header.phnum; i++) {
    const o = i * 56;
    out.push({
      type: table.readUInt32LE(o),
      flags: table.readUInt32LE(o + 4),
      offset: Number(table.readBigUInt64LE(o + 8)),
      vaddr: table.readBigUInt64LE(o + 16),
      filesz: Number(table.readBigUInt64LE(o + 32)),
      memsz: Number(table.readBigUInt64LE(o + 40)),
    });
  }
  return out;
}

export async function readElfHeaders(file: BoundedFile): Promise<{ header: ElfHeader; segments: ProgramHeader[] }> {
  const header = parseElfHeader(file.path, await file.read(0, 64));
  const table = await file.read(header.phoff, header.phnum * header.phentsize);
  return { header, segments: parseProgramHeaders(file.path, header, table) };
}

const MAX_SECTION_TABLE = 64 * 1024 * 56;

/** Section headers with names; empty when the file has none (cores, sstripped files). */
export async function readSectionHeaders(file: BoundedFile, header: ElfHeader): Promise<SectionHeader[]> {
  if (header.shoff === 0 || header.shnum === 0 || header.shentsize !== 64) return [];
  const table = await file.read(header.shoff, Math.min(header.shnum * 64, MAX_SECTION_TABLE));
  const count = Math.floor(table.length / 64);
  const raw = Array.from({ length: count }, (_, i) => ({
    nameOffset: table.readUInt32LE(i * 64),
    type: table.readUInt32LE(i * 64 + 4),
    flags: table.readBigUInt64LE(i * 64 + 8),
    offset: Number(table.readBigUInt64LE(i * 64 + 24)),
    size: Number(table.readBigUInt64LE(i * 64 + 32)),
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
