import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const MDMP = 0x504d444d;

/** True for an ELF file whose type is ET_CORE, or a minidump (MDMP); reads 18 bytes. */
export async function isCoreFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(18);
    const { bytesRead } = await handle.read(head, 0, 18, 0);
    if (bytesRead >= 4 && head.readUInt32LE(0) === MDMP) return true;
    return bytesRead === 18 && head.readUInt32BE(0) === 0x7f454c46 && head.readUInt16LE(16) === 4;
  } finally {
    await handle.close();
  }
}

export interface FoundFiles {
  cores: string[];
  /** Named files that are not cores; files met while walking a folder are only counted. */
  rejected: Array<{ path: string; error: string }>;
  skipped: number;
}

/** The core files among the given paths, walking folders recursively. */
export async function findCores(paths: string[]): Promise<FoundFiles> {
  const found: FoundFiles = { cores: [], rejected: [], skipped: 0 };
  const walk = async (path: string, named: boolean): Promise<void> => {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (named) found.rejected.push({ path, error: `cannot read it: ${error.code ?? error.message}` });
      return null;
    });
    if (!info) return;
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const entry of entries) await walk(join(path, entry), false);
    } else if (info.isFile() && info.size > 0 && (await isCoreFile(path).catch(() => false))) found.cores.push(path);
    else if (named) found.rejected.push({ path, error: 'not an ELF core file or a minidump' });
    else found.skipped++;
  };
  for (const p of paths) await walk(resolve(p), true);
  return found;
}
