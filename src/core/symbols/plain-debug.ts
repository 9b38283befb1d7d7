/**
 * Debug files as distributions ship them (Debian's -dbg and -dbgsym packages, what debuginfod
 * serves) have their DWARF compressed, and gdb inflates it again on every load: for libc's alone
 * that is ~60 ms of each analysis, more than half of loading a core. The workbench keeps an
 * inflated copy of each such file, named by build-id, in its symbol cache, and the debuggers look
 * there before any other debug folder. The copy holds the same DWARF, so what they extract is the
 * same; only the inflating is gone.
 *
 * A copy is made by binutils' `objcopy --decompress-debug-sections` beside the analysis that first
 * needed it, in a process of its own that outlives a short command: that analysis reads the
 * compressed file, the ones after it the copy.
 */
import { spawn } from 'node:child_process';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cleanEnv } from '../platform/debugger-process';
import type { CompressedDebugFile } from './locate';
import { buildIdPath } from './locate';
import type { SymbolCache } from './symbol-cache';

/** No copy larger than this, nor than a quarter of the cache. */
export const MAX_PLAIN_COPY_BYTES = 1024 * 1024 * 1024;
/** A copy that failed is tried again after a day (binutils may have been upgraded to read zstd meanwhile). */
const RETRY_FAILED_MS = 24 * 60 * 60 * 1000;
/** A claim older than this is one whose copier was killed. */
const STALE_CLAIM_MS = 10 * 60 * 1000;

/**
 * Runs objcopy into a temporary name and renames the result into place, so that a debugger never
 * sees half a file; on failure, what objcopy said is kept beside the copy's name as `.failed`.
 * The claim goes last, whatever happened.
 */
const COPY_SCRIPT = `src=$1 dst=$2 tmp=$2.$$.tmp
if objcopy --decompress-debug-sections "$src" "$tmp" 2>"$tmp.err"; then
  mv -f "$tmp" "$dst" && rm -f "$tmp.err"
else
  mv -f "$tmp.err" "$dst.failed"; rm -f "$tmp"
fi
rm -f "$dst.claim"`;

export type PlainCopyFate = 'ready' | 'copying' | 'too-large' | 'failed-recently' | 'claimed' | { error: string };

async function ageMs(path: string): Promise<number | null> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Takes the copy of one build-id for this process: false when another copier, alive, holds it. */
async function claim(path: string): Promise<boolean> {
  const age = await ageMs(path);
  if (age !== null && age < STALE_CLAIM_MS) return false;
  try {
    await (await open(path, age === null ? 'wx' : 'w', 0o600)).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Starts the copier, and settles once it runs; one that cannot start gives its claim back. */
async function startCopier(source: string, copy: string): Promise<void> {
  const copier = spawn('/bin/sh', ['-c', COPY_SCRIPT, 'crashwb-plain-debug', source, copy], {
    detached: true,
    stdio: 'ignore',
    env: cleanEnv(),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      copier.once('spawn', resolve);
      copier.once('error', reject);
    });
  } catch (error) {
    await rm(`${copy}.claim`, { force: true });
    throw error;
  }
  copier.unref();
}

/** What becomes of one file's copy: marked as used, left as it is, or started. */
async function prepareOne(file: CompressedDebugFile, cache: SymbolCache): Promise<PlainCopyFate> {
  const copy = buildIdPath(cache.plainDebugDir, file.buildId, true);
  if (await cache.markUsed(copy)) return 'ready';
  if (file.inflatedBytes > Math.min(MAX_PLAIN_COPY_BYTES, cache.limitBytes / 4)) return 'too-large';
  const failedAge = await ageMs(`${copy}.failed`);
  if (failedAge !== null && failedAge < RETRY_FAILED_MS) return 'failed-recently';
  await mkdir(dirname(copy), { recursive: true, mode: 0o700 });
  if (!(await claim(`${copy}.claim`))) return 'claimed';
  // Another copier may have finished, and given its claim back, since the copy was looked for.
  if ((await ageMs(copy)) !== null) {
    await rm(`${copy}.claim`, { force: true });
    return 'ready';
  }
  await startCopier(file.path, copy);
  return 'copying';
}

/**
 * For each compressed debug file: marks its inflated copy as used when there is one, or starts
 * making it. Returns what became of each, by build-id; a file whose copy could not be started says
 * why, and is read compressed as before. Nothing here waits for a copy.
 */
export async function preparePlainCopies(files: CompressedDebugFile[], cache: SymbolCache): Promise<Map<string, PlainCopyFate>> {
  const fates = new Map<string, PlainCopyFate>();
  for (const file of files) {
    try {
      fates.set(file.buildId, await prepareOne(file, cache));
    } catch (error) {
      fates.set(file.buildId, { error: `${file.path}: ${(error as Error).message}` });
    }
  }
  return fates;
}
