import type { DebuggerKind } from '../../shared/model';
import type { ExtractionInput, ExtractionResult } from './extraction';
import { extractWithGdb } from './gdb-extract';
import { extractWithLldb } from './lldb-extract';

export type { ExtractionInput, ExtractionResult } from './extraction';
export { DebuggerError } from './errors';

export function extract(kind: DebuggerKind, input: ExtractionInput): Promise<ExtractionResult> {
  return kind === 'lldb' ? extractWithLldb(input) : extractWithGdb(input);
}
