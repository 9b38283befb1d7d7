import type { BoundedFile } from '../platform/bounded-file';

/**
 * Crashpad's own stream (MD_CRASHPAD_INFO_STREAM): the process's annotations, as its client
 * recorded them. A dictionary for the process, and per module a list and a dictionary: macOS's
 * libsystem_c puts the abort message there ("abort() called"), Chrome its crash keys.
 */
export interface CrashpadAnnotations {
  simple: Record<string, string>;
  /** Per module (by its index in the module list): its list annotations, in order. */
  modules: Array<{ moduleIndex: number; list: string[]; simple: Record<string, string> }>;
}

const MAX_ENTRIES = 1024;
const MAX_STRING = 64 * 1024;

/** A MinidumpUTF8String: a 32-bit length, then the bytes. */
async function utf8At(file: BoundedFile, rva: number): Promise<string> {
  const head = await file.read(rva, 4);
  if (head.length < 4) return '';
  return (await file.read(rva + 4, Math.min(head.readUInt32LE(0), MAX_STRING))).toString('utf8');
}

/** A location descriptor's bytes (size, then RVA), or null when it is empty or outside the file. */
async function located(file: BoundedFile, at: Buffer, offset: number): Promise<Buffer | null> {
  if (at.length < offset + 8) return null;
  const size = at.readUInt32LE(offset);
  const rva = at.readUInt32LE(offset + 4);
  if (size === 0 || rva === 0 || rva >= file.size) return null;
  return file.read(rva, Math.min(size, 4 + MAX_ENTRIES * 16));
}

const countOf = (list: Buffer, entry: number): number => Math.min(list.readUInt32LE(0), MAX_ENTRIES, Math.floor((list.length - 4) / entry));

/** A MinidumpSimpleStringDictionary: a count, then (key RVA, value RVA) pairs. */
async function dictionary(file: BoundedFile, bytes: Buffer | null): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!bytes || bytes.length < 4) return out;
  for (let i = 0; i < countOf(bytes, 8); i++) {
    const key = await utf8At(file, bytes.readUInt32LE(4 + i * 8));
    if (key) out[key] = await utf8At(file, bytes.readUInt32LE(8 + i * 8));
  }
  return out;
}

export async function readCrashpadInfo(file: BoundedFile, stream: Buffer | null): Promise<CrashpadAnnotations | null> {
  if (!stream || stream.length < 52) return null;
  const simple = await dictionary(file, await located(file, stream, 36));
  const modules: CrashpadAnnotations['modules'] = [];
  const links = await located(file, stream, 44);
  if (links && links.length >= 4) {
    for (let i = 0; i < countOf(links, 12); i++) {
      const at = 4 + i * 12;
      const info = await located(file, links, at + 4);
      if (!info || info.length < 20) continue;
      const listBytes = await located(file, info, 4);
      const list: string[] = [];
      if (listBytes && listBytes.length >= 4)
        for (let j = 0; j < countOf(listBytes, 4); j++) list.push(await utf8At(file, listBytes.readUInt32LE(4 + j * 4)));
      modules.push({ moduleIndex: links.readUInt32LE(at), list, simple: await dictionary(file, await located(file, info, 12)) });
    }
  }
  return { simple, modules };
}
