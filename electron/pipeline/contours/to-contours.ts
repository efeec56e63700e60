/**
 * Mask → closed planar contours in patient coordinates, one set per slice.
 */
import { throwIfAborted, type StageContext } from '../stage.ts';
import { transformPoint } from '../volume/geometry.ts';
import type { MaskVolume } from '../volume/volume.ts';
import { signedArea, traceLoops } from './marching-squares.ts';
import { simplifyLoop } from './simplify.ts';

/** Default simplification tolerance in pixels (see {@link ContourOptions.tolerancePx}). */
export const DEFAULT_TOLERANCE_PX = 0.35;

/** One closed planar contour on slice `slice` of the mask's grid. */
export interface PlanarContour {
  /** Slice index k: every point lies in the plane of that slice. */
  readonly slice: number;
  /** LPS mm, x, y, z per point; at least 3 points, first point not repeated. */
  readonly points: Float64Array;
  /** True for an inner boundary (a hole of the region it is nested in). */
  readonly hole: boolean;
}

export interface ContourOptions {
  /** Voxel value that is inside (default 1). */
  readonly label?: number;
  /**
   * Douglas–Peucker tolerance in pixels (default 0.35): no dropped boundary vertex is farther
   * than this from the simplified contour. 0 keeps every marching-squares vertex. The default
   * stays below √2/4 ≈ 0.354, the closest a traced boundary comes to a pixel centre (at a
   * diagonal corner cut), so simplification does not move the boundary across a centre and
   * filling gives the mask back voxel for voxel (0.5 drops ~35 % more vertices but flips
   * ~0.6 % of a blob's voxels in our measurements).
   */
  readonly tolerancePx?: number;
}

/**
 * Trace every slice of a mask into closed planar polygons.
 *
 * Boundaries pass half-way between inside and outside pixel centres (marching squares on
 * pixel centres), so even-odd filling at pixel centres gives the mask back; coordinates go
 * through the mask's affine, so contours lie exactly in each slice's plane for any
 * orientation, oblique included. Outer boundaries and holes come out as separate contours.
 */
export function maskToContours(mask: MaskVolume, options: ContourOptions = {}, ctx: StageContext = {}): PlanarContour[] {
  const [nx, ny, nz] = mask.size;
  const label = options.label ?? 1;
  const tol = options.tolerancePx ?? DEFAULT_TOLERANCE_PX;
  const out: PlanarContour[] = [];
  for (let k = 0; k < nz; k++) {
    throwIfAborted(ctx);
    const slice = mask.data.subarray(k * nx * ny, (k + 1) * nx * ny);
    if (slice.includes(label)) {
      for (const loop of traceLoops(slice, nx, ny, label)) {
        const simple = simplifyLoop(loop, tol);
        const n = simple.length / 2;
        const points = new Float64Array(3 * n);
        for (let p = 0; p < n; p++) points.set(transformPoint(mask.affine, [simple[2 * p], simple[2 * p + 1], k]), 3 * p);
        out.push({ slice: k, points, hole: signedArea(simple) < 0 });
      }
    }
    ctx.onProgress?.({ stage: 'contour', done: k + 1, total: nz });
  }
  return out;
}
