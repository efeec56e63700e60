/**
 * The multi-resolution pyramid: each level is the image block-averaged by integer factors
 * per axis so that its spacing comes close to a target (e.g. 8, 4, 2 mm). Block averaging is
 * the box-filter-then-subsample of a pyramid in one pass: it smooths exactly as much as it
 * subsamples, which is what keeps the coarse metric free of aliasing.
 */
import { multiply4, spacingOf, type Mat4 } from '../volume/geometry.ts';
import type { Volume, VoxelArray } from '../volume/volume.ts';

/** One level of the pyramid: Float32 voxels (i fastest) and the index→LPS affine. */
export interface LevelImage {
  readonly data: Float32Array;
  readonly size: readonly [number, number, number];
  readonly affine: Mat4;
}

/** Integer factors per axis so that spacing × factor ≈ target (never below 1). */
export function shrinkFactors(spacing: readonly number[], targetMm: number): [number, number, number] {
  return spacing.map((s) => Math.max(1, Math.round(targetMm / s))) as [number, number, number];
}

/**
 * Block-average `volume` by `factors`; a trailing partial block is dropped so every output voxel
 * is a full average and its centre is the mean of its block's centres.
 */
export function downsample(volume: Pick<Volume<VoxelArray>, 'data' | 'size' | 'affine'>, factors: readonly number[]): LevelImage {
  const [nx, ny, nz] = volume.size;
  const [fx, fy, fz] = factors.map((f, a) => Math.min(f, volume.size[a]));
  const ox = Math.floor(nx / fx), oy = Math.floor(ny / fy), oz = Math.floor(nz / fz);
  const out = new Float32Array(ox * oy * oz);
  const src = volume.data;
  const row = new Float64Array(ox);
  const inv = 1 / (fx * fy * fz);
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      row.fill(0);
      for (let dz = 0; dz < fz; dz++) {
        for (let dy = 0; dy < fy; dy++) {
          let p = nx * (j * fy + dy + ny * (k * fz + dz));
          for (let i = 0; i < ox; i++) {
            let s = 0;
            for (let dx = 0; dx < fx; dx++) s += src[p++];
            row[i] += s;
          }
        }
      }
      const o = ox * (j + oy * k);
      for (let i = 0; i < ox; i++) out[o + i] = row[i] * inv;
    }
  }
  // New index i' sits at old index f·i' + (f−1)/2.
  const scale = new Float64Array([fx, 0, 0, (fx - 1) / 2, 0, fy, 0, (fy - 1) / 2, 0, 0, fz, (fz - 1) / 2, 0, 0, 0, 1]);
  return { data: out, size: [ox, oy, oz], affine: multiply4(volume.affine, scale) };
}

/** The pyramid, coarsest first, for the given target spacings (mm), e.g. [8, 4, 2]. */
export function buildPyramid(volume: Pick<Volume<VoxelArray>, 'data' | 'size' | 'affine'>, targetsMm: readonly number[]): LevelImage[] {
  const spacing = spacingOf(volume.affine);
  return targetsMm.map((t) => downsample(volume, shrinkFactors(spacing, t)));
}
