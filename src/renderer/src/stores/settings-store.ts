import { create } from 'zustand';
import type { Settings, SymbolCacheInfo, SymbolServerInfo } from '../../../shared/model';
import { api } from '../api';

interface SettingsState {
  /** The settings as last read or saved; null until read. */
  settings: Settings | null;
  servers: SymbolServerInfo[];
  cache: SymbolCacheInfo | null;
  /** Why the settings could not be read. */
  error: string | null;
  load(): Promise<void>;
  /** The symbol servers and the cache's usage, for the Symbols dialog. */
  loadSymbols(): Promise<void>;
  /** Saves a change, given as fields or made from the settings as they are now; rejects with why it was refused. */
  update(change: Partial<Settings> | ((now: Settings) => Partial<Settings>)): Promise<Settings>;
  saveServerToken(url: string, token: string): Promise<void>;
  clearCache(): Promise<void>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One copy of the settings for every panel that shows or changes them (the Settings dialog, the
 * watched folders, the symbol search, a crash's library folders), so that none shows stale ones.
 */
export const useSettingsStore = create<SettingsState>((set) => ({
  settings: null,
  servers: [],
  cache: null,
  error: null,
  async load() {
    try {
      set({ settings: await api.getSettings(), error: null });
    } catch (error) {
      set({ error: `could not read the settings: ${message(error)}` });
    }
  },
  async loadSymbols() {
    const [servers, cache] = await Promise.all([api.listSymbolServers(), api.getSymbolCache()]);
    set({ servers, cache });
  },
  async update(change) {
    // A change made from the settings is made from the kept ones, never from a copy another door may have changed since.
    const fields = typeof change === 'function' ? change(await api.getSettings()) : change;
    const settings = await api.updateSettings(fields);
    set({ settings, error: null });
    // The servers list follows the settings' own servers; other changes leave it as it is.
    if (fields.symbolServers) set({ servers: await api.listSymbolServers() });
    return settings;
  },
  async saveServerToken(url, token) {
    set({ servers: await api.saveSymbolServerToken(url, token) });
  },
  async clearCache() {
    set({ cache: await api.clearSymbolCache() });
  },
}));
