import { z } from 'zod';
import type { Settings } from '../model';
import { absolutePath, debuggerKind, symbolServerUrl } from './fields';

/** The workbench's settings: default debugger, watched folders, library and symbol search. */
export interface SettingsApi {
  getSettings(): Promise<Settings>;
  updateSettings(change: Partial<Settings>): Promise<Settings>;
}

export const settingsCalls = {
  getSettings: z.tuple([]),
  updateSettings: z.tuple([
    z
      .object({
        defaultDebugger: debuggerKind.optional(),
        watchedFolders: z.array(absolutePath).max(32).optional(),
        solibDirs: z.array(absolutePath).max(64).optional(),
        debugDirs: z.array(absolutePath).max(64).optional(),
        solibDirsByExecutable: z.record(absolutePath, z.array(absolutePath).max(64)).optional(),
        symbolServers: z.array(symbolServerUrl).max(16).optional(),
        symbolCacheMb: z.number().int().min(16).max(1_048_576).optional(),
      })
      .strict(),
  ]),
} satisfies Record<keyof SettingsApi, z.ZodTypeAny>;
