import { readCore, type CoreInfo, type CoreModule } from '../elf/core-file';
import { sha256File } from '../platform/hash';
import { walkWithSymbols, type MinidumpStacks } from '../minidump/minidump-analysis';
import { readMinidump } from '../minidump/minidump-file';
import type { SymbolServer } from '../symbols/debuginfod-client';
import { SymbolCache } from '../symbols/symbol-cache';

/** What a minidump walk needs, as plain data that crosses to the worker. */
export interface WalkTaskInput {
  modules: CoreModule[];
  debugDirs: string[];
  servers: SymbolServer[];
  cache: { dir: string; limitBytes: number } | null;
  /** The module's recorded path and where its file is on this machine. */
  hostPaths: [string, string][];
}

export type Progress = (fraction: number, message?: string) => void;

/**
 * The CPU-heavy reads of crash files: parsing notes or minidump streams and hashing whole cores.
 * They run in a worker thread so that the process that serves people (Electron's main process,
 * `crashwb serve`, the reporter) keeps answering while a big or hostile file is read.
 */
export const TASKS = {
  readCore: (path: string): Promise<CoreInfo> => readCore(path),
  readMinidump: (path: string): Promise<CoreInfo> => readMinidump(path),
  sha256: (path: string, size?: number, progress?: Progress): Promise<string> => sha256File(path, progress, size),
  // Parsing a large symbol file and walking every thread is seconds of CPU: never on the serving thread.
  walkMinidump: (path: string, input: WalkTaskInput, progress?: Progress): Promise<MinidumpStacks> =>
    walkWithSymbols(
      path,
      input.modules,
      {
        debugDirs: input.debugDirs,
        servers: input.servers,
        cache: input.cache ? new SymbolCache(input.cache.dir, input.cache.limitBytes) : null,
        onProgress: progress && ((message, fraction) => progress(fraction, message)),
      },
      new Map(input.hostPaths),
    ),
};

export type TaskName = keyof typeof TASKS;

export interface TaskRequest {
  id: number;
  task: TaskName;
  path: string;
  size?: number;
  /** The walk's input, for walkMinidump. */
  walk?: WalkTaskInput;
}

export type TaskReply =
  | { id: number; kind: 'progress'; fraction: number; message?: string }
  | { id: number; kind: 'done'; value: unknown }
  | { id: number; kind: 'failed'; name: string; message: string };
