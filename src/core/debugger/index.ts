import type { DebuggerKind } from '../../shared/model';
import type { DebuggerOptions, PreparedDebugger } from './extraction';
import { prepareGdb } from './gdb-extract';
import { extractWithLldb } from './lldb-extract';

export type { ExtractionInput, ExtractionResult, PreparedDebugger } from './extraction';
export { DebuggerError } from './errors';

export function prepareDebugger(kind: DebuggerKind, options: DebuggerOptions): PreparedDebugger {
  if (kind === 'gdb') return prepareGdb(options);
  // lldb runs in one batch process per core: there is nothing to start ahead.
  return { extract: extractWithLldb, dispose: () => undefined };
}
