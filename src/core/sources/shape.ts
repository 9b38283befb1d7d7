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
  | { kind: 'snapshot' };

/** Enough of a file's start for every source to know its own (a snapshot's head may be spaced out). */
const HEAD = 256;

/** The first bytes of a file. */
export const fileHead = (path: string): Promise<Buffer> => withFile(path, (file) => file.read(0, HEAD));

const ELF_KINDS: Record<number, string> = { 1: 'ELF object file', 2: 'ELF executable', 3: 'ELF executable or shared library' };

/** Why a file is not a crash, in words that say what to do instead. */
export async function notACrash(path: string): Promise<string> {
  const head = await fileHead(path);
  const kind = head.length >= 18 && head.readUInt32BE(0) === 0x7f454c46 ? ELF_KINDS[head.readUInt16LE(16)] : undefined;
  if (kind) return `${path} is an ${kind}, not a core dump; pass it as --exe and give the core file instead`;
  return `${path} is not a crash: no ELF core, minidump, compressed core, apport report, crash zip or AppScope directory`;
}

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
