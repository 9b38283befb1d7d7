import { readFile } from 'node:fs/promises';
import type {
  Crash,
  ReanalyzeRequest,
  ReprocessReport,
  ReprocessRequest,
  Settings,
  SourceResult,
  SymbolCacheInfo,
  SymbolSearchRequest,
  SymbolServerInfo,
  WorkbenchEvent,
} from '../../shared/model';
import type { SymbolsApi } from '../../shared/services/symbols';
import { reprocessCrashes } from '../intake/reprocess';
import type { SymbolOptions } from '../intake/intake';
import type { ReporterSources } from './reporter-sources';
import type { SecretStore } from '../s3/secrets';
import { languageOf } from './source-files';
import { serversFromEnvironment } from '../symbols/debuginfod-client';
import { SymbolCache, defaultSymbolCacheDir } from '../symbols/symbol-cache';
import { sourceFromServers } from '../symbols/symbol-lookup';
import { reporterSymbolUrl, solibDirsFor, symbolServersFor } from '../symbols/symbol-servers';

const secretName = (url: string): string => `symbols:${url}`;

export interface SymbolsContext {
  getSettings(): Promise<Settings>;
  /** A group's crashes, or every crash, for reprocessing. */
  crashIds(groupId?: number): string[];
  getCrash(id: string): Promise<Crash>;
  reanalyze(id: string, request: ReanalyzeRequest): Promise<Crash>;
  emit(event: WorkbenchEvent): void;
  reporters: ReporterSources;
  secrets?: SecretStore;
  /** Tokens given on the command line, by server URL. */
  tokens?: Record<string, string>;
  cacheDir?: string;
}

/**
 * Where the workbench looks for crashes' files beyond their recorded paths, as the settings, the
 * reporters kept as sources, DEBUGINFOD_URLS and the request say; tokens resolved, never kept in
 * the settings; the cache of what servers sent.
 */
export class SymbolsService implements SymbolsApi {
  constructor(private readonly ctx: SymbolsContext) {}

  async cache(settings?: Settings): Promise<SymbolCache> {
    const limitMb = (settings ?? (await this.ctx.getSettings())).symbolCacheMb;
    return new SymbolCache(this.ctx.cacheDir ?? defaultSymbolCacheDir(), limitMb * 1024 * 1024);
  }

  private async tokenFor(url: string, reporters: string[]): Promise<string | null> {
    const given = this.ctx.tokens?.[url];
    if (given) return given;
    const kept = this.ctx.secrets ? await this.ctx.secrets.get(secretName(url)) : null;
    if (kept) return kept;
    const reporter = reporters.find((r) => reporterSymbolUrl(r) === url);
    return reporter ? this.ctx.reporters.savedToken(reporter) : null;
  }

  /** The request's folders and servers, strictly; the settings' ones, leniently (a folder may have gone). */
  async options(request: SymbolSearchRequest): Promise<SymbolOptions> {
    const settings = await this.ctx.getSettings();
    const reporters = this.ctx.reporters.urlsKept();
    return {
      debugDirs: [...new Set([...(request.debugDirs ?? []), ...settings.debugDirs])],
      solibDirs: request.solibDirs,
      solibDirsFor: (executable) => solibDirsFor({}, settings, executable),
      sysroot: request.sysroot,
      symbolServers: await symbolServersFor({
        requested: request.symbolServers ?? [],
        settings,
        reporters,
        tokenFor: (url) => this.tokenFor(url, reporters),
      }),
      symbolCache: await this.cache(settings),
    };
  }

  async listSymbolServers(): Promise<SymbolServerInfo[]> {
    const settings = await this.ctx.getSettings();
    const saved = async (url: string) => (this.ctx.secrets ? (await this.ctx.secrets.get(secretName(url))) !== null : false);
    const out: SymbolServerInfo[] = [];
    for (const url of settings.symbolServers) out.push({ url, from: 'settings', tokenSaved: await saved(url) });
    for (const source of await this.ctx.reporters.list()) {
      out.push({ url: reporterSymbolUrl(source.url), from: 'reporter', tokenSaved: source.tokenSaved });
    }
    for (const server of serversFromEnvironment()) out.push({ url: server.url, from: 'environment', tokenSaved: false });
    return out;
  }

  async saveSymbolServerToken(url: string, token: string | null): Promise<SymbolServerInfo[]> {
    if (!this.ctx.secrets) {
      throw new Error(
        'tokens are kept by the desktop app only (in the OS keychain through safeStorage); on the command line give --symbol-token',
      );
    }
    await this.ctx.secrets.set(secretName(url), token);
    return this.listSymbolServers();
  }

  async getSymbolCache(): Promise<SymbolCacheInfo> {
    return (await this.cache()).usage();
  }

  async clearSymbolCache(): Promise<SymbolCacheInfo> {
    const cache = await this.cache();
    await cache.clear();
    return cache.usage();
  }

  reprocessCrashes(request: ReprocessRequest): Promise<ReprocessReport> {
    const { debugDirs, solibDirs, sysroot, symbolServers } = request;
    return reprocessCrashes(request, {
      crashIds: (groupId) => this.ctx.crashIds(groupId),
      getCrash: (id) => this.ctx.getCrash(id),
      reanalyze: (id) => this.ctx.reanalyze(id, { debugDirs, solibDirs, sysroot, symbolServers }),
      emit: (event) => this.ctx.emit(event),
    });
  }

  /**
   * A source file that is not on this machine, from the symbol servers, by its module's build-id.
   * The server that sent that build's debug info is asked first: it is the likeliest to have it.
   */
  async source(file: string, buildId: string, local: Extract<SourceResult, { found: false }>): Promise<SourceResult> {
    const settings = await this.ctx.getSettings();
    const symbolCache = await this.cache(settings);
    const sentDebugInfo = (await symbolCache.lookup(symbolCache.pathOf(buildId, 'debuginfo')))?.from;
    const reporters = this.ctx.reporters.urlsKept();
    const symbolServers = await symbolServersFor({
      requested: sentDebugInfo && /^https?:\/\//.test(sentDebugInfo) ? [sentDebugInfo] : [],
      settings,
      reporters,
      tokenFor: (url) => this.tokenFor(url, reporters),
    });
    if (!symbolServers.length) return local;
    const { found, failures } = await sourceFromServers(buildId, file, { servers: symbolServers, cache: symbolCache });
    if (!found) {
      const asked = failures.length
        ? ` Symbol servers: ${failures.join('; ')}.`
        : ` No symbol server (${symbolServers.map((s) => s.url).join(', ')}) has it.`;
      return { ...local, message: `${local.message}${asked}` };
    }
    return { found: true, path: found.path, text: await readFile(found.path, 'utf8'), language: languageOf(file), from: found.from };
  }
}
