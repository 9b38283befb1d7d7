import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface WatchOptions {
  /** A file or folder counts as complete once it has not changed for this long. */
  settleMs?: number;
  /** How often the folders are looked over, besides when the kernel says something changed. */
  scanMs?: number;
  /** Called with the paths that became complete; the watcher waits for it before the next round. */
  onReady(paths: string[]): Promise<void>;
  onError?(error: Error): void;
}

interface Seen {
  /** Size and mtime summed over a folder's files, or the file's own. */
  signature: string;
  since: number;
  handled: boolean;
}

const DEPTH = 4;

/** What identifies the state of a file, or of a folder through its files (an AppScope crash directory fills up file by file). */
async function signatureOf(path: string, depth = 0): Promise<string | null> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return null;
  if (!info.isDirectory()) return `${info.size}:${info.mtimeMs}`;
  if (depth >= DEPTH) return `d:${info.mtimeMs}`;
  const names = (await readdir(path)).sort();
  const parts = await Promise.all(names.map(async (n) => `${n}=${await signatureOf(join(path, n), depth + 1).catch(() => '?')}`));
  return parts.join('|');
}

/**
 * Watches folders where crashes land (/var/lib/systemd/coredump, /tmp/appview …) and hands over
 * each new entry once it is complete: unchanged for `settleMs`, so a core still being written is
 * never read half-way. Entries there before the watch started are handed over too.
 */
export function watchFolders(dirs: string[], options: WatchOptions): { stop(): void } {
  const settleMs = options.settleMs ?? 2_000;
  const scanMs = options.scanMs ?? Math.max(250, Math.floor(settleMs / 2));
  const folders = dirs.map((d) => resolve(d));
  const seen = new Map<string, Seen>();
  const watchers: FSWatcher[] = [];
  let stopped = false;
  let running = false;
  let again = false;

  const scan = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const now = Date.now();
      const ready: string[] = [];
      for (const dir of folders) {
        const names = await readdir(dir).catch((error: Error) => {
          options.onError?.(new Error(`cannot read the watched folder ${dir}: ${error.message}`));
          return [] as string[];
        });
        for (const name of names) {
          if (name.startsWith('.')) continue;
          const path = join(dir, name);
          const signature = await signatureOf(path).catch(() => undefined);
          if (signature === undefined) continue;
          if (signature === null) {
            // A link in a watched folder could point at any file here; a workbench watching as root must not read it.
            if (!seen.has(path)) options.onError?.(new Error(`${path} is a symbolic link: watched folders' links are not followed`));
            seen.set(path, { signature: 'link', since: now, handled: true });
            continue;
          }
          const entry = seen.get(path);
          if (!entry || entry.signature !== signature) seen.set(path, { signature, since: now, handled: false });
          else if (!entry.handled && now - entry.since >= settleMs) {
            entry.handled = true;
            ready.push(path);
          }
        }
      }
      if (ready.length && !stopped) await options.onReady(ready);
    } catch (error) {
      options.onError?.(error as Error);
    } finally {
      running = false;
      if (again && !stopped) {
        again = false;
        void scan();
      }
    }
  };

  for (const dir of folders) {
    try {
      watchers.push(watch(dir, () => void scan()));
    } catch (error) {
      options.onError?.(new Error(`cannot watch ${dir}: ${(error as Error).message}; it is still scanned every ${scanMs} ms`));
    }
  }
  const timer = setInterval(() => void scan(), scanMs);
  void scan();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const w of watchers) w.close();
    },
  };
}
