/** Which debugger reads a core, and what its threads are when none could. */

import type { AnalysisWarning, DebuggerKind, Frame, Thread } from '../../shared/model';
import { backendOf, DebuggerError } from '../debugger';
import { debuggerForMachine, type ArchitectureVerdict } from '../debugger/architectures';
import type { DebuggerPool } from '../debugger/debugger-pool';
import { LOADING_STEP } from '../debugger/errors';
import type { DebuggerOptions, PreparedDebugger } from '../debugger/extraction';
import { moduleAt, type CoreInfo } from '../elf/core-file';
import { machineOf } from '../elf/machines';

/**
 * What the core's notes say of each thread when no debugger could: its registers, and the frame
 * its program counter is in, with the module that holds it.
 */
export function threadsFromNotes(core: CoreInfo): Thread[] {
  const pc = machineOf(core.machine)?.programCounter;
  return core.threads.map((t, i) => {
    const at = pc ? t.registers[pc] : undefined;
    const module = at ? moduleAt(core, BigInt(at)) : null;
    const frame: Frame | null = at
      ? { index: 0, address: at, function: null, file: null, line: null, module, inline: false, trust: 'context' }
      : null;
    return {
      id: t.tid,
      number: i + 1,
      name: null,
      crashed: t.tid === core.crashingThreadId,
      frames: frame ? [frame] : [],
      framesTruncated: false,
      registers: t.registers,
      locals: {},
    };
  });
}

/** A debugger that reads nothing: the core is of an architecture no installed debugger reads. */
function refusing(kind: DebuggerKind, verdict: ArchitectureVerdict): PreparedDebugger {
  const reason = verdict.ok ? '' : verdict.reason;
  return {
    extract: () => Promise.reject(new DebuggerError(kind, LOADING_STEP, reason)),
    dispose: () => undefined,
    isAlive: () => false,
    gone: () => Promise.resolve(),
  };
}

/**
 * The debugger for an ELF core once its machine is known: the one started ahead when it reads
 * this architecture, else another program or kind (said in a warning), else one that refuses in
 * words.
 */
export async function debuggerForCore(
  ready: { kind: DebuggerKind; debugger: PreparedDebugger },
  machine: number,
  options: DebuggerOptions,
  pool: DebuggerPool | null | undefined,
): Promise<{ kind: DebuggerKind; debugger: PreparedDebugger; warnings: AnalysisWarning[] }> {
  const verdict = await debuggerForMachine(ready.kind, machine);
  const choice = verdict.ok ? verdict.choice : null;
  if (choice && choice.kind === ready.kind && !choice.program) return { ...ready, warnings: [] };
  ready.debugger.dispose();
  if (!choice) return { kind: ready.kind, debugger: refusing(ready.kind, verdict), warnings: [] };
  const chosen = { ...options, ...(choice.program ? { program: choice.program } : {}) };
  return {
    kind: choice.kind,
    debugger: pool ? pool.take(choice.kind, chosen) : backendOf(choice.kind).prepare(chosen),
    warnings: choice.instead ? [{ kind: 'debugger', message: choice.instead }] : [],
  };
}
