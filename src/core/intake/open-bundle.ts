/** Intake, step 1: a path becomes a crash input, opened by the crash source that knows its shape. */

import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { regularFileStream } from '../platform/bounded-file';
import { DEFAULT_LIMITS, type CrashInput, type SourceLimits } from '../sources/crash-input';
import { notACrash, shapeOfDirectory, shapeOfFile, sourceOf } from '../sources/registry';
import type { CrashShape } from '../sources/shape';

export { DEFAULT_LIMITS, type CrashInput, type PartialCrash, type SourceLimits } from '../sources/crash-input';

/** The digest a bundle without a core is known by: of the files that describe it. */
export async function digestOf(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths.sort()) {
    hash.update(basename(path));
    for await (const chunk of await regularFileStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * Opens any shape of crash with the source that knows it: cores as they are, the rest taken apart
 * into the store. `known` is the shape a search for crashes found already, so it is not read again.
 */
export async function prepareCrash(
  path: string,
  storeDir: string,
  limits: SourceLimits = DEFAULT_LIMITS,
  known?: CrashShape,
): Promise<CrashInput> {
  const info = await stat(path);
  const shape = known ?? (info.isDirectory() ? await shapeOfDirectory(path) : await shapeOfFile(path));
  if (!shape) throw new Error(info.isDirectory() ? `${path} is a folder, not an AppScope crash directory` : await notACrash(path));
  await mkdir(storeDir, { recursive: true });
  const source = sourceOf(shape);
  if (!source.open) throw new Error(`${path}: ${source.name} files are opened as what they hold`);
  if (limits.signal) return source.open(path, shape, storeDir, limits);
  // Unpacking is bounded in time as well as in bytes: an import, and a watcher behind it, go on.
  const ms = openDeadlineMs(info.size);
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new Error(
          `${path}: unpacking it took longer than ${Math.round(ms / 1000)} s, the bound for a file of its size (damaged or hostile?)`,
        ),
      ),
    ms,
  );
  timer.unref();
  try {
    return await source.open(path, shape, storeDir, { ...limits, signal: deadline.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** How long unpacking a crash may take: a minute, and a second more for each 10 MB of the file. */
export const openDeadlineMs = (size: number): number => 60_000 + Math.ceil(size / 10_000_000) * 1000;

/** The files whose content identifies a crash that has no core: the bundle's own, or the file itself. */
export async function identityFiles(path: string, known?: CrashShape): Promise<string[]> {
  const info = await stat(path);
  const shape = info.isDirectory() ? (known ?? (await shapeOfDirectory(path))) : null;
  const identity = shape ? sourceOf(shape).identity : undefined;
  return identity ? identity(path) : [path];
}
