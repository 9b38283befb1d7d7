import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisWarning, FileOrigin } from '../../shared/model';
import { fileName } from '../../shared/frame-label';
import type { CoreModule } from '../elf/core-file';
import type { SymbolServer } from '../symbols/debuginfod-client';
import type { SymbolCache } from '../symbols/symbol-cache';
import { breakpadKey, fetchFromServers, type Wanted } from '../symbols/symbol-lookup';
import { readSymbolFile, SymbolFileError } from './sym-file';
import { ModuleSymbols } from './sym-lookup';
import { symFileModuleId, symFileName, symStorePath } from '../symbols/breakpad-fetch';

export interface FoundSymbols {
  symbols: ModuleSymbols;
  path: string;
  origin: FileOrigin;
}

export interface SymbolSearch {
  debugDirs: string[];
  servers: SymbolServer[];
  cache: SymbolCache | null;
  onProgress?: (message: string, fraction: number) => void;
}

const debugNameOf = (module: CoreModule): string => module.debugName || fileName(module.path);

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Finds each module's `.sym` under the debug folders (symbol-store layout, or the file alone in the
 * folder), then in the cache, then on the symbol servers; a file is used only when its MODULE line
 * names the module's debug id. Malformed lines leave a warning and the rest of the file is used.
 */
export async function loadBreakpadSymbols(
  modules: CoreModule[],
  search: SymbolSearch,
): Promise<{ found: Map<CoreModule, FoundSymbols>; warnings: AnalysisWarning[] }> {
  const warnings: AnalysisWarning[] = [];
  const paths = new Map<CoreModule, { path: string; origin: FileOrigin }>();
  const wanted: { module: CoreModule; item: Wanted }[] = [];
  for (const module of modules) {
    if (!module.debugId) continue;
    const debugName = debugNameOf(module);
    const store = symStorePath(debugName, module.debugId);
    const candidates = search.debugDirs.flatMap((dir) => [
      { dir, path: join(dir, ...store) },
      { dir, path: join(dir, symFileName(debugName)) },
    ]);
    const cached = search.cache?.breakpadPathOf(...(store as [string, string, string]));
    let found: { path: string; origin: FileOrigin } | null = null;
    for (const { dir, path } of candidates) {
      if (!(await readable(path))) continue;
      const id = await symFileModuleId(path);
      if ('id' in id && id.id.toUpperCase() === module.debugId.toUpperCase()) {
        found = { path, origin: { kind: 'debug-dir', from: dir } };
        break;
      }
      warnings.push({
        kind: 'symbol-file',
        message: `${path} was not used for ${module.path}: ${'problem' in id ? id.problem : `its debug id is ${id.id}, the module's is ${module.debugId}`}`,
      });
    }
    if (!found && cached) {
      const hit = await search.cache?.lookup(cached);
      if (hit) found = { path: hit.path, origin: { kind: 'symbol-server', from: hit.from } };
    }
    if (found) paths.set(module, found);
    else wanted.push({ module, item: { kind: 'breakpad', debugName, debugId: module.debugId, module: module.path } });
  }
  if (wanted.length && search.cache && search.servers.length) {
    const fetched = await fetchFromServers(
      wanted.map((w) => w.item),
      { servers: search.servers, cache: search.cache, onProgress: search.onProgress },
    );
    warnings.push(...fetched.warnings);
    for (const { module, item } of wanted) {
      const hit = item.kind === 'breakpad' ? fetched.found.get(breakpadKey(item.debugName, item.debugId)) : undefined;
      if (hit) paths.set(module, { path: hit.path, origin: { kind: 'symbol-server', from: hit.from } });
    }
  }
  const found = new Map<CoreModule, FoundSymbols>();
  for (const [module, { path, origin }] of paths) {
    try {
      const file = await readSymbolFile(path);
      if (file.problemCount > 0) {
        const first = file.problems[0];
        warnings.push({
          kind: 'symbol-file',
          message: `${path}: ${file.problemCount} line${file.problemCount === 1 ? ' was' : 's were'} not understood (first at line ${first?.line}: ${first?.message}); the rest of the file was used`,
        });
      }
      found.set(module, { symbols: new ModuleSymbols(file), path, origin });
    } catch (error) {
      if (!(error instanceof SymbolFileError) && !(error as NodeJS.ErrnoException).code) throw error;
      warnings.push({ kind: 'symbol-file', message: `${path} could not be used for ${module.path}: ${(error as Error).message}` });
    }
  }
  return { found, warnings };
}
