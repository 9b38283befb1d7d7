import type { ElfBits } from './elf-headers';

/**
 * An architecture as its cores record it (e_machine): its name for people, the debuggers' names
 * for it, and the general registers of NT_PRSTATUS's pr_reg in the kernel's order, named as gdb
 * names them.
 */
export interface Machine {
  em: number;
  name: string;
  bits: ElfBits;
  /** What gdb's `set architecture` calls it: a gdb that does not know the name cannot read the core. */
  gdbArchitecture: string;
  /** What LLVM calls it (lldb's `--arch`). */
  llvmArchitecture: string;
  registers: string[];
  stackPointer: string;
  programCounter: string;
}

const X86_64_REGISTERS = [
  ...['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi'],
  ...['orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs'],
];
const I386_REGISTERS = [
  ...['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'eax', 'ds', 'es', 'fs', 'gs'],
  ...['orig_eax', 'eip', 'cs', 'eflags', 'esp', 'ss'],
];
const AARCH64_REGISTERS = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'cpsr'];
const ARM_REGISTERS = [...Array.from({ length: 13 }, (_, i) => `r${i}`), 'sp', 'lr', 'pc', 'cpsr', 'orig_r0'];
const RISCV64_REGISTERS = [
  ...['pc', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1'],
  ...Array.from({ length: 8 }, (_, i) => `a${i}`),
  ...Array.from({ length: 10 }, (_, i) => `s${i + 2}`),
  ...['t3', 't4', 't5', 't6'],
];

export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;

const MACHINES: Machine[] = [
  {
    em: EM_X86_64,
    name: 'x86-64',
    bits: 64,
    gdbArchitecture: 'i386:x86-64',
    llvmArchitecture: 'x86_64',
    registers: X86_64_REGISTERS,
    stackPointer: 'rsp',
    programCounter: 'rip',
  },
  {
    em: EM_AARCH64,
    name: 'AArch64',
    bits: 64,
    gdbArchitecture: 'aarch64',
    llvmArchitecture: 'aarch64',
    registers: AARCH64_REGISTERS,
    stackPointer: 'sp',
    programCounter: 'pc',
  },
  {
    em: EM_386,
    name: 'i386',
    bits: 32,
    gdbArchitecture: 'i386',
    llvmArchitecture: 'i386',
    registers: I386_REGISTERS,
    stackPointer: 'esp',
    programCounter: 'eip',
  },
  {
    em: EM_ARM,
    name: '32-bit Arm',
    bits: 32,
    gdbArchitecture: 'arm',
    llvmArchitecture: 'arm',
    registers: ARM_REGISTERS,
    stackPointer: 'sp',
    programCounter: 'pc',
  },
  {
    em: EM_RISCV,
    name: 'RISC-V',
    bits: 64,
    gdbArchitecture: 'riscv:rv64',
    llvmArchitecture: 'riscv64',
    registers: RISCV64_REGISTERS,
    stackPointer: 'sp',
    programCounter: 'pc',
  },
];

/** The machine of an e_machine value; null for one the workbench has no register layout for. */
export function machineOf(em: number): Machine | null {
  return MACHINES.find((m) => m.em === em) ?? null;
}

/** A machine's name for people, also for ones without a layout here. */
export const machineName = (em: number): string => machineOf(em)?.name ?? `ELF machine ${em}`;

/** The general registers of the core's architecture, named as gdb names them. */
export const registerNames = (em: number): string[] => machineOf(em)?.registers ?? [];
