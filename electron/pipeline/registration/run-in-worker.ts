/**
 * Runs registration work in a `node:worker_threads` worker so the caller's event loop (the
 * CLI's Ctrl+C handler, the app's IPC) stays responsive. Progress arrives as StageProgress
 * ('register'); aborting the signal terminates the thread at once and rejects with the
 * signal's reason.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PipelineError } from '../errors.ts';
import type { StageContext } from '../stage.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';
import { workerScriptUrl } from '../worker-script.ts';

/** The worker's one result (registered or evaluated), or a rejection. */
export function runInWorker(request: WorkerRequest, ctx: StageContext = {}): Promise<Extract<WorkerReply, { type: 'registered' | 'evaluated' }>> {
  ctx.signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    // Voxel arrays are copied into the worker (structured clone); the caller's stay usable.
    const worker = new Worker(workerScript(), { workerData: request });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      ctx.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(ctx.signal!.reason));
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'progress') ctx.onProgress?.({ stage: 'register', done: m.done, total: m.total, message: m.message });
      else if (m.type === 'error') finish(() => reject(new PipelineError('REGISTRATION_FAILED', `registration failed: ${m.message}`)));
      else finish(() => resolve(m));
    });
    worker.on('error', (e) => finish(() => reject(new PipelineError('REGISTRATION_FAILED', `registration worker crashed: ${e.message.split('\n')[0]}`))));
    worker.on('exit', (code) => finish(() => reject(new PipelineError('REGISTRATION_FAILED', `registration worker exited (code ${code}) without a result`))));
  });
}

/** The worker script, as source or as the bundled .js (see worker-script.ts). */
function workerScript(): URL {
  const url = workerScriptUrl(import.meta.url, './rigid-mi.worker');
  if (existsSync(fileURLToPath(url))) return url;
  throw new PipelineError('REGISTRATION_FAILED', 'the registration worker script is missing from this build (rigid-mi.worker.ts or .js)');
}
