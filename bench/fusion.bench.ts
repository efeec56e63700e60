/**
 * `npm run bench -- fusion`: resampling a whole-body PET (192² × 300, 3.6 × 3.6 × 3.27 mm) onto a
 * planning-CT grid (512² × 150, 0.98 × 0.98 × 3 mm), as the app does to fuse them. Prints the
 * row-wise sampler that axial-on-axial pairs take against the voxel-by-voxel sampler of oblique
 * grids (the same volumes on the CT grid rotated by 0.1°: the named reference), best of 5 each,
 * and the longest stall of the caller's event loop when the app's worker thread does the work.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { affineFrom } from '../electron/pipeline/volume/geometry.ts';
import { resampleToGrid } from '../electron/pipeline/volume/resample.ts';
import { resampleOffThread } from '../electron/pipeline/volume/resample-off-thread.ts';
import type { Volume } from '../electron/pipeline/volume/volume.ts';

const RUNS = 5;

function best(f: () => void): number {
  let b = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

export default async function bench(): Promise<void> {
  const axes = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const pet: Volume = {
    data: Float32Array.from({ length: 192 * 192 * 300 }, (_, n) => (n % 977) / 100),
    size: [192, 192, 300], affine: affineFrom([-345, -345, -500], axes, [3.6, 3.6, 3.27]),
    frameOfReferenceUID: '1', modality: 'PT', units: 'SUVbw', sopInstanceUIDs: new Array(300).fill(''), seriesInstanceUID: '2',
  };
  const ct = { size: [512, 512, 150] as const, affine: affineFrom([-250, -250, -400], axes, [0.98, 0.98, 3]) };
  const a = (0.1 * Math.PI) / 180;
  const tilted = { size: ct.size, affine: affineFrom([-250, -250, -400], [[Math.cos(a), Math.sin(a), 0], [-Math.sin(a), Math.cos(a), 0], [0, 0, 1]], [0.98, 0.98, 3]) };
  const rows = best(() => resampleToGrid(pet, ct));
  const voxels = best(() => resampleToGrid(pet, tilted));
  const labels = { ...pet, data: Uint8Array.from(pet.data, (v) => v > 5 ? 1 : 0), units: 'label' as const };
  const nnRows = best(() => resampleToGrid(labels, ct, undefined, { interpolation: 'nearest', padValue: 0 }));
  const nnVoxels = best(() => resampleToGrid(labels, tilted, undefined, { interpolation: 'nearest', padValue: 0 }));
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t = performance.now();
  await resampleOffThread(pet, ct);
  const offWall = performance.now() - t;
  h.disable();
  const mvox = (512 * 512 * 150) / 1e6;
  process.stdout.write([
    `PET 192²×300 → CT grid 512²×150 (${mvox.toFixed(1)} M voxels), best of ${RUNS}:`,
    `linear: row-wise ${rows.toFixed(0)} ms (${((rows * 1e6) / (mvox * 1e6)).toFixed(1)} ns/voxel) vs voxel-by-voxel on a 0.1°-rotated grid ${voxels.toFixed(0)} ms → ratio ${(rows / voxels).toFixed(2)}`,
    `nearest (uint8 labels): row-wise ${nnRows.toFixed(0)} ms vs voxel-by-voxel ${nnVoxels.toFixed(0)} ms → ratio ${(nnRows / nnVoxels).toFixed(2)}`,
    `on the worker thread (as the app fuses): wall ${offWall.toFixed(0)} ms, longest event-loop stall of the caller ${(h.max / 1e6).toFixed(0)} ms (in place it would be the whole ${rows.toFixed(0)} ms)`,
  ].join('\n') + '\n');
}
