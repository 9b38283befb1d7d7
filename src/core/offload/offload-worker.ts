import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskReply, type TaskRequest } from './tasks';

const port = parentPort;
if (!port) throw new Error('offload-worker runs only as a worker thread (new Worker)');

port.on('message', (request: TaskRequest) => {
  const reply = (message: TaskReply): void => port.postMessage(message);
  const run =
    request.task === 'sha256'
      ? TASKS.sha256(request.path, request.size, (fraction) => reply({ id: request.id, kind: 'progress', fraction }))
      : TASKS[request.task](request.path);
  run.then(
    (value) => reply({ id: request.id, kind: 'done', value }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      reply({ id: request.id, kind: 'failed', name: e.name, message: e.message });
    },
  );
});
