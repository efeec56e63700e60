/**
 * Where a pipeline worker script lives: the .ts source beside the calling module (CLI, tests,
 * development), or the bundled .js that the Forge build puts beside the app's main.js. The
 * name is built at run time so the bundler leaves it alone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PipelineError } from './errors.ts';

/**
 * @param base `import.meta.url` of the calling module.
 * @param stem the script's name without extension, e.g. './worker'.
 * @returns the URL of `<stem>.ts` or `<stem>.js`, whichever exists; the .ts URL when neither does
 *   (the caller's start-up error then names the missing source).
 */
export function workerScriptUrl(base: string, stem: string): URL {
  for (const ext of ['ts', 'js']) {
    const url = new URL(`${stem}.${ext}`, base);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return new URL(`${stem}.ts`, base);
}

/** What {@link runWorkerOnce} does with one message: resolve, reject, or wait for more (progress). */
export type WorkerVerdict<R> = { readonly result: R } | { readonly error: string } | undefined;

/**
 * Start `script` (a URL from {@link workerScriptUrl}) on a worker thread with `workerData`
 * (copied: the caller's arrays stay usable) and settle with its one result. `onMessage` sees
 * every message. Aborting `signal` terminates the thread at once and rejects with the signal's
 * reason; a failure, a crash, an exit without a result or a missing script rejects with
 * PipelineError(`code`) saying what (`name`) failed.
 */
export function runWorkerOnce<M, R>(
  script: URL,
  workerData: unknown,
  job: { readonly name: string; readonly code: string; readonly signal?: AbortSignal; readonly onMessage: (m: M) => WorkerVerdict<R> },
): Promise<R> {
  const { name, code, signal } = job;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const file = fileURLToPath(script);
  if (!existsSync(file)) return Promise.reject(new PipelineError(code, `the ${name} worker script is missing from this build (${path.basename(file)})`));
  const worker = new Worker(script, { workerData });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: M) => {
      const verdict = job.onMessage(m);
      if (verdict && 'result' in verdict) finish(() => resolve(verdict.result));
      else if (verdict) finish(() => reject(new PipelineError(code, `${name} failed: ${verdict.error}`)));
    });
    worker.on('error', (e) => finish(() => reject(new PipelineError(code, `${name} worker crashed: ${e.message.split('\n')[0]}`))));
    worker.on('exit', (exit) => finish(() => reject(new PipelineError(code, `${name} worker exited (code ${exit}) without a result`))));
  });
}
