/**
 * Brush and eraser on a mask: a disc of `radiusMm` in the slice through the centre (2D), or a
 * ball (3D). Radii are in millimetres, so the footprint is round on screen whatever the
 * voxel spacing.
 */
import type { Axis, MaskGrid } from './mask-grid.ts';
import type { EditRecorder } from './undo.ts';

/** Brush settings. */
export interface BrushOptions {
  readonly radiusMm: number;
  /** 1 paints, 0 erases. */
  readonly value: 0 | 1;
  /** '2d': only the slice normal to `axis` through the centre; '3d': a sphere. */
  readonly mode: '2d' | '3d';
  readonly axis: Axis;
}

/**
 * Paint one dab centred at the fractional voxel index `center` (i, j, k); returns the number of
 * voxels changed. A voxel is inside when its centre is within the radius.
 */
export function paintDab(grid: MaskGrid, rec: EditRecorder, center: readonly [number, number, number], o: BrushOptions): number {
  const [nx, ny, nz] = grid.size;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let a = 0; a < 3; a++) {
    const n = grid.size[a];
    if (o.mode === '2d' && a === o.axis) {
      const c = Math.round(center[a]);
      lo.push(c);
      hi.push(c);
    } else {
      const r = o.radiusMm / grid.spacing[a];
      lo.push(Math.max(0, Math.ceil(center[a] - r)));
      hi.push(Math.min(n - 1, Math.floor(center[a] + r)));
    }
  }
  if (lo[o.axis] < 0 || hi[o.axis] >= grid.size[o.axis]) return 0;
  const r2 = o.radiusMm * o.radiusMm;
  let changed = 0;
  for (let k = lo[2]; k <= hi[2]; k++) {
    const dz = o.mode === '2d' && o.axis === 2 ? 0 : (k - center[2]) * grid.spacing[2];
    for (let j = lo[1]; j <= hi[1]; j++) {
      const dy = o.mode === '2d' && o.axis === 1 ? 0 : (j - center[1]) * grid.spacing[1];
      for (let i = lo[0]; i <= hi[0]; i++) {
        const dx = o.mode === '2d' && o.axis === 0 ? 0 : (i - center[0]) * grid.spacing[0];
        if (dx * dx + dy * dy + dz * dz <= r2 && rec.set(i + nx * (j + ny * k), o.value)) changed++;
      }
    }
  }
  void nz;
  return changed;
}

/**
 * Paint dabs along the segment from `a` to `b` (fractional indices), spaced at most half a
 * radius apart so a fast drag leaves a continuous stroke.
 */
export function paintLine(
  grid: MaskGrid, rec: EditRecorder, a: readonly [number, number, number], b: readonly [number, number, number], o: BrushOptions,
): number {
  const d = [(b[0] - a[0]) * grid.spacing[0], (b[1] - a[1]) * grid.spacing[1], (b[2] - a[2]) * grid.spacing[2]];
  const len = Math.hypot(d[0], d[1], d[2]);
  const steps = Math.max(1, Math.ceil(len / Math.max(0.25, o.radiusMm / 2)));
  let changed = 0;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    changed += paintDab(grid, rec, [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])], o);
  }
  return changed;
}
