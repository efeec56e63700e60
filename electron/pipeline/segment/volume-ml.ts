/** Physical size of voxels and masks. */
import type { Mat4 } from '../volume/index.ts';

/** Volume of one voxel in ml (|det| of the affine's 3×3 part, mm³ / 1000). */
export function voxelMl(affine: Mat4): number {
  const [a, b, c, , d, e, f, , g, h, i] = affine;
  return Math.abs(a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)) / 1000;
}
