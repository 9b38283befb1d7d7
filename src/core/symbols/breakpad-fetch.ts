import { rm } from 'node:fs/promises';
import { withFile } from '../platform/bounded-file';
import { download, ServerFailure, type FetchLimits, type SymbolServer } from './debuginfod-client';
import type { SymbolCache } from './symbol-cache';

/**
 * A debug file's name without its folder: a Windows module records its PDB as a full path
 * (`c:\\projects\\app\\app.pdb`), while the symbol store, Breakpad and every symbol server use
 * the name alone (`app.pdb`).
 */
export function debugFileBase(debugName: string): string {
  return debugName.slice(Math.max(debugName.lastIndexOf('/'), debugName.lastIndexOf('\\')) + 1);
}

/** The file name dump_syms gives a module's symbols: the debug file's name, `.pdb` replaced by `.sym`. */
export function symFileName(debugName: string): string {
  const base = debugFileBase(debugName);
  return base.toLowerCase().endsWith('.pdb') ? `${base.slice(0, -4)}.sym` : `${base}.sym`;
}

/** The symbol store's path of a module's symbols: `<debug file>/<DEBUG ID>/<name>.sym`, as Socorro and Sentry serve them. */
export function symStorePath(debugName: string, debugId: string): string[] {
  return [debugFileBase(debugName), debugId, symFileName(debugName)];
}

/** Enough of a symbol file's start to hold its MODULE line. */
export const MODULE_LINE_BYTES = 4096;

/** What a symbol file's first line, `MODULE os arch id name`, gives: its debug id and debug file name; null when it has none. */
export function moduleLineOf(head: Buffer): { id: string; name: string } | null {
  const first = head.toString('utf8').split('\n', 1)[0]?.replace(/\r$/, '') ?? '';
  const parts = first.split(' ');
  if (parts[0] !== 'MODULE' || parts.length < 5) return null;
  return { id: parts[3] ?? '', name: parts.slice(4).join(' ') };
}

/** The identifier a symbol file's MODULE line gives, or why it has none. */
export async function symFileModuleId(path: string): Promise<{ id: string } | { problem: string }> {
  const line = moduleLineOf(await withFile(path, (file) => file.read(0, MODULE_LINE_BYTES)));
  return line ? { id: line.id } : { problem: 'it does not start with a MODULE line' };
}

/**
 * Fetches a module's Breakpad symbols from a server that serves the symbol-store layout, into the
 * cache. Kept only when its MODULE line names the asked debug id; null when the server lacks it.
 */
export async function fetchBreakpadSymbols(
  server: SymbolServer,
  debugName: string,
  debugId: string,
  cache: SymbolCache,
  limits: FetchLimits,
): Promise<string | null> {
  const parts = symStorePath(debugName, debugId);
  const target = cache.breakpadPathOf(...(parts as [string, string, string]));
  if (!target) return null;
  const path = `/${parts.map(encodeURIComponent).join('/')}`;
  const temporary = await cache.temporaryPath();
  if (!(await download(server, path, temporary, { ...limits, maxBytes: Math.min(limits.maxBytes, cache.limitBytes) }))) return null;
  try {
    const module = await symFileModuleId(temporary);
    if ('problem' in module)
      throw new ServerFailure(
        server.url,
        'bad-file',
        `${server.url} sent a file for ${path} that is not a Breakpad symbol file (${module.problem}); it was not used`,
      );
    if (module.id.toUpperCase() !== debugId.toUpperCase())
      throw new ServerFailure(
        server.url,
        'bad-file',
        `${server.url} sent symbols for ${path} whose debug id is ${module.id}; they were not used`,
      );
    return await cache.store(temporary, target, server.url);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
