/**
 * A runtime's executable without its DWARF, kept in the symbol cache by build-id. llnode needs
 * only the symbol table (V8's postmortem constants live there), but lldb reads an unstripped
 * node's whole DWARF first: 14–17 s of CPU on every open, against about a second for the copy.
 * The copy is made once per build, by objcopy, and found again by the next core of that build;
 * the cache counts, trims and clears it with the rest.
 */

import { execFile } from 'node:child_process';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { isBuildId, type SymbolCache } from './symbol-cache';

const run = promisify(execFile);
const COPY_TIMEOUT_MS = 60_000;

/**
 * The copy of `file` without debug info, made where it is missing; `file` itself where no cache,
 * no build-id or no objcopy allows a copy (slower, but the same frames), with why.
 */
export async function symbolsOnlyCopy(
  file: string,
  buildId: string | null,
  cache: SymbolCache | null,
): Promise<{ path: string; note: string | null }> {
  if (!cache || !buildId || !isBuildId(buildId)) return { path: file, note: null };
  const dir = join(cache.symbolsOnlyDir, buildId);
  const copy = join(dir, basename(file));
  if (await cache.markUsed(copy)) return { path: copy, note: null };
  const partial = `${copy}.${process.pid}.partial`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await run('objcopy', ['--strip-debug', file, partial], { timeout: COPY_TIMEOUT_MS });
    await rename(partial, copy);
    return { path: copy, note: null };
  } catch (error) {
    await rm(partial, { force: true });
    return {
      path: file,
      note: `no copy of ${file} without its debug info could be made in ${dir} (${(error as Error).message.split('\n')[0]}); lldb reads the whole file, which is slower`,
    };
  }
}
