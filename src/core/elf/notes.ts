import { cString, wordsOf, type ElfBits } from './elf-headers';
import { registerNames } from './machines';

export const NT_PRSTATUS = 1;
export const NT_PRPSINFO = 3;
export const NT_AUXV = 6;
export const NT_GNU_BUILD_ID = 3;
export const NT_SIGINFO = 0x53494749;
export const NT_FILE = 0x46494c45;

export interface Note {
  name: string;
  type: number;
  desc: Buffer;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Splits a PT_NOTE segment into notes; stops at the first malformed entry. */
/** More notes than a process with a hundred thousand threads writes: past it, the core is corrupt. */
export const MAX_NOTES = 1_000_000;

export function parseNotes(segment: Buffer): Note[] {
  const notes: Note[] = [];
  let offset = 0;
  while (offset + 12 <= segment.length && notes.length < MAX_NOTES) {
    const namesz = segment.readUInt32LE(offset);
    const descsz = segment.readUInt32LE(offset + 4);
    const type = segment.readUInt32LE(offset + 8);
    const nameStart = offset + 12;
    const descStart = nameStart + align4(namesz);
    const end = descStart + align4(descsz);
    if (descStart + descsz > segment.length) break;
    notes.push({
      name: segment.toString('latin1', nameStart, nameStart + Math.max(0, namesz - 1)),
      type,
      desc: segment.subarray(descStart, descStart + descsz),
    });
    offset = end;
  }
  return notes;
}

export interface PrStatus {
  signal: number;
  tid: number;
  registers: Record<string, string>;
}

/**
 * struct elf_prstatus: pr_cursig at 12, then two signal masks of a word each before pr_pid, and
 * pr_reg after four pids and four timevals (two words each): pid at 32 and registers at 112 on
 * 64-bit ABIs, 24 and 72 on 32-bit ones, where each register is a word too.
 */
export function parsePrStatus(desc: Buffer, machine: number, bits: ElfBits = 64): PrStatus | null {
  const w = wordsOf(bits);
  const pidAt = 16 + 2 * w.size;
  const regsAt = pidAt + 16 + 8 * w.size;
  if (desc.length < regsAt) return null;
  const registers: Record<string, string> = {};
  registerNames(machine).forEach((name, i) => {
    const at = regsAt + i * w.size;
    if (at + w.size <= desc.length) registers[name] = `0x${w.word(desc, at).toString(16)}`;
  });
  return { signal: desc.readInt16LE(12), tid: desc.readInt32LE(pidAt), registers };
}

export interface PrPsInfo {
  pid: number;
  uid: number;
  command: string;
  args: string;
}

/**
 * struct elf_prpsinfo: four state bytes and pr_flag (a word), then uid and gid (32-bit on 64-bit
 * ABIs, 16-bit on 32-bit ones), four pids, the 16-byte name and 80 bytes of arguments.
 */
export function parsePrPsInfo(desc: Buffer, bits: ElfBits = 64): PrPsInfo | null {
  const wide = bits === 64;
  const uidAt = 4 + wordsOf(bits).size + (wide ? 4 : 0);
  const pidAt = uidAt + (wide ? 8 : 4);
  const nameAt = pidAt + 16;
  if (desc.length < nameAt + 16 + 80) return null;
  return {
    uid: wide ? desc.readUInt32LE(uidAt) : desc.readUInt16LE(uidAt),
    pid: desc.readInt32LE(pidAt),
    command: cString(desc, nameAt, 16),
    args: cString(desc, nameAt + 16, 80).trim(),
  };
}

export interface SigInfo {
  signo: number;
  errno: number;
  code: number;
  address: bigint | null;
  senderPid: number | null;
}

const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);

/** siginfo_t: three ints, then its union, aligned to a word (at 16 on 64-bit ABIs, 12 on 32-bit ones). */
export function parseSigInfo(desc: Buffer, bits: ElfBits = 64): SigInfo | null {
  const w = wordsOf(bits);
  const unionAt = bits === 64 ? 16 : 12;
  if (desc.length < unionAt + w.size) return null;
  const signo = desc.readInt32LE(0);
  const code = desc.readInt32LE(8);
  // si_code <= 0 means the signal came from a process (kill, tgkill, sigqueue), not from a fault.
  const fromProcess = code <= 0;
  return {
    signo,
    errno: desc.readInt32LE(4),
    code,
    address: !fromProcess && FAULT_SIGNALS.has(signo) ? w.word(desc, unionAt) : null,
    senderPid: fromProcess ? desc.readInt32LE(unionAt) : null,
  };
}

export interface FileMapping {
  start: bigint;
  end: bigint;
  /** Offset in the file, in bytes. */
  fileOffset: bigint;
  path: string;
}

/** NT_FILE: a count and the page size, then start, end and page offset per mapping (words), then the names. */
export function parseFileNote(desc: Buffer, bits: ElfBits = 64): FileMapping[] {
  const w = wordsOf(bits);
  const head = 2 * w.size;
  const entry = 3 * w.size;
  if (desc.length < head) return [];
  const count = w.word(desc, 0);
  const pageSize = w.word(desc, w.size);
  // A count the note cannot hold is corrupt; checked as a bigint before it becomes a loop bound.
  if (count > BigInt(Math.floor((desc.length - head) / (entry + 1)))) return [];
  const out: FileMapping[] = [];
  let nameOffset = head + Number(count) * entry;
  for (let i = 0; i < Number(count) && nameOffset < desc.length; i++) {
    const o = head + i * entry;
    const nul = desc.indexOf(0, nameOffset);
    const end = nul === -1 ? desc.length : nul;
    out.push({
      start: w.word(desc, o),
      end: w.word(desc, o + w.size),
      fileOffset: w.word(desc, o + 2 * w.size) * pageSize,
      path: desc.toString('utf8', nameOffset, end),
    });
    nameOffset = end + 1;
  }
  return out;
}

/** The auxiliary vector: (type, value) pairs of words, ended by AT_NULL. */
export function parseAuxv(desc: Buffer, bits: ElfBits = 64): Map<number, bigint> {
  const w = wordsOf(bits);
  const out = new Map<number, bigint>();
  for (let o = 0; o + 2 * w.size <= desc.length; o += 2 * w.size) {
    const type = Number(w.word(desc, o));
    if (type === 0) break;
    out.set(type, w.word(desc, o + w.size));
  }
  return out;
}

export function findBuildIdNote(notes: Note[]): string | null {
  const note = notes.find((n) => n.name === 'GNU' && n.type === NT_GNU_BUILD_ID && n.desc.length > 0);
  return note ? note.desc.toString('hex') : null;
}
