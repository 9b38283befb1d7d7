import type { DumpArch } from './minidump-streams';

/**
 * A thread's registers from its CONTEXT record, by the names Breakpad's CFI uses for them. The
 * layouts are Windows' CONTEXT structures, which Breakpad and Crashpad write on every platform.
 */
export type Registers = Map<string, bigint>;

const AMD64_GENERAL = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const X86_GENERAL: [string, number][] = [
  ['edi', 156],
  ['esi', 160],
  ['ebx', 164],
  ['edx', 168],
  ['ecx', 172],
  ['eax', 176],
  ['ebp', 180],
  ['eip', 184],
  ['esp', 196],
];

/** The least a context must hold to give the program counter and stack pointer. */
const MIN_SIZE: Record<DumpArch, number> = { amd64: 256, x86: 200, arm64: 272, arm: 68 };

export function parseContext(arch: DumpArch, data: Buffer): Registers | null {
  if (data.length < MIN_SIZE[arch]) return null;
  const registers: Registers = new Map();
  switch (arch) {
    case 'amd64':
      AMD64_GENERAL.forEach((name, i) => registers.set(name, data.readBigUInt64LE(120 + i * 8)));
      registers.set('rip', data.readBigUInt64LE(248));
      break;
    case 'x86':
      for (const [name, at] of X86_GENERAL) registers.set(name, BigInt(data.readUInt32LE(at)));
      break;
    case 'arm64':
      // Both the current and Breakpad's older ARM64 layouts keep x0..x30 and sp from byte 8, pc at 264.
      for (let i = 0; i < 31; i++) registers.set(`x${i}`, data.readBigUInt64LE(8 + i * 8));
      registers.set('sp', data.readBigUInt64LE(256));
      registers.set('pc', data.readBigUInt64LE(264));
      break;
    case 'arm':
      for (let i = 0; i < 13; i++) registers.set(`r${i}`, BigInt(data.readUInt32LE(4 + i * 4)));
      registers.set('sp', BigInt(data.readUInt32LE(56)));
      registers.set('lr', BigInt(data.readUInt32LE(60)));
      registers.set('pc', BigInt(data.readUInt32LE(64)));
      break;
  }
  return registers;
}

/** Where each architecture keeps the program counter, stack pointer and frame pointer, and its word size. */
export const ARCH_REGISTERS: Record<DumpArch, { pc: string; sp: string; fp: string; lr?: string; word: 4 | 8; calleeSaved: string[] }> = {
  amd64: { pc: 'rip', sp: 'rsp', fp: 'rbp', word: 8, calleeSaved: ['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15'] },
  x86: { pc: 'eip', sp: 'esp', fp: 'ebp', word: 4, calleeSaved: ['ebx', 'esi', 'edi', 'ebp'] },
  arm64: {
    pc: 'pc',
    sp: 'sp',
    fp: 'x29',
    lr: 'x30',
    word: 8,
    calleeSaved: ['x19', 'x20', 'x21', 'x22', 'x23', 'x24', 'x25', 'x26', 'x27', 'x28', 'x29'],
  },
  arm: { pc: 'pc', sp: 'sp', fp: 'r11', lr: 'lr', word: 4, calleeSaved: ['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11'] },
};

/** Registers as the views show them: "0x…" strings by name. */
export function registerStrings(registers: Registers): Record<string, string> {
  return Object.fromEntries([...registers].map(([name, value]) => [name, `0x${value.toString(16)}`]));
}
