import { withFile } from '../platform/bounded-file';
import { basename } from 'node:path';
import type { Codec } from './magic';

/** Every shape a crash arrives in that the workbench imports. */
export type CrashShape =
  | { kind: 'core' }
  | { kind: 'minidump' }
  | { kind: 'compressed'; codec: Codec }
  | { kind: 'apport' }
  | { kind: 'zip' }
  | { kind: 'appscope' }
  | { kind: 'snapshot' }
  | { kind: 'node-report' }
  | { kind: 'runtime-output' };

/** Enough of a file's start for every source to know its own (a snapshot's head may be spaced out). */
const HEAD = 256;

/** The first bytes of a file. */
export const fileHead = (path: string): Promise<Buffer> => withFile(path, (file) => file.read(0, HEAD));

/** A short name for messages and the import report. */
export function describeShape(shape: CrashShape, path: string): string {
  switch (shape.kind) {
    case 'compressed':
      return `${shape.codec}-compressed core ${basename(path)}`;
    case 'appscope':
      return `AppScope crash directory ${path}`;
    default:
      return `${shape.kind} ${basename(path)}`;
  }
}
