/**
 * Entry point of an ingest worker thread: answers {@link TaskRequest}s one at a time.
 * Started by pool.ts with a file URL to this .ts file (Node strips the types).
 */
import { parentPort } from 'node:worker_threads';
import { runTask, type TaskRequest } from './tasks.ts';

parentPort?.on('message', async (msg: { id: number; req: TaskRequest }) => {
  const result = await runTask(msg.req);
  const transfer = result.ok && result.frames ? result.frames.map((f) => f.buffer as ArrayBuffer) : [];
  parentPort!.postMessage({ id: msg.id, result }, transfer);
});
