import { DEBUGGERS, type DebuggerKind } from '../shared/model';
import { UsageError } from './usage-error';

export function debuggerOption(value: string | undefined): DebuggerKind {
  if (value === undefined) return 'gdb';
  const kind = DEBUGGERS.find((k) => k === value);
  if (kind) return kind;
  throw new UsageError(`--debugger must be ${DEBUGGERS.join(' or ')}, not ${value}`);
}
