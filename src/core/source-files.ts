import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { DirectoryListing, SourceMapping, SourceResult } from '../shared/model';
import { MAX_SOURCE_BYTES } from '../shared/reporter-protocol';

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

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Where a source file recorded at build time may be now: the recorded path itself, then under
 * each folder the user named, trying ever shorter tails of the recorded path
 * (/build/src/app/main.c → FOLDER/src/app/main.c, FOLDER/app/main.c, FOLDER/main.c).
 */
export function sourceCandidates(file: string, folders: string[], mappings: SourceMapping[] = []): string[] {
  // A Windows build records c:\src\app.cc: its parts are the same, only its separators differ.
  const slashed = file.replace(/\\/g, '/');
  const parts = slashed.split('/').filter(Boolean);
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

export async function findSource(file: string, folders: string[], mappings: SourceMapping[] = []): Promise<SourceResult> {
  const candidates = sourceCandidates(file, folders, mappings);
  for (const path of candidates) {
    if (!(await isFile(path))) continue;
    const info = await stat(path);
    if (info.size > MAX_SOURCE_BYTES) {
      return { found: false, searched: [path], message: `${path} is ${info.size} bytes, too large to show` };
    }
    return { found: true, path, text: await readFile(path, 'utf8'), language: languageOf(path) };
  }
  const hint = folders.length ? '' : ' No source folders are set yet.';
  return {
    found: false,
    searched: candidates,
    message: file.startsWith('/')
      ? `Source not found: ${basename(file)} is not at ${file}.${hint} Point at the folder that holds your checkout, or map the build path to it.`
      : `Source not found: ${file} is a path on the machine that built the program.${hint} Point at the folder that holds your checkout, or map the build path to it.`,
  };
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
