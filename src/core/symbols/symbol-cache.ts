import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BUILD_ID, type SymbolKind } from '../../shared/reporter-protocol';

export type ArtifactKind = SymbolKind;

export const DEFAULT_CACHE_MB = 2048;
/** Breakpad symbol files, as `<debug file>/<debug id>/<name>.sym`: the cache is then also a symbol store to point --debug-dir at. */
const BREAKPAD_DIR = 'breakpad';
/** gdb's index cache: what it built from debug files, named by their build-ids. */
const GDB_INDEX_DIR = 'gdb-index';
/** Inflated copies of compressed debug files, by build-id: see plain-debug.ts. */
const PLAIN_DEBUG_DIR = 'plain-debug';
/** Runtimes' executables without their DWARF, by build-id: see symbols-only.ts. */
const SYMBOLS_ONLY_DIR = 'runtime-symbols';
const ORIGIN_SUFFIX = '.origin';

/** The user's cache folder for fetched symbols: $CRASHWB_SYMBOL_CACHE, else XDG's cache home. */
export function defaultSymbolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CRASHWB_SYMBOL_CACHE) return resolve(env.CRASHWB_SYMBOL_CACHE);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'crash-workbench', 'symbols');
}

export function isBuildId(text: string): boolean {
  return BUILD_ID.test(text);
}

export interface CacheUsage {
  dir: string;
  files: number;
  bytes: number;
  limitBytes: number;
}

/**
 * Files fetched from symbol servers, in the `.build-id/ab/cdef…[.debug]` layout that gdb, lldb
 * and elfutils read, so the folder is also a debug directory and a build-id folder for binaries.
 * Sources go under `sources/<build-id>/<path>`. Least recently used files go first when it is full.
 */
export class SymbolCache {
  constructor(
    readonly dir: string,
    readonly limitBytes = DEFAULT_CACHE_MB * 1024 * 1024,
  ) {}

  /** Where gdb keeps its indexes of debug info, trimmed and cleared with the rest of the cache. */
  get gdbIndexDir(): string {
    return join(this.dir, GDB_INDEX_DIR);
  }

  /** A debug folder of inflated copies of compressed debug files, trimmed and cleared with the rest. */
  get plainDebugDir(): string {
    return join(this.dir, PLAIN_DEBUG_DIR);
  }

  /** Copies of runtimes' executables without DWARF (node's, for llnode), trimmed and cleared with the rest. */
  get symbolsOnlyDir(): string {
    return join(this.dir, SYMBOLS_ONLY_DIR);
  }

  pathOf(buildId: string, kind: ArtifactKind): string {
    if (!isBuildId(buildId)) throw new Error(`not a build-id: ${JSON.stringify(buildId)}`);
    return join(this.dir, '.build-id', buildId.slice(0, 2), buildId.slice(2) + (kind === 'debuginfo' ? '.debug' : ''));
  }

  /** Where a Breakpad symbol file is kept, in the symbol-store layout; null for names that are not plain file names. */
  breakpadPathOf(debugName: string, debugId: string, symName: string): string | null {
    const plain = (part: string) => part !== '' && part !== '.' && part !== '..' && !/[/\\\0]/.test(part);
    return [debugName, debugId, symName].every(plain) ? join(this.dir, BREAKPAD_DIR, debugName, debugId, symName) : null;
  }

  /** Where a source file of a build is kept; null for a path that would leave the build's folder. */
  sourcePathOf(buildId: string, file: string): string | null {
    if (!isBuildId(buildId) || !file.startsWith('/')) return null;
    const base = join(this.dir, 'sources', buildId);
    const path = join(base, file);
    return relative(base, path).startsWith('..') || !path.startsWith(base + sep) ? null : path;
  }

  /**
   * Marks a file the cache keeps as just used, and says whether there is one: the cache forgets
   * the least recently used first, and a debugger reading a file does not say it was used.
   */
  async markUsed(path: string): Promise<boolean> {
    const now = new Date();
    try {
      await utimes(path, now, now);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** The cached file, marked as just used, or null. */
  async lookup(path: string): Promise<{ path: string; from: string } | null> {
    try {
      const info = await stat(path);
      if (!info.isFile()) return null;
      const now = new Date();
      await utimes(path, now, now);
      const from = await readFile(path + ORIGIN_SUFFIX, 'utf8').catch(() => 'the symbol cache');
      return { path, from };
    } catch {
      return null;
    }
  }

  /** A file name inside the cache for a download in progress (same file system, so it can be renamed). */
  async temporaryPath(): Promise<string> {
    const dir = join(this.dir, '.incoming');
    await mkdir(dir, { recursive: true });
    // The global Web Crypto: node:crypto is loaded at the first download, not by every command that names the cache.
    return join(dir, globalThis.crypto.randomUUID());
  }

  /** Moves a checked download into place, notes which server it came from, and keeps the cache in its limit. */
  async store(temporary: string, path: string, from: string): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path + ORIGIN_SUFFIX, from);
    await rename(temporary, path);
    await this.trim(path);
    return path;
  }

  async usage(): Promise<CacheUsage> {
    const files = await this.files();
    return { dir: this.dir, files: files.length, bytes: files.reduce((n, f) => n + f.size, 0), limitBytes: this.limitBytes };
  }

  /** Removes least recently used files until the cache is within its limit; `keep` is never removed. */
  async trim(keep?: string): Promise<number> {
    const files = (await this.files()).sort((a, b) => a.usedMs - b.usedMs);
    let bytes = files.reduce((n, f) => n + f.size, 0);
    let removed = 0;
    for (const f of files) {
      if (bytes <= this.limitBytes) break;
      if (f.path === keep) continue;
      await rm(f.path, { force: true });
      await rm(f.path + ORIGIN_SUFFIX, { force: true });
      bytes -= f.size;
      removed++;
    }
    return removed;
  }

  async clear(): Promise<CacheUsage> {
    const before = await this.usage();
    await rm(join(this.dir, '.build-id'), { recursive: true, force: true });
    await rm(join(this.dir, 'sources'), { recursive: true, force: true });
    await rm(join(this.dir, BREAKPAD_DIR), { recursive: true, force: true });
    await rm(join(this.dir, GDB_INDEX_DIR), { recursive: true, force: true });
    await rm(join(this.dir, PLAIN_DEBUG_DIR), { recursive: true, force: true });
    await rm(join(this.dir, SYMBOLS_ONLY_DIR), { recursive: true, force: true });
    await rm(join(this.dir, '.incoming'), { recursive: true, force: true });
    return before;
  }

  private async files(): Promise<{ path: string; size: number; usedMs: number }[]> {
    const out: { path: string; size: number; usedMs: number }[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new Error(`cannot read the symbol cache at ${dir}: ${(error as Error).message}`);
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path);
        else if (e.isFile() && !e.name.endsWith(ORIGIN_SUFFIX)) {
          const info = await stat(path);
          out.push({ path, size: info.size, usedMs: info.mtimeMs });
        }
      }
    };
    await walk(join(this.dir, '.build-id'));
    await walk(join(this.dir, 'sources'));
    await walk(join(this.dir, BREAKPAD_DIR));
    await walk(join(this.dir, GDB_INDEX_DIR));
    await walk(join(this.dir, PLAIN_DEBUG_DIR));
    await walk(join(this.dir, SYMBOLS_ONLY_DIR));
    return out;
  }
}
