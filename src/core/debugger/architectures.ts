import { execFile } from 'node:child_process';
import type { DebuggerKind } from '../../shared/model';
import { EM_AARCH64, EM_X86_64, machineName, machineOf, type Machine } from '../elf/machines';
import { cleanEnv } from '../platform/debugger-process';

/** The debugger that reads a core of some architecture: which kind, and which program of it. */
export interface DebuggerChoice {
  kind: DebuggerKind;
  /** The program to start; absent for the kind's usual one (`gdb`, `lldb`). */
  program?: string;
  /** Why it is not the one asked for, in words for the analysis' warnings. */
  instead?: string;
}

/** Either a debugger that reads the core, or why none of those installed does. */
export type ArchitectureVerdict = { ok: true; choice: DebuggerChoice } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 15_000;
/** Debian's gdb reads its own machine's cores; gdb-multiarch reads every architecture gdb knows. */
const GDB_PROGRAMS = ['gdb', 'gdb-multiarch'];
const HOST_MACHINE: Partial<Record<NodeJS.Architecture, number>> = { x64: EM_X86_64, arm64: EM_AARCH64 };

const probes = new Map<string, Promise<boolean>>();

function ask(program: string, args: string[], says: RegExp): Promise<boolean> {
  const key = JSON.stringify([program, args]);
  let answer = probes.get(key);
  if (!answer) {
    answer = new Promise((resolve) => {
      execFile(program, args, { timeout: PROBE_TIMEOUT_MS, env: cleanEnv() }, (_error, stdout, stderr) =>
        // A program that is missing, hangs or dies answers no: it cannot read the core either.
        resolve(says.test(`${stdout}\n${stderr}`)),
      );
    });
    probes.set(key, answer);
  }
  return answer;
}

/** Whether a gdb program knows the architecture (`set architecture` refuses a name it lacks). */
export function gdbReads(program: string, machine: Machine): Promise<boolean> {
  return ask(program, ['-nx', '-batch', '-ex', `set architecture ${machine.gdbArchitecture}`], /target architecture is set to/);
}

/** Whether lldb knows the architecture (`target.default-arch` refuses a name it lacks). */
export function lldbReads(machine: Machine): Promise<boolean> {
  return ask(
    'lldb',
    [
      '--no-lldbinit',
      '--batch',
      '-o',
      `settings set target.default-arch ${machine.llvmArchitecture}`,
      '-o',
      'settings show target.default-arch',
    ],
    new RegExp(`default-arch \\(arch\\) = ${machine.llvmArchitecture}\\b`),
  );
}

async function firstGdb(machine: Machine): Promise<string | null> {
  for (const program of GDB_PROGRAMS) if (await gdbReads(program, machine)) return program;
  return null;
}

/**
 * The debugger for an ELF core of machine `em`: the one asked for when it reads that
 * architecture (gdb-multiarch standing in for a gdb that does not), else the other kind, else
 * none, with why. A core of the machine this runs on needs no asking.
 */
export async function debuggerForMachine(asked: DebuggerKind, em: number): Promise<ArchitectureVerdict> {
  const machine = machineOf(em);
  if (!machine) {
    return {
      ok: false,
      reason: `this is a core of ${machineName(em)}, an architecture the workbench has no debugger set-up for; what the core's notes say is shown`,
    };
  }
  if (HOST_MACHINE[process.arch] === em) return { ok: true, choice: { kind: asked } };
  const gdb = await firstGdb(machine);
  const lldb = await lldbReads(machine);
  const gdbChoice: DebuggerChoice | null = gdb ? { kind: 'gdb', ...(gdb !== 'gdb' ? { program: gdb } : {}) } : null;
  if (asked === 'gdb' && gdbChoice) return { ok: true, choice: gdbChoice };
  if (asked === 'lldb' && lldb) return { ok: true, choice: { kind: 'lldb' } };
  const install = 'install gdb-multiarch (apt-get install gdb-multiarch) or lldb';
  if (asked === 'gdb' && lldb)
    return { ok: true, choice: { kind: 'lldb', instead: `no installed gdb reads ${machine.name} cores (${install}); lldb read it` } };
  if (asked === 'lldb' && gdbChoice)
    return { ok: true, choice: { ...gdbChoice, instead: `the installed lldb does not read ${machine.name} cores; ${gdb} read it` } };
  return {
    ok: false,
    reason: `no installed debugger reads ${machine.name} cores: ${install}. What the core's notes say (threads, registers, the crashing address) is shown`,
  };
}
