/**
 * Worker-thread entry of {@link resampleOffThread}: one resampling, its voxels sent back
 * (transferred, not copied). Cancellation is the parent terminating this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resampleToGrid } from './resample.ts';
import type { ResampleReply, ResampleRequest } from './resample-off-thread.ts';

const { moving, grid, movingToFixed, options } = workerData as ResampleRequest;
const post = (m: ResampleReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
try {
  const out = resampleToGrid(moving, grid, Float64Array.from(movingToFixed), options);
  post({ type: 'done', volume: out }, [out.data.buffer as ArrayBuffer]);
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
