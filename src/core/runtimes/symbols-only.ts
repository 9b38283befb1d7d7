/**
 * A runtime's executable without its DWARF, kept in the symbol cache by build-id. llnode needs
 * only the symbol table (V8's postmortem constants live there), but lldb reads an unstripped
 * node's whole DWARF first: 14–17 s of CPU on every open, against about a second for the copy.
 * The copy is made once per build, by objcopy, and found again by the next core of that build.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { isBuildId } from '../symbols/symbol-cache';

const run = promisify(execFile);
const COPY_TIMEOUT_MS = 60_000;

/** The folder under the symbol cache that holds the copies. */
export const SYMBOLS_ONLY_DIR = 'runtime-symbols';

/**
 * The copy of `file` without debug info, made where it is missing; `file` itself where no cache,
 * no build-id or no objcopy allows a copy (slower, but the same frames).
 */
export async function symbolsOnlyCopy(
  file: string,
  buildId: string | null,
  cacheDir: string | null,
): Promise<{ path: string; note: string | null }> {
  if (!cacheDir || !buildId || !isBuildId(buildId)) return { path: file, note: null };
  const dir = join(cacheDir, SYMBOLS_ONLY_DIR, buildId);
  const copy = join(dir, basename(file));
  if (existsSync(copy)) return { path: copy, note: null };
  mkdirSync(dir, { recursive: true });
  const partial = `${copy}.${process.pid}.partial`;
  try {
    await run('objcopy', ['--strip-debug', file, partial], { timeout: COPY_TIMEOUT_MS });
    renameSync(partial, copy);
    return { path: copy, note: null };
  } catch (error) {
    rmSync(partial, { force: true });
    return {
      path: file,
      note: `no copy of ${file} without its debug info could be made in ${dir} (${(error as Error).message.split('\n')[0]}); lldb reads the whole file, which is slower`,
    };
  }
}
