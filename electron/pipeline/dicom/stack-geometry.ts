/**
 * Geometry of a stack of parallel slices: sort along the slice normal, check spacing, and
 * decide what a planning user needs.
 *
 * Decisions (each reported as one warning or refusal line):
 * - Slices are sorted by their position projected on the normal (row × column direction),
 *   never by Instance Number.
 * - The same image twice (same SOP Instance UID and frame, e.g. a copied folder): one is kept.
 * - Two different images at one position: the stack is refused — which one belongs to the
 *   volume cannot be told (grouping already split stacks by acquisition and scouts).
 * - Positions off one straight line (table moved sideways between slices): refused.
 * - Gantry tilt (positions step along a line that is not the normal): kept on the exact sheared
 *   grid (the affine's k column follows the slice positions; no interpolation, no loss), with a
 *   warning giving the angle.
 * - Uniform spacing (every step within 1 % or 5 µm of the median): the grid is exact.
 * - One missing slice (a step of twice the median): interpolated onto the uniform grid, warned.
 *   Larger gaps are refused: interpolating across two or more missing slices would invent anatomy.
 * - Otherwise non-uniform spacing (e.g. 2.5 mm in the middle, 5 mm outside): resampled linearly
 *   along k onto a uniform grid at the smallest step, warned.
 */
import { affineFrom, type Mat4, type Vec3 } from '../volume/geometry.ts';

/** One slice of a stack before sorting. */
export interface StackSlice {
  readonly position: readonly [number, number, number];
  readonly key: string;
  readonly instanceNumber: number | null;
}

export interface StackGeometry<T extends StackSlice> {
  /** Slices sorted along the normal, duplicates removed. */
  readonly slices: readonly T[];
  readonly affine: Mat4;
  /** Number of grid slices (differs from slices.length when resampled). */
  readonly gridSlices: number;
  /** Per source slice, mm from the origin along k — only when resampling is needed. */
  readonly sliceOffsets: readonly number[] | undefined;
  readonly warnings: readonly string[];
  readonly refusal: string | undefined;
}

const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const fmt = (v: number, d = 2) => Number(v.toFixed(d)).toString();

/**
 * Sort and measure a stack.
 *
 * @param orientation ImageOrientationPatient (row direction, column direction).
 * @param pixelSpacing [between rows, between columns] mm.
 * @param singleSliceThickness spacing used along k when there is only one slice.
 */
