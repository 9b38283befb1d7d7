import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'Crash Workbench';

/** The directory Electron's app.getPath('userData') gives on Linux, so the CLI and the app share one database. */
export function defaultDataDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, APP_DIR_NAME);
}

export function defaultDatabasePath(dataDir = defaultDataDir()): string {
  return join(dataDir, 'workbench.db');
}
