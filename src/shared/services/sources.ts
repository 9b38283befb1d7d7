import { z } from 'zod';
import type { SourceMapping, SourceResult } from '../model';
import { absolutePath } from './fields';

/** Source files for a crash's frames: the executable's own mappings, then the source folders. */
export interface SourcesApi {
  /** Finds a source file: the executable's own mappings first, then the source folders. */
  readSource(file: string, executable?: string | null, buildId?: string | null): Promise<SourceResult>;
  /** Build path → checkout mappings kept for one executable. */
  getSourceMappings(executable: string): Promise<SourceMapping[]>;
  setSourceMappings(executable: string, mappings: SourceMapping[]): Promise<SourceMapping[]>;
  listSourceFolders(): Promise<string[]>;
  addSourceFolder(folder: string): Promise<string[]>;
}

const sourcePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL');
/** A path as the crashed machine recorded it (an executable, a build folder): `C:\\app\\app.exe` as well as `/usr/bin/app`. */
const recordedPath = sourcePath;

export const sourcesCalls = {
  readSource: z.union([
    z.tuple([sourcePath]),
    z.tuple([sourcePath, recordedPath.nullable()]),
    z.tuple([
      sourcePath,
      recordedPath.nullable(),
      z
        .string()
        .regex(/^[0-9a-f]{8,128}$/)
        .nullable(),
    ]),
  ]),
  getSourceMappings: z.tuple([recordedPath]),
  setSourceMappings: z.tuple([recordedPath, z.array(z.object({ from: recordedPath, to: absolutePath }).strict()).max(64)]),
  listSourceFolders: z.tuple([]),
  addSourceFolder: z.tuple([absolutePath]),
} satisfies Record<keyof SourcesApi, z.ZodTypeAny>;
