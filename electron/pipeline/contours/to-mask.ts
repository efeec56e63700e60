/**
 * Closed planar contours in patient coordinates → mask on a voxel grid (even-odd filling).
 */
import { invert4, type GridGeometry } from '../volume/geometry.ts';
import { fillEvenOdd } from './fill.ts';

/** Where rasterisation put the contours, for warnings and errors. */
export interface RasterStats {
  /** Contours filled into a slice of the grid. */
  readonly placed: number;
  /** Contours whose plane lies beyond the grid's first or last slice by more than half a slice. */
  readonly outside: number;
  /** Largest distance (mm) of a placed contour point from its slice plane. */
  readonly maxOffPlaneMm: number;
  /** Slice each contour went to, in input order; -1 when outside the grid or under 3 points. */
  readonly slices: Int32Array;
}

/**
 * Fill contours (LPS mm, x, y, z per point) into `out` on `grid` with `value`.
 *
 * Each contour goes to the slice nearest to its mean position; all contours on one slice are
 * filled together with the even-odd rule, so nested contours are holes. Filling is at pixel
 * centres, the same convention {@link maskToContours} traces with.
 */
export function fillContours(
  grid: GridGeometry,
  contours: readonly { readonly points: ArrayLike<number> }[],
  out: Uint8Array,
  value = 1,
): RasterStats {
  const [nx, ny, nz] = grid.size;
  const inv = invert4(grid.affine);
  const kSpacing = Math.hypot(grid.affine[2], grid.affine[6], grid.affine[10]);
  const bySlice = new Map<number, Float64Array[]>();
  let outside = 0, placed = 0, maxOff = 0;
  const slices = new Int32Array(contours.length).fill(-1);
  for (const [index, c] of contours.entries()) {
    const n = Math.floor(c.points.length / 3);
    if (n < 3) continue;
    const ij = new Float64Array(2 * n);
    let kSum = 0;
    const ks = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      const x = c.points[3 * p], y = c.points[3 * p + 1], z = c.points[3 * p + 2];
      ij[2 * p] = inv[0] * x + inv[1] * y + inv[2] * z + inv[3];
      ij[2 * p + 1] = inv[4] * x + inv[5] * y + inv[6] * z + inv[7];
      ks[p] = inv[8] * x + inv[9] * y + inv[10] * z + inv[11];
      kSum += ks[p];
    }
    const k = Math.round(kSum / n);
    if (k < 0 || k >= nz) { outside++; continue; }
    for (let p = 0; p < n; p++) maxOff = Math.max(maxOff, Math.abs(ks[p] - k) * kSpacing);
    let list = bySlice.get(k);
    if (!list) bySlice.set(k, (list = []));
    list.push(ij);
    slices[index] = k;
    placed++;
  }
  for (const [k, polys] of bySlice) {
    const slice = new Uint8Array(nx * ny);
    fillEvenOdd(polys, nx, ny, slice, 1);
    const target = out.subarray(k * nx * ny, (k + 1) * nx * ny);
    for (let v = 0; v < slice.length; v++) if (slice[v]) target[v] = value;
  }
  return { placed, outside, maxOffPlaneMm: maxOff, slices };
}
