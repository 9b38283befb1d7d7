import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskReply, type TaskRequest } from './tasks';

const port = parentPort;
if (!port) throw new Error('offload-worker runs only as a worker thread (new Worker)');

port.on('message', (request: TaskRequest) => {
  const reply = (message: TaskReply): void => port.postMessage(message);
  const progress = (fraction: number, message?: string): void => reply({ id: request.id, kind: 'progress', fraction, message });
  const run = ((): Promise<unknown> => {
    switch (request.task) {
      case 'sha256':
        return TASKS.sha256(request.path, request.size, progress);
      case 'walkMinidump':
        if (!request.walk) return Promise.reject(new Error('internal: a minidump walk was asked for without its input'));
        return TASKS.walkMinidump(request.path, request.walk, progress);
      default:
        return TASKS[request.task](request.path);
    }
  })();
  run.then(
    (value) => reply({ id: request.id, kind: 'done', value }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      reply({ id: request.id, kind: 'failed', name: e.name, message: e.message });
    },
  );
});
