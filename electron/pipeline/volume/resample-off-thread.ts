/**
 * {@link resampleToGrid} on a worker thread, for a process whose event loop must stay free:
 * the app's main process, where fusing a whole-body PET onto a 512² CT grid is 0.3 s of work
 * (over 1 s on an oblique grid). Small grids are resampled in place, where a worker's start
 * (tens of ms) would cost more than the work.
 */
import { runWorkerOnce, workerScriptUrl } from '../worker-script.ts';
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
  return runWorkerOnce<ResampleReply, Volume<T | Float32Array>>(workerScriptUrl(import.meta.url, './resample.worker'), request, {
    name: 'resampling',
    code: 'RESAMPLE_FAILED',
    signal,
    onMessage: (m) => (m.type === 'done' ? { result: m.volume as Volume<T | Float32Array> } : { error: m.message }),
  });
}
