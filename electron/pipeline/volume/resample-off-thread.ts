/**
 * {@link resampleToGrid} on a worker thread, for a process whose event loop must stay free:
 * the app's main process, where fusing a whole-body PET onto a 512² CT grid is 0.3 s of work
 * (over 1 s on an oblique grid). Small grids are resampled in place, where a worker's start
 * (tens of ms) would cost more than the work.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PipelineError } from '../errors.ts';
import { workerScriptUrl } from '../worker-script.ts';
import { identity4, type Mat4 } from './geometry.ts';
import { resampleToGrid, type ResampleOptions, type TargetGrid } from './resample.ts';
import { voxelCount, type Volume, type VoxelArray } from './volume.ts';

/** Sent once to the worker (as workerData; the voxels are copied, the caller's stay usable). */
export interface ResampleRequest {
  readonly moving: Volume<VoxelArray>;
  readonly grid: TargetGrid;
  readonly movingToFixed: number[];
  readonly options: ResampleOptions;
}

export type ResampleReply = { readonly type: 'done'; readonly volume: Volume<VoxelArray> } | { readonly type: 'error'; readonly message: string };

/** Output grids of at least this many voxels go to a worker (a 512² grid of 16 slices). */
export const OFF_THREAD_VOXELS = 1 << 22;

/**
 * As {@link resampleToGrid}, off the caller's thread when the output grid is large.
 *
 * @param signal aborting it terminates the worker at once and rejects with the signal's reason.
 * @param minVoxels output size from which a worker is used.
 * @throws PipelineError('RESAMPLE_FAILED') when the worker cannot run or fails.
 */
export async function resampleOffThread<T extends VoxelArray>(
  moving: Volume<T>,
  grid: TargetGrid,
  movingToFixed: Mat4 = identity4(),
  options: ResampleOptions = { interpolation: 'linear' },
  signal?: AbortSignal,
  minVoxels = OFF_THREAD_VOXELS,
): Promise<Volume<T | Float32Array>> {
  signal?.throwIfAborted();
  if (voxelCount(grid.size) < minVoxels) return resampleToGrid(moving, grid, movingToFixed, options);
  const request: ResampleRequest = {
    moving,
    grid: { size: grid.size, affine: grid.affine, frameOfReferenceUID: grid.frameOfReferenceUID, sopInstanceUIDs: grid.sopInstanceUIDs },
    movingToFixed: Array.from(movingToFixed),
    options,
  };
  const worker = new Worker(workerScript(), { workerData: request });
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
    worker.on('message', (m: ResampleReply) => {
      if (m.type === 'done') finish(() => resolve(m.volume as Volume<T | Float32Array>));
      else finish(() => reject(new PipelineError('RESAMPLE_FAILED', `resampling failed: ${m.message}`)));
    });
    worker.on('error', (e) => finish(() => reject(new PipelineError('RESAMPLE_FAILED', `resampling worker crashed: ${e.message.split('\n')[0]}`))));
    worker.on('exit', (code) => finish(() => reject(new PipelineError('RESAMPLE_FAILED', `resampling worker exited (code ${code}) without a result`))));
  });
}

/** The worker script, as source or as the bundled .js (see worker-script.ts). */
function workerScript(): URL {
  const url = workerScriptUrl(import.meta.url, './resample.worker');
  if (existsSync(fileURLToPath(url))) return url;
  throw new PipelineError('RESAMPLE_FAILED', 'the resampling worker script is missing from this build (resample.worker.ts or .js)');
}
