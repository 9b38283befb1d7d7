import { reporterBase } from '../../shared/reporter-protocol';
import type { Settings, SymbolSearchRequest } from '../../shared/model';
import { serversFromEnvironment, type SymbolServer } from './debuginfod-client';

/** A reporter's address as a source (`reporter+http://HOST:PORT`) is, as a symbol store, plain http. */
export function reporterSymbolUrl(source: string): string {
  return reporterBase(source).origin;
}

export interface SymbolServerSources {
  /** Named for this analysis (the CLI's --symbol-server, a request's symbolServers). */
  requested: string[];
  settings: Pick<Settings, 'symbolServers'>;
  /** Reporters added as sources: each is also a symbol store. */
  reporters: string[];
  env?: NodeJS.ProcessEnv;
  /** The token for a server: given on the command line, or kept by the front door. */
  tokenFor(url: string): Promise<string | null>;
}

/** Every server to ask, each once, in order: those named now, the settings', the reporters', DEBUGINFOD_URLS'. */
export async function symbolServersFor(sources: SymbolServerSources): Promise<SymbolServer[]> {
  const urls = [...sources.requested, ...sources.settings.symbolServers, ...sources.reporters.map(reporterSymbolUrl)].map((u) =>
    u.replace(/\/+$/, ''),
  );
  const out: SymbolServer[] = [];
  const seen = new Set<string>();
  for (const url of urls) {
    if (seen.has(url)) continue;
    seen.add(url);
    out.push({ url, token: await sources.tokenFor(url) });
  }
  for (const server of serversFromEnvironment(sources.env)) {
    const url = server.url.replace(/\/+$/, '');
    if (!seen.has(url)) out.push({ url, token: null });
    seen.add(url);
  }
  return out;
}

/** The folders searched for one crash: the request's, then the settings' (per executable, then for all). */
export function solibDirsFor(
  request: SymbolSearchRequest,
  settings: Pick<Settings, 'solibDirs' | 'solibDirsByExecutable'>,
  executable: string | null,
): string[] {
  const perExe = executable
    ? (settings.solibDirsByExecutable[executable] ??
      settings.solibDirsByExecutable[executable.slice(executable.lastIndexOf('/') + 1)] ??
      [])
    : [];
  return [...new Set([...(request.solibDirs ?? []), ...perExe, ...settings.solibDirs])];
}
