import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Module } from '../../shared/model';
import { plainTmpdir } from '../platform/path-aliases';
import { buildIdPath, debugSearchPath, underSysroot, inMemory } from './locate';

/** A private root and debug folder that show a debugger exactly the files the analysis chose. */
export interface ModuleLinks {
  /** For gdb's `set sysroot` and lldb's platform sysroot: each library at the path the core recorded. */
  sysroot: string;
  /** A `.build-id` folder with every module's chosen debug file. */
  debugDir: string;
  /**
   * Removes the folder off the event loop (its tree is as deep as the core's paths). A folder that
   * cannot be removed is told on stderr, not thrown: the analysis it served is complete.
   */
  dispose(): Promise<void>;
}

/**
 * Builds the folder of symbolic links. The core's recorded paths become paths under the private
 * root, so a library found in a solib folder, under a sysroot, by build-id or on a symbol server
 * is loaded for the module it was chosen for, and one nothing was found for stays unloaded rather
 * than picked up from this machine under the same name.
 */
export function linkModules(libraries: { path: string; hostPath: string }[], modules: Module[]): ModuleLinks {
  let dir: string;
  try {
    dir = mkdtempSync(join(plainTmpdir(), 'crashwb-modules-'));
  } catch (error) {
    throw new Error(
      `cannot make the folder of library links for the debugger in ${plainTmpdir()}: ${(error as Error).message}; set TMPDIR to a writable folder`,
    );
  }
  const sysroot = join(dir, 'root');
  const debugDir = join(dir, 'debug');
  try {
    mkdirSync(sysroot);
    mkdirSync(debugDir);
    const placed = new Set<string>();
    for (const { path, hostPath } of libraries) placeLink(hostPath, underSysroot(sysroot, path), sysroot, placed);
    for (const m of modules) {
      if (m.buildId && m.buildId.length >= 4 && /^[0-9a-f]+$/.test(m.buildId) && m.debugFile) {
        placeLink(m.debugFile, buildIdPath(debugDir, m.buildId, true), debugDir, placed);
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot prepare the libraries for the debugger in ${dir}: ${(error as Error).message}`);
  }
  const dispose = (): Promise<void> =>
    rm(dir, { recursive: true, force: true }).catch((error: Error) => {
      process.stderr.write(`crashwb: could not remove the debugger's library links in ${dir}: ${error.message}\n`);
    });
  return { sysroot, debugDir, dispose };
}

/**
 * Places one link. The paths come from the core, which anyone may have written: a path below one
 * already linked (`/x` linked to a folder, then `/x/y`) would be created through that link,
 * outside this folder, so it is passed over.
 */
function placeLink(target: string, link: string, root: string, placed: Set<string>): void {
  for (let dir = dirname(link); dir.length > root.length; dir = dirname(dir)) if (placed.has(dir)) return;
  placed.add(link);
  try {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link);
  } catch (error) {
    // Two mappings of one file (or a path that is also a folder of another): the first stays.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
  }
}

/** The file a path leads to, or the path itself when it leads nowhere. */
const fileBehind = (path: string): Promise<string> => realpath(path).catch(() => path);

/**
 * Whether a debugger needs the folder of links to read the files chosen, or reads the very same
 * ones without it: every module was found at the path the core recorded (or under a name of it
 * that leads to the same file), every debug file of a module's own is where the debugger looks
 * by build-id anyway (`debugDirs`, which it is given, and /usr/lib/debug), and no sysroot or
 * solib folder was given. On the machine that crashed, the common case, the folder is then not
 * made: making and removing it cost an analysis ~30 ms here.
 */
export async function linksNeeded(
  libraries: { path: string; hostPath: string }[],
  modules: Module[],
  search: { sysroot: string | null; solibDirs: string[]; debugDirs: string[] },
): Promise<boolean> {
  if (search.sysroot !== null || search.solibDirs.length > 0) return true;
  const looked = debugSearchPath(search.debugDirs);
  const foundByItself = (m: Module): boolean =>
    m.debugFile === null || (m.buildId !== null && looked.some((dir) => buildIdPath(dir, m.buildId as string, true) === m.debugFile));
  // The vdso is no file: the debugger reads it from the core, wherever the rest came from.
  const files = modules.filter((m) => !inMemory(m));
  if (files.some((m) => m.hostPath !== m.path || !foundByItself(m))) return true;
  for (const { path, hostPath } of libraries) {
    if (path !== hostPath && (await fileBehind(path)) !== (await fileBehind(hostPath))) return true;
  }
  return false;
}
