/**
 * Worker-thread entry: runs the synchronous Mattes-MI work off the caller's event loop and
 * reports progress by message. Cancellation is the parent terminating this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateAlignment, registerRigidMI } from './rigid-mi.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

const request = workerData as WorkerRequest;
const post = (m: WorkerReply) => parentPort!.postMessage(m);
try {
  if (request.kind === 'register') {
    const result = registerRigidMI(request.fixed, request.moving, request.options, (done, total, message) => post({ type: 'progress', done, total, message }));
    post({ type: 'registered', result });
  } else {
    post({ type: 'evaluated', result: evaluateAlignment(request.fixed, request.moving, Float64Array.from(request.fixedToMoving), request.options, (done, total, message) => post({ type: 'progress', done, total, message })) });
  }
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
