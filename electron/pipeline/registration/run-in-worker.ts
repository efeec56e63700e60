/**
 * Runs registration work in a `node:worker_threads` worker so the caller's event loop (the
 * CLI's Ctrl+C handler, the app's IPC) stays responsive. Progress arrives as StageProgress
 * ('register'); aborting the signal terminates the thread at once and rejects with the
 * signal's reason.
 */
import type { StageContext } from '../stage.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';
import { runWorkerOnce, workerScriptUrl } from '../worker-script.ts';

/** The worker's one result (registered or evaluated), or a rejection. */
export async function runInWorker(request: WorkerRequest, ctx: StageContext = {}): Promise<Result> {
  return runWorkerOnce<WorkerReply, Result>(workerScriptUrl(import.meta.url, './rigid-mi.worker'), request, {
    name: 'registration',
    code: 'REGISTRATION_FAILED',
    signal: ctx.signal,
    onMessage: (m) => {
      if (m.type === 'error') return { error: m.message };
      if (m.type !== 'progress') return { result: m };
      ctx.onProgress?.({ stage: 'register', done: m.done, total: m.total, message: m.message });
      return undefined;
    },
  });
}

type Result = Extract<WorkerReply, { type: 'registered' | 'evaluated' }>;
