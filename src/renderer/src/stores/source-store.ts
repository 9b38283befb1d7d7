import type { SourceResult } from '../../../shared/model';
import { api } from '../api';

/** Source files for the source view: read through the executable's mappings and the source folders. */
export const sourceFiles = {
  read: (file: string, executable: string | null, buildId: string | null): Promise<SourceResult> =>
    api.readSource(file, executable, buildId),

  /** Maps a build folder to a checkout for one executable, replacing an earlier mapping of the same folder. */
  async mapBuildPath(executable: string, from: string, to: string): Promise<void> {
    const existing = await api.getSourceMappings(executable);
    await api.setSourceMappings(executable, [...existing.filter((m) => m.from !== from), { from, to }]);
  },

  addFolder: (folder: string): Promise<string[]> => api.addSourceFolder(folder),
};
