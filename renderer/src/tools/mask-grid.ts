/**
 * The mask being edited: 0/1 voxels in (k, j, i) order with the grid's size and spacing.
 * Tools only see this plain shape, never vtk.js objects.
 */

/** A 0/1 voxel mask on a grid. */
export interface MaskGrid {
  readonly data: Uint8Array;
  /** [nx, ny, nz] = [columns, rows, slices]. */
  readonly size: readonly [number, number, number];
  /** [sx, sy, sz] mm. */
  readonly spacing: readonly [number, number, number];
}

/** Index of voxel (i, j, k). */
export function voxelIndex(g: MaskGrid, i: number, j: number, k: number): number {
  return i + g.size[0] * (j + g.size[1] * k);
}

/** Axis normal to a view's slices: 0 = i (sagittal), 1 = j (coronal), 2 = k (axial). */
export type Axis = 0 | 1 | 2;

/** Dice coefficient of two masks of one grid (1 when both are empty). */
export function dice(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError('dice: masks of different grids');
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let n = 0; n < a.length; n++) {
    const x = a[n] ? 1 : 0;
    const y = b[n] ? 1 : 0;
    inter += x & y;
    sa += x;
    sb += y;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}
