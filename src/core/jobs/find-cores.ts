import { lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NOT_A_CRASH, shapeOfDirectory, shapeOfFile } from '../sources/registry';
import type { CrashShape } from '../sources/shape';

export interface FoundFiles {
  /**
   * Crashes to import (core files, minidumps, compressed cores, apport reports, zips and AppScope
   * directories), each with the shape its bytes showed: no step after this one reads them for it again.
   */
  cores: Array<{ path: string; shape: CrashShape }>;
  /** Named files that are not crashes; files met while walking a folder are only counted. */
  rejected: Array<{ path: string; error: string }>;
  skipped: number;
}

/** The crashes among the given paths, walking folders recursively; an AppScope crash directory is one crash. */
export async function findCores(paths: string[]): Promise<FoundFiles> {
  const found: FoundFiles = { cores: [], rejected: [], skipped: 0 };
  const walk = async (path: string, named: boolean): Promise<void> => {
    // A path someone names is theirs to choose; a link met inside a folder is not followed.
    const info = await (named ? stat(path) : lstat(path)).catch((error: NodeJS.ErrnoException) => {
      if (named) found.rejected.push({ path, error: `cannot read it: ${error.code ?? error.message}` });
      return null;
    });
    if (!info) return;
    if (info.isSymbolicLink()) {
      found.rejected.push({
        path,
        error: 'a symbolic link inside a folder: not followed, since it could point anywhere; name its target to import it',
      });
      return;
    }
    if (info.isDirectory()) {
      const shape = await shapeOfDirectory(path);
      if (shape) {
        found.cores.push({ path, shape });
        return;
      }
      const entries = (await readdir(path)).sort();
      for (const entry of entries) await walk(join(path, entry), false);
      return;
    }
    const shape = info.isFile() && info.size > 0 ? await shapeOfFile(path).catch(() => null) : null;
    if (shape) found.cores.push({ path, shape });
    else if (named) found.rejected.push({ path, error: `not a crash: ${NOT_A_CRASH}` });
    else found.skipped++;
  };
  for (const p of paths) await walk(resolve(p), true);
  return found;
}
