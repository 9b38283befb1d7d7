import { stat } from 'node:fs/promises';
import type { Settings } from '../../shared/model';
import type { SettingsApi } from '../../shared/services/settings';
import type { CrashStore } from '../store/crash-store';
import { DEFAULT_CACHE_MB } from '../symbols/symbol-cache';

const SETTINGS = 'settings';
const DEFAULT_SETTINGS: Settings = {
  defaultDebugger: 'gdb',
  watchedFolders: [],
  solibDirs: [],
  debugDirs: [],
  solibDirsByExecutable: {},
  symbolServers: [],
  symbolCacheMb: DEFAULT_CACHE_MB,
};

/** The settings kept in the database, over the defaults; every folder in a change checked to exist here. */
export class SettingsService implements SettingsApi {
  constructor(
    private readonly store: CrashStore,
    /** Told after a change is kept, with the whole settings and the change. */
    private readonly changed: (settings: Settings, change: Partial<Settings>) => void,
  ) {}

  current(): Settings {
    return { ...DEFAULT_SETTINGS, ...this.store.getSetting<Partial<Settings>>(SETTINGS, {}) };
  }

  async getSettings(): Promise<Settings> {
    return this.current();
  }

  async updateSettings(change: Partial<Settings>): Promise<Settings> {
    const settings = { ...this.current(), ...change };
    const folders: [string[] | undefined, string][] = [
      [change.watchedFolders, 'cannot watch'],
      [change.solibDirs, 'cannot search for libraries in'],
      [change.debugDirs, 'cannot search for debug files in'],
      [Object.values(change.solibDirsByExecutable ?? {}).flat(), 'cannot search for libraries in'],
    ];
    for (const [dirs, what] of folders) {
      for (const dir of dirs ?? []) {
        const info = await stat(dir).catch(() => null);
        if (!info?.isDirectory()) throw new Error(`${what} ${dir}: it is not a folder on this machine`);
      }
    }
    this.store.setSetting(SETTINGS, settings);
    this.changed(settings, change);
    return settings;
  }
}
