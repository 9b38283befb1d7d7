import { homedir } from 'node:os';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { withFile } from '../platform/bounded-file';
import type { DirectoryListing, SourceMapping, SourceResult } from '../../shared/model';
import { MAX_SOURCE_BYTES } from '../../shared/reporter-protocol';

const LANGUAGES: Record<string, string> = {
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.rs': 'rust',
  '.go': 'go',
  '.s': 'asm',
  '.S': 'asm',
  '.zig': 'zig',
};

/** Monaco's language for a file, by its extension. */
export const languageOf = (path: string): string => LANGUAGES[extname(path)] ?? 'plaintext';

/**
 * Places no source is ever read from, whatever folder the user trusts: a crash names its source
 * files, and a hostile one names /etc/shadow or ~/.ssh/id_ed25519 to have them shown and exported.
 */
const NEVER = ['/proc', '/sys', '/dev', '/etc', '/run', '/boot', '/var/run'];

const within = (path: string, root: string): boolean => path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);

/** "under /etc, which is never read as source", or null. */
function neverRead(real: string): string | null {
  const denied = NEVER.find((d) => within(real, d));
  return denied ? `under ${denied}, which is never read as source` : null;
}

/** Home folders: the user's own, /root, and every /home/NAME. */
function homeOf(path: string): string | null {
  const home = homedir();
  if (home.length > 1 && within(path, home)) return home;
  if (within(path, '/root')) return '/root';
  const m = /^\/home\/[^/]+/.exec(path);
  return m ? m[0] : null;
}

/**
 * Why a real path may not be read as source, or null when it may. A home folder's dot-files
 * and dot-folders (~/.ssh, ~/.aws, ~/.netrc …) are refused unless the trusted folder itself is
 * inside that dot-folder (~/.cargo/registry/src, for a Rust crate's sources).
 */
export function refusedSourcePath(real: string, root: string): string | null {
  const denied = neverRead(real);
  if (denied) return `it is ${denied}`;
  const home = homeOf(real);
  if (home) {
    const first = relative(home, real).split(sep)[0] ?? '';
    if (first.startsWith('.') && !within(root, join(home, first))) return `it is a home folder's hidden file (${join(home, first)})`;
  }
  return null;
}

/** Why a folder cannot be a source folder, or null: the places sources are never read from. */
export function refusedSourceFolder(real: string): string | null {
  const denied = neverRead(real);
  if (denied) return `${real} is ${denied}`;
  const home = homeOf(real);
  const rest = home ? relative(home, real).split(sep) : [];
  if (home && rest.length === 1 && rest[0]?.startsWith('.'))
    return `${real} is a home folder's hidden folder; choose the source folder inside it instead`;
  return null;
}

type Checked = { ok: true; path: string; size: number } | { ok: false; why: string } | null;

/**
 * A candidate checked as the file system sees it: links resolved, inside a trusted root, in no
 * refused place, a regular file. Null when there is nothing there.
 */
async function checkCandidate(path: string, roots: string[]): Promise<Checked> {
  const real = await realpath(path).catch(() => null);
  if (!real) return null;
  const root = roots.find((r) => within(real, r));
  if (!root) return { ok: false, why: `it leads to ${real}, outside the source folders` };
  const refused = refusedSourcePath(real, root);
  if (refused) return { ok: false, why: refused };
  const info = await stat(real).catch(() => null);
  if (!info) return null;
  if (!info.isFile()) return info.isDirectory() ? null : { ok: false, why: 'it is not a regular file' };
  return { ok: true, path: real, size: info.size };
}

/** Reads a checked file without blocking on it should it have been swapped for a FIFO since. */
async function readText(path: string, size: number): Promise<string> {
  return withFile(path, async (file) => (await file.read(0, size)).toString('utf8'));
}

/** Where sources may be read from: the folders the user gave and the checkouts their mappings name. */
export interface SourceRoots {
  folders: string[];
  mappings: SourceMapping[];
}

/**
 * Where a source file recorded at build time may be now: the recorded path itself, then under
 * each folder the user named, trying ever shorter tails of the recorded path
 * (/build/src/app/main.c → FOLDER/src/app/main.c, FOLDER/app/main.c, FOLDER/main.c).
 */
