import { realpath, stat } from 'node:fs/promises';
import type { SourceMapping, SourceResult } from '../../shared/model';
import type { SourcesApi } from '../../shared/services/sources';
import type { CrashStore } from '../store/crash-store';
import { findSource, refusedSourceFolder } from './source-files';
import type { SymbolsService } from './symbols';

const SOURCE_FOLDERS = 'sourceFolders';
const SOURCE_MAPPINGS = 'sourceMappings';

/** Source files for frames: this machine's mapped folders and source folders, then the symbol servers. */
export class SourcesService implements SourcesApi {
  constructor(
    private readonly store: CrashStore,
    private readonly symbols: SymbolsService,
  ) {}

  /** A source file from this machine, else (given the build-id of its module) from the symbol servers. */
  async readSource(file: string, executable?: string | null, buildId?: string | null): Promise<SourceResult> {
    const local = await findSource(file, {
      folders: await this.listSourceFolders(),
      mappings: executable ? await this.getSourceMappings(executable) : [],
    });
    return local.found || !buildId || !file.startsWith('/') ? local : this.symbols.source(file, buildId, local);
  }

  async getSourceMappings(executable: string): Promise<SourceMapping[]> {
    return this.store.getSetting<Record<string, SourceMapping[]>>(SOURCE_MAPPINGS, {})[executable] ?? [];
  }

  async setSourceMappings(executable: string, mappings: SourceMapping[]): Promise<SourceMapping[]> {
    for (const m of mappings) {
      const refused = refusedSourceFolder(await realpath(m.to).catch(() => m.to));
      if (refused) throw new Error(`cannot map ${m.from} to ${m.to}: ${refused}`);
    }
    const all = this.store.getSetting<Record<string, SourceMapping[]>>(SOURCE_MAPPINGS, {});
    if (mappings.length) all[executable] = mappings;
    else delete all[executable];
    this.store.setSetting(SOURCE_MAPPINGS, all);
    return mappings;
  }

  async listSourceFolders(): Promise<string[]> {
    return this.store.getSetting<string[]>(SOURCE_FOLDERS, []);
  }

  async addSourceFolder(folder: string): Promise<string[]> {
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory()) throw new Error(`${folder} is not a folder`);
    const refused = refusedSourceFolder(await realpath(folder));
    if (refused) throw new Error(`cannot read sources from ${folder}: ${refused}`);
    const folders = [folder, ...(await this.listSourceFolders()).filter((f) => f !== folder)];
    this.store.setSetting(SOURCE_FOLDERS, folders);
    return folders;
  }
}
