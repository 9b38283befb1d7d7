import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CoreInfo } from '../elf/core-file';
import type { MinidumpStacks } from '../minidump/minidump-analysis';
import type { Progress, TaskName, TaskReply, TaskRequest, WalkTaskInput } from './tasks';

/** Beside this module: the built worker (CLI bundle, Electron's main bundle) or its source (tests). */
const WORKER_FILES = ['offload-worker.cjs', 'offload-worker.js', 'offload-worker.ts'];

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  progress?: Progress;
}

/**
 * One worker thread, started on first use, that reads crash files for this process. It holds
 * the process open only while it has work, so a command that is done exits.
 */
class Offload {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  run<T>(task: TaskName, path: string, options: { size?: number; walk?: WalkTaskInput; progress?: Progress } = {}): Promise<T> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const request: TaskRequest = { id, task, path, size: options.size, walk: options.walk };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject, progress: options.progress });
      worker.ref();
      worker.postMessage(request);
    });
  }

  private start(): Worker {
    // A bundler may place this module in a chunk folder below the worker's.
    const file = [__dirname, join(__dirname, '..')]
      .flatMap((dir) => WORKER_FILES.map((name) => join(dir, name)))
      .find((candidate) => existsSync(candidate));
    if (!file) {
      throw new Error(`the worker that reads crash files (offload-worker) is missing from ${__dirname}; build again with npm run build`);
    }
    // The source (under test) needs tsx's loader, which a worker does not inherit.
    const worker = file.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true })
      : new Worker(file);
    worker.unref();
    worker.on('message', (reply: TaskReply) => this.receive(worker, reply));
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(error);
      }
    };
    worker.on('error', (error) => fail(new Error(`the worker reading crash files failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`the worker reading crash files stopped (exit ${code}); try again`)));
    this.worker = worker;
    return worker;
  }

  private receive(worker: Worker, reply: TaskReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.kind === 'progress') {
      pending.progress?.(reply.fraction, reply.message);
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.kind === 'done') pending.resolve(reply.value);
    else {
      const error = new Error(reply.message);
      error.name = reply.name;
      pending.reject(error);
    }
  }
}

const offload = new Offload();

/** readCore in the worker thread. */
export const readCoreOffThread = (path: string): Promise<CoreInfo> => offload.run('readCore', path);
/** readMinidump in the worker thread. */
export const readMinidumpOffThread = (path: string): Promise<CoreInfo> => offload.run('readMinidump', path);
/** sha256File in the worker thread. */
export const sha256OffThread = (path: string, progress?: (fraction: number) => void, size?: number): Promise<string> =>
  offload.run('sha256', path, { size, progress });
/** walkWithSymbols in the worker thread: symbol files found, fetched and parsed, every thread walked. */
export const walkMinidumpOffThread = (path: string, walk: WalkTaskInput, progress?: Progress): Promise<MinidumpStacks> =>
  offload.run('walkMinidump', path, { walk, progress });
