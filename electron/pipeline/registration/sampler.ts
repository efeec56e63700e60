/**
 * The fixed-image samples the metric is evaluated at: random points inside the body mask,
 * jittered within their voxel (sampling off the voxel centres keeps the metric free of the
 * grid-aligned ripples that trilinear interpolation causes), with the fixed intensity read
 * there. A seeded generator makes every run, and every test, reproducible.
 */
import { invert4, multiply4, transformPoint } from '../volume/geometry.ts';
import type { LevelImage } from './pyramid.ts';

/** Points (LPS, x y z interleaved) and the fixed image's value at each. */
export interface FixedSamples {
  readonly count: number;
  readonly points: Float64Array;
  readonly values: Float64Array;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Trilinear value of a level at a fractional index, clamped to the grid. */
export function valueAt(level: LevelImage, x: number, y: number, z: number): number {
  const [nx, ny, nz] = level.size;
  const cx = Math.min(nx - 1, Math.max(0, x)), cy = Math.min(ny - 1, Math.max(0, y)), cz = Math.min(nz - 1, Math.max(0, z));
  const i0 = Math.min(Math.floor(cx), Math.max(0, nx - 2)), j0 = Math.min(Math.floor(cy), Math.max(0, ny - 2)), k0 = Math.min(Math.floor(cz), Math.max(0, nz - 2));
  const fx = cx - i0, fy = cy - j0, fz = cz - k0;
  const dx = nx > 1 ? 1 : 0, dy = ny > 1 ? nx : 0, dz = nz > 1 ? nx * ny : 0;
  const d = level.data;
  const p = i0 + nx * (j0 + ny * k0);
  const c00 = d[p] + fx * (d[p + dx] - d[p]);
  const c10 = d[p + dy] + fx * (d[p + dy + dx] - d[p + dy]);
  const c01 = d[p + dz] + fx * (d[p + dz + dx] - d[p + dz]);
  const c11 = d[p + dz + dy] + fx * (d[p + dz + dy + dx] - d[p + dz + dy]);
  const c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
  return c0 + fz * (c1 - c0);
}

/**
 * Up to `count` samples inside `mask` (all mask voxels, jittered, when it holds fewer).
 * @param mask 1 where samples may be taken, on the grid of `maskGrid` (the level's own grid by
 *   default; a coarser one saves finding the body again at full resolution — samples are
 *   continuous positions, so the mask's voxel size does not limit them).
 */
export function sampleFixed(level: LevelImage, mask: Uint8Array, count: number, seed: number, maskGrid: Pick<LevelImage, 'size' | 'affine'> = level): FixedSamples {
  let total = 0;
  for (let p = 0; p < mask.length; p++) total += mask[p];
  const inside = new Int32Array(total);
  for (let p = 0, o = 0; p < mask.length; p++) if (mask[p]) inside[o++] = p;
  const n = Math.min(count, inside.length);
  const rand = seededRandom(seed);
  const points = new Float64Array(3 * n);
  const values = new Float64Array(n);
  const [nx, ny] = maskGrid.size;
  // Mask index → level index, for reading the fixed value where the sample lies.
  const toLevel = multiply4(invert4(level.affine), maskGrid.affine);
  for (let s = 0; s < n; s++) {
    // Without replacement when the mask is small, with replacement otherwise (cheap and unbiased).
    const p = n === inside.length ? inside[s] : inside[Math.floor(rand() * inside.length)];
    const idx = [(p % nx) + rand() - 0.5, (Math.floor(p / nx) % ny) + rand() - 0.5, Math.floor(p / (nx * ny)) + rand() - 0.5];
    const x = transformPoint(maskGrid.affine, idx);
    points[3 * s] = x[0]; points[3 * s + 1] = x[1]; points[3 * s + 2] = x[2];
    const [i, j, k] = transformPoint(toLevel, idx);
    values[s] = valueAt(level, i, j, k);
  }
  return { count: n, points, values };
}
