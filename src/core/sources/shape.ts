import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { codecOf, type Codec } from './decompress';
import { isScopeCrashDir } from './appscope';

/** Every shape a crash arrives in that the workbench imports. */
export type CrashShape =
  | { kind: 'core' }
  | { kind: 'minidump' }
  | { kind: 'compressed'; codec: Codec }
  | { kind: 'apport' }
  | { kind: 'zip' }
  | { kind: 'appscope' };

const HEAD = 32;

const ELF_KINDS: Record<number, string> = { 1: 'ELF object file', 2: 'ELF executable', 3: 'ELF executable or shared library' };

/** Why a file is not a crash, in words that say what to do instead. */
export async function notACrash(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(18);
    const { bytesRead } = await handle.read(head, 0, 18, 0);
    const kind = bytesRead === 18 && head.readUInt32BE(0) === 0x7f454c46 ? ELF_KINDS[head.readUInt16LE(16)] : undefined;
    if (kind) return `${path} is an ${kind}, not a core dump; pass it as --exe and give the core file instead`;
  } finally {
    await handle.close();
  }
  return `${path} is not a crash: no ELF core, minidump, compressed core, apport report, crash zip or AppScope directory`;
}

/** What a file is, by its first bytes (names lie; a .crash may be anything); null when it is no crash. */
export async function shapeOfFile(path: string): Promise<CrashShape | null> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(HEAD);
    const { bytesRead } = await handle.read(head, 0, HEAD, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length >= 18 && head.readUInt32BE(0) === 0x7f454c46 && head.readUInt16LE(16) === 4) return { kind: 'core' };
  if (head.length >= 4 && head.readUInt32LE(0) === 0x504d444d) return { kind: 'minidump' };
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return { kind: 'zip' };
  const codec = codecOf(head);
  if (codec) return { kind: 'compressed', codec };
  if (/^ProblemType: /.test(head.toString('latin1'))) return { kind: 'apport' };
  return null;
}

export async function shapeOfDirectory(path: string): Promise<CrashShape | null> {
  return (await isScopeCrashDir(path)) ? { kind: 'appscope' } : null;
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
