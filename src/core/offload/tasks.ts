import { readCore, type CoreInfo } from '../elf/core-file';
import { sha256File } from '../hash';
import { readMinidump } from '../minidump/minidump-file';

/**
 * The CPU-heavy reads of crash files: parsing notes or minidump streams and hashing whole cores.
 * They run in a worker thread so that the process that serves people (Electron's main process,
 * `crashwb serve`, the reporter) keeps answering while a big or hostile file is read.
 */
export const TASKS = {
  readCore: (path: string): Promise<CoreInfo> => readCore(path),
  readMinidump: (path: string): Promise<CoreInfo> => readMinidump(path),
  sha256: (path: string, size?: number, progress?: (fraction: number) => void): Promise<string> => sha256File(path, progress, size),
};

export type TaskName = keyof typeof TASKS;

export interface TaskRequest {
  id: number;
  task: TaskName;
  path: string;
  size?: number;
}

export type TaskReply =
  | { id: number; kind: 'progress'; fraction: number }
  | { id: number; kind: 'done'; value: unknown }
  | { id: number; kind: 'failed'; name: string; message: string };
