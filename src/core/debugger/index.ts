import type { DebuggerKind } from '../../shared/model';
import type { DebuggerBackend } from './backend';
import { gdbBackend } from './gdb/backend';
import { lldbBackend } from './lldb/backend';

export type { DebuggerBackend } from './backend';
export type { ExtractionInput, ExtractionResult, PreparedDebugger } from './extraction';
export { DebuggerError } from './errors';

/** Every debugger the workbench drives, by the kind the shared model names. */
const BACKENDS: Record<DebuggerKind, DebuggerBackend> = { gdb: gdbBackend, lldb: lldbBackend };

export const backendOf = (kind: DebuggerKind): DebuggerBackend => BACKENDS[kind];

/** The debugger for a core: the one asked for, unless it cannot read the file (a minidump). */
export function backendFor(asked: DebuggerKind, minidump: boolean): DebuggerBackend {
  const backend = BACKENDS[asked];
  return minidump && !backend.readsMinidumps ? (Object.values(BACKENDS).find((b) => b.readsMinidumps) ?? backend) : backend;
}
