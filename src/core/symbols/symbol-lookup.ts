import type { AnalysisWarning } from '../../shared/model';
import { fetchBreakpadSymbols } from './breakpad-fetch';
import { ServerFailure, fetchArtifact, fetchSource, type SymbolServer } from './debuginfod-client';
import type { ArtifactKind, SymbolCache } from './symbol-cache';

/** A file to ask the servers for: an ELF artifact by build-id, or a Breakpad symbol file by debug file and id. */
export type Wanted =
  | {
      kind: ArtifactKind;
      buildId: string;
      /** The module's path as the core recorded it, for progress and warnings. */
      module: string;
    }
  | { kind: 'breakpad'; debugName: string; debugId: string; module: string };

export interface Found {
  path: string;
  from: string;
}

export interface LookupOptions {
  servers: SymbolServer[];
  cache: SymbolCache;
  /** The whole look-up ends by then, whatever the servers do. */
  deadlineMs?: number;
  requestTimeoutMs?: number;
  parallel?: number;
  onProgress?: (message: string, fraction: number) => void;
}

export const LOOKUP_DEADLINE_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 4_000;
const MAX_DOWNLOAD_BYTES = 4 * 1024 * 1024 * 1024;

export const keyOf = (buildId: string, kind: ArtifactKind): string => `${buildId}/${kind}`;
const wantedKey = (item: Wanted): string =>
  item.kind === 'breakpad' ? breakpadKey(item.debugName, item.debugId) : keyOf(item.buildId, item.kind);
export const breakpadKey = (debugName: string, debugId: string): string => `${debugName}/${debugId}/breakpad`;

/**
 * Asks the servers, in order, for each wanted file, several at once. A server that fails (slow,
 * unreachable, refusing the token) is not asked again in this look-up, and the whole look-up stops
 * at its deadline: a silent server costs seconds, never the analysis. Each failing server leaves
 * one warning that names it.
 */
export async function fetchFromServers(
  wanted: Wanted[],
  options: LookupOptions,
): Promise<{ found: Map<string, Found>; warnings: AnalysisWarning[] }> {
  const found = new Map<string, Found>();
  const failures = new Map<string, ServerFailure>();
  const skipped = new Map<string, number>();
  if (!wanted.length || !options.servers.length) return { found, warnings: [] };
  const deadline = AbortSignal.timeout(options.deadlineMs ?? LOOKUP_DEADLINE_MS);
  const limits = { requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, signal: deadline, maxBytes: MAX_DOWNLOAD_BYTES };
  let done = 0;
  let next = 0;

  const one = async (item: Wanted): Promise<void> => {
    for (const server of options.servers) {
      if (failures.has(server.url) || deadline.aborted) {
        skipped.set(server.url, (skipped.get(server.url) ?? 0) + 1);
        continue;
      }
      try {
        const path =
          item.kind === 'breakpad'
            ? await fetchBreakpadSymbols(server, item.debugName, item.debugId, options.cache, limits)
            : await fetchArtifact(server, item.buildId, item.kind, options.cache, limits);
        if (path) {
          found.set(wantedKey(item), { path, from: server.url });
          return;
        }
      } catch (error) {
        if (!(error instanceof ServerFailure)) throw error;
        // A bad file is that file's fault; the server may still hold good ones.
        if (error.reason === 'bad-file') failures.set(`${server.url} ${wantedKey(item)}`, error);
        else if (error.reason === 'deadline') skipped.set(server.url, (skipped.get(server.url) ?? 0) + 1);
        else if (!failures.has(server.url)) failures.set(server.url, error);
      }
    }
  };
  const worker = async (): Promise<void> => {
    while (next < wanted.length) {
      const item = wanted[next++] as Wanted;
      const what =
        item.kind === 'debuginfo'
          ? `the debug info of ${item.module}`
          : item.kind === 'breakpad'
            ? `the symbols of ${item.module}`
            : item.module;
      options.onProgress?.(`Asking symbol servers for ${what}`, done / wanted.length);
      await one(item);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 4, wanted.length) }, worker));
  options.onProgress?.(`Symbol servers: ${found.size} of ${wanted.length} files found`, 1);

  const warnings: AnalysisWarning[] = [...failures.entries()].map(([key, failure]) => {
    const left = skipped.get(key) ?? 0;
    const more = left ? `; ${left} more look-up${left === 1 ? ' was' : 's were'} skipped` : '';
    const advice = failure.reason === 'bad-file' ? '' : '. Symbols it may hold are missing: check the server, or leave it out.';
    return { kind: 'symbol-server', message: `symbol server ${failure.message}${more}${advice}` };
  });
  const unasked = [...skipped.entries()].filter(([url]) => !failures.has(url) && deadline.aborted);
  for (const [url, count] of unasked) {
    warnings.push({
      kind: 'symbol-server',
      message: `symbol look-up stopped after ${Math.round((options.deadlineMs ?? LOOKUP_DEADLINE_MS) / 1000)} s; ${count} file${count === 1 ? ' was' : 's were'} not asked of ${url}. Analyse again to fetch the rest.`,
    });
  }
  return { found, warnings };
}

/**
 * A build's source file from the first server that has it (the cache first), under the same
 * bounds as any look-up; what the servers said when none had it.
 */
export async function sourceFromServers(
  buildId: string,
  file: string,
  options: Pick<LookupOptions, 'servers' | 'cache' | 'deadlineMs' | 'requestTimeoutMs'>,
): Promise<{ found: Found | null; failures: string[] }> {
  const cachedPath = options.cache.sourcePathOf(buildId, file);
  const cached = cachedPath ? await options.cache.lookup(cachedPath) : null;
  if (cached) return { found: cached, failures: [] };
  const deadline = AbortSignal.timeout(options.deadlineMs ?? LOOKUP_DEADLINE_MS);
  const failures: string[] = [];
  for (const server of options.servers) {
    if (deadline.aborted) break;
    try {
      const path = await fetchSource(server, buildId, file, options.cache, {
        requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        signal: deadline,
      });
      if (path) return { found: { path, from: server.url }, failures };
    } catch (error) {
      if (!(error instanceof ServerFailure)) throw error;
      failures.push(error.message);
    }
  }
  return { found: null, failures };
}