export function stackGeometry<T extends StackSlice>(
  input: readonly T[],
  orientation: readonly number[],
  pixelSpacing: readonly [number, number],
  singleSliceThickness: number,
): StackGeometry<T> {
  const row = unit(orientation.slice(0, 3));
  const col = unit(orientation.slice(3, 6));
  const normal = unit(cross(row, col));
  const warnings: string[] = [];
  const along = (s: StackSlice) => dot(s.position, normal);
  const sorted = [...input].sort((a, b) => along(a) - along(b) || (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));

  // Duplicates: the same image twice is dropped; different images at one position refuse.
  const slices: T[] = [];
  let refusal: string | undefined;
  for (const s of sorted) {
    const prev = slices[slices.length - 1];
    if (prev && Math.abs(along(s) - along(prev)) < 1e-3) {
      if (prev.key === s.key) {
        warnings.push(`the same image appears twice at ${fmt(along(s))} mm along the normal; one copy used`);
        continue;
      }
      refusal ??= `two different images at the same position (${fmt(along(s))} mm along the normal); cannot tell which belongs to the volume`;
    }
    slices.push(s);
  }
  const [sx, sy] = [pixelSpacing[1], pixelSpacing[0]];
  const origin = slices[0].position;
  if (slices.length === 1) {
    return done(affineFrom(origin, [row, col, normal], [sx, sy, singleSliceThickness]), 1, undefined);
  }

  const d = slices.map(along);
  const n = slices.length;
  const extent = d[n - 1] - d[0];
  // Shift per mm along the normal, from first to last slice: the normal itself unless tilted.
  const p0 = slices[0].position, pn = slices[n - 1].position;
  const v: Vec3 = [(pn[0] - p0[0]) / extent, (pn[1] - p0[1]) / extent, (pn[2] - p0[2]) / extent];
  let offLine = 0;
  for (let i = 1; i < n - 1; i++) {
    const t = d[i] - d[0];
    const p = slices[i].position;
    offLine = Math.max(offLine, Math.hypot(p[0] - p0[0] - v[0] * t, p[1] - p0[1] - v[1] * t, p[2] - p0[2] - v[2] * t));
  }
  const minPixel = Math.min(sx, sy);
  if (offLine > 0.1 * minPixel) {
    refusal ??= `slice positions do not lie on one line (up to ${fmt(offLine)} mm off); the stack is not one volume`;
  }
  const inPlaneDrift = Math.hypot(v[0] - normal[0], v[1] - normal[1], v[2] - normal[2]) * extent;
  let kAxis: Vec3 = normal;
  if (inPlaneDrift > 0.05 * minPixel) {
    kAxis = v;
    const tilt = (Math.atan(Math.hypot(v[0] - normal[0], v[1] - normal[1], v[2] - normal[2])) * 180) / Math.PI;
    warnings.push(`gantry tilt of ${fmt(tilt, 1)}°: volume kept on its sheared slice grid (exact slice positions, no interpolation)`);
  }

  const steps = d.slice(1).map((x, i) => x - d[i]);
  const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)];
  const tol = Math.max(0.005, 0.01 * median);
  const uniform = steps.every((s) => Math.abs(s - median) <= tol);
  const build = (step: number) => {
    // k column: the slice step along the normal, carried along the (possibly tilted) slice line.
    const axes = [row, col, unit(kAxis)];
    const kLength = step * Math.hypot(kAxis[0], kAxis[1], kAxis[2]);
    return affineFrom(origin, axes, [sx, sy, kLength]);
  };
  if (uniform) return done(build(extent / (n - 1)), n, undefined);

  const gaps = steps.map((s, i) => ({ s, i, multiple: Math.round(s / median) })).filter((g) => Math.abs(g.s - median) > tol);
  const onlyMissing = gaps.every((g) => g.multiple >= 2 && Math.abs(g.s - g.multiple * median) <= tol * g.multiple);
  let step: number;
  if (onlyMissing) {
    const worst = gaps.reduce((a, b) => (b.multiple > a.multiple ? b : a));
    const missing = gaps.reduce((m, g) => m + g.multiple - 1, 0);
    const at = `between ${fmt(d[worst.i])} and ${fmt(d[worst.i + 1])} mm along the normal`;
    if (worst.multiple > 2) {
      refusal ??= `${worst.multiple - 1} consecutive slices missing ${at} (gap ${fmt(worst.s)} mm); refusing to interpolate across it`;
    } else {
      warnings.push(`${missing} missing slice${missing > 1 ? 's' : ''} (largest gap ${fmt(worst.s)} mm ${at}); interpolated onto a uniform ${fmt(median, 3)} mm grid`);
    }
    step = median;
  } else {
    const lo = Math.min(...steps), hi = Math.max(...steps);
    step = Math.max(lo, extent / (4 * n)); // never more than 4× the slices we were given
    const exact = extent / Math.round(extent / step);
    warnings.push(`non-uniform slice spacing (${fmt(lo)}–${fmt(hi)} mm): resampled linearly along the slice axis onto a uniform ${fmt(exact, 3)} mm grid`);
  }
  const gridSlices = Math.round(extent / step) + 1;
  const exactStep = extent / (gridSlices - 1);
  const scale = Math.hypot(kAxis[0], kAxis[1], kAxis[2]);
  return done(build(exactStep), gridSlices, d.map((x) => (x - d[0]) * scale));

  function done(affine: Mat4, gridSlices: number, sliceOffsets: number[] | undefined): StackGeometry<T> {
    return { slices, affine, gridSlices, sliceOffsets, warnings, refusal };
  }
}

function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function unit(a: readonly number[]): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / n, a[1] / n, a[2] / n];
}