export function sourceCandidates(file: string, folders: string[], mappings: SourceMapping[] = []): string[] {
  // A Windows build records c:\src\app.cc: its parts are the same, only its separators differ.
  const slashed = file.replace(/\\/g, '/');
  // A recorded path's .. would climb out of the folder it is looked for in.
  const parts = slashed.split('/').filter((p) => p && p !== '.' && p !== '..');
  // The executable's own mappings come first: they are what the person said about this build.
  const mapped = mappings.flatMap((m) => {
    const from = m.from.replace(/\\/g, '/').replace(/\/+$/, '');
    return slashed === from || slashed.startsWith(`${from}/`) ? [join(m.to, slashed.slice(from.length))] : [];
  });
  const out = [...mapped, ...(file.startsWith('/') ? [file] : [])];
  for (const folder of folders) {
    for (let i = 0; i < parts.length; i++) out.push(join(folder, ...parts.slice(i)));
  }
  return [...new Set(out)];
}

/**
 * A source file, read only from inside the folders the user trusts (source folders, mapped
 * checkouts, and build folders once confirmed, which become source folders). A recorded path
 * outside them is never read: when a regular file is there, the result offers its folder for
 * the user to confirm.
 */
export async function findSource(file: string, roots: SourceRoots): Promise<SourceResult> {
  const { folders, mappings } = roots;
  const candidates = sourceCandidates(file, folders, mappings);
  // The roots as the file system has them (links resolved); one that does not exist trusts nothing.
  const trusted = (await Promise.all([...folders, ...mappings.map((m) => m.to)].map((r) => realpath(r).catch(() => null)))).filter(
    (r): r is string => r !== null,
  );
  const refusals: string[] = [];
  for (const path of candidates) {
    const checked = await checkCandidate(path, trusted);
    if (!checked) continue;
    if (!checked.ok) {
      refusals.push(`${path}: ${checked.why}`);
      continue;
    }
    if (checked.size > MAX_SOURCE_BYTES) {
      return { found: false, searched: [path], message: `${path} is ${checked.size} bytes, too large to show` };
    }
    return { found: true, path: checked.path, text: await readText(checked.path, checked.size), language: languageOf(path) };
  }
  const hint = folders.length ? '' : ' No source folders are set yet.';
  const buildFolder = file.startsWith('/') ? await confirmableFolder(file) : null;
  if (buildFolder)
    return {
      found: false,
      searched: candidates,
      buildFolder,
      message: `${basename(file)} is on this machine, where the crash says it was built, in a folder you have not trusted yet. Sources are read only from folders you trust: trust this one if it is your build, or point at your checkout.`,
    };
  const refused = refusals.length ? ` Not read: ${refusals.join('; ')}.` : '';
  return {
    found: false,
    searched: candidates,
    message: file.startsWith('/')
      ? `Source not found: ${basename(file)} is not at ${file}.${hint}${refused} Point at the folder that holds your checkout, or map the build path to it.`
      : `Source not found: ${file} is a path on the machine that built the program.${hint}${refused} Point at the folder that holds your checkout, or map the build path to it.`,
  };
}

/**
 * The folder of a recorded path that the user may confirm as the build's: only when a regular
 * file is there and it is in no refused place, judged as if its own folder were trusted.
 */
async function confirmableFolder(file: string): Promise<string | null> {
  const folder = dirname(file);
  const real = await realpath(file).catch(() => null);
  if (!real || real !== file) return null;
  // Judged as if no folder were trusted: a crash cannot have ~/.ssh offered as its build folder.
  if (refusedSourcePath(real, '/')) return null;
  const info = await stat(real).catch(() => null);
  return info?.isFile() ? folder : null;
}

const MAX_ENTRIES = 2000;

export async function listDirectory(path: string): Promise<DirectoryListing> {
  const dirents = await readdir(path, { withFileTypes: true });
  const entries = await Promise.all(
    dirents
      .filter((d) => d.isDirectory() || d.isFile())
      .slice(0, MAX_ENTRIES)
      .map(async (d) => {
        const full = join(path, d.name);
        const size = d.isFile()
          ? await stat(full).then(
              (s) => s.size,
              () => 0,
            )
          : 0;
        return { name: d.name, path: full, kind: d.isDirectory() ? ('directory' as const) : ('file' as const), size };
      }),
  );
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'directory' ? -1 : 1));
  return { path, parent: path === '/' ? null : dirname(path), entries };
}
