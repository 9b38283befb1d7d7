import { EM_AARCH64, EM_X86_64, cString } from './elf-headers';

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

const X86_64_REGISTERS = [
  'r15',
  'r14',
  'r13',
  'r12',
  'rbp',
  'rbx',
  'r11',
  'r10',
  'r9',
  'r8',
  'rax',
  'rcx',
  'rdx',
  'rsi',
  'rdi',
  'orig_rax',
  'rip',
  'cs',
  'eflags',
  'rsp',
  'ss',
  'fs_base',
  'gs_base',
  'ds',
  'es',
  'fs',
  'gs',
];
const AARCH64_REGISTERS = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'cpsr'];

export function registerNames(machine: number): string[] {
  if (machine === EM_X86_64) return X86_64_REGISTERS;
  if (machine === EM_AARCH64) return AARCH64_REGISTERS;
  return [];
}

export interface PrStatus {
  signal: number;
  tid: number;
  registers: Record<string, string>;
}

/** struct elf_prstatus: pr_cursig at 12, pr_pid at 32, pr_reg at 112 on both 64-bit ABIs. */
export function parsePrStatus(desc: Buffer, machine: number): PrStatus | null {
  if (desc.length < 112) return null;
  const registers: Record<string, string> = {};
  registerNames(machine).forEach((name, i) => {
    const at = 112 + i * 8;
    if (at + 8 <= desc.length) registers[name] = `0x${desc.readBigUInt64LE(at).toString(16)}`;
  });
  return { signal: desc.readInt16LE(12), tid: desc.readInt32LE(32), registers };
}

export interface PrPsInfo {
  pid: number;
  uid: number;
  command: string;
  args: string;
}

export function parsePrPsInfo(desc: Buffer): PrPsInfo | null {
  if (desc.length < 136) return null;
  return {
    uid: desc.readUInt32LE(16),
    pid: desc.readInt32LE(24),
    command: cString(desc, 40, 16),
    args: cString(desc, 56, 80).trim(),
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

export function parseSigInfo(desc: Buffer): SigInfo | null {
  if (desc.length < 24) return null;
  const signo = desc.readInt32LE(0);
  const code = desc.readInt32LE(8);
  // si_code <= 0 means the signal came from a process (kill, tgkill, sigqueue), not from a fault.
  const fromProcess = code <= 0;
  return {
    signo,
    errno: desc.readInt32LE(4),
    code,
    address: !fromProcess && FAULT_SIGNALS.has(signo) ? desc.readBigUInt64LE(16) : null,
    senderPid: fromProcess ? desc.readInt32LE(16) : null,
  };
}

export interface FileMapping {
  start: bigint;
  end: bigint;
  /** Offset in the file, in bytes. */
  fileOffset: bigint;
  path: string;
}

export function parseFileNote(desc: Buffer): FileMapping[] {
  if (desc.length < 16) return [];
  const count = desc.readBigUInt64LE(0);
  const pageSize = desc.readBigUInt64LE(8);
  // A count the note cannot hold is corrupt; checked as a bigint before it becomes a loop bound.
  if (count > BigInt(Math.floor((desc.length - 16) / 25))) return [];
  const out: FileMapping[] = [];
  let nameOffset = 16 + Number(count) * 24;
  for (let i = 0; i < Number(count) && nameOffset < desc.length; i++) {
    const o = 16 + i * 24;
    const nul = desc.indexOf(0, nameOffset);
    const end = nul === -1 ? desc.length : nul;
    out.push({
      start: desc.readBigUInt64LE(o),
      end: desc.readBigUInt64LE(o + 8),
      fileOffset: desc.readBigUInt64LE(o + 16) * pageSize,
      path: desc.toString('utf8', nameOffset, end),
    });
    nameOffset = end + 1;
  }
  return out;
}

export function parseAuxv(desc: Buffer): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (let o = 0; o + 16 <= desc.length; o += 16) {
    const type = Number(desc.readBigUInt64LE(o));
    if (type === 0) break;
    out.set(type, desc.readBigUInt64LE(o + 8));
  }
  return out;
}

export function findBuildIdNote(notes: Note[]): string | null {
  const note = notes.find((n) => n.name === 'GNU' && n.type === NT_GNU_BUILD_ID && n.desc.length > 0);
  return note ? note.desc.toString('hex') : null;
}
