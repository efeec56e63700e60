/**
 * Geometry of the three MPR views, kept free of vtk.js so it is tested on its own: which
 * index axis each view slices, the radiological camera for each, the orientation labels, and
 * conversions between voxel index and patient coordinates (LPS mm).
 */
import type { Axis } from '../tools/mask-grid.ts';

/** The three linked views. */
export type ViewKind = 'axial' | 'coronal' | 'sagittal';
export type Vec3 = [number, number, number];

/** Patient axis (0 = x L, 1 = y P, 2 = z S) normal to each view. */
const WORLD_NORMAL: Record<ViewKind, Axis> = { axial: 2, coronal: 1, sagittal: 0 };

/**
 * Radiological cameras (LPS): the axial view looks from the feet with anterior up, so the
 * patient's left is on screen right; coronal looks from the front, head up; sagittal looks
 * from the patient's left, anterior on screen left.
 */
export const CAMERAS: Record<ViewKind, { readonly dop: Vec3; readonly up: Vec3 }> = {
  axial: { dop: [0, 0, 1], up: [0, -1, 0] },
  coronal: { dop: [0, 1, 0], up: [0, 0, 1] },
  sagittal: { dop: [-1, 0, 0], up: [0, 0, 1] },
};

/** Labels at the left, right, top and bottom edges of each view. */
export const ORIENTATION_LABELS: Record<ViewKind, { left: string; right: string; top: string; bottom: string }> = {
  axial: { left: 'R', right: 'L', top: 'A', bottom: 'P' },
  coronal: { left: 'R', right: 'L', top: 'S', bottom: 'I' },
  sagittal: { left: 'A', right: 'P', top: 'S', bottom: 'I' },
};

/** Cross product a × b. */
export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  // + 0 turns −0 into 0 so directions compare equal.
  return [a[1] * b[2] - a[2] * b[1] + 0, a[2] * b[0] - a[0] * b[2] + 0, a[0] * b[1] - a[1] * b[0] + 0];
}

/** The screen-right direction of a view (dop × up). */
export function rightOf(kind: ViewKind): Vec3 {
  return cross(CAMERAS[kind].dop, CAMERAS[kind].up);
}

/** The index axis whose direction is closest to the view's normal (row-major affine). */
export function sliceAxis(affine: readonly number[], kind: ViewKind): Axis {
  const w = WORLD_NORMAL[kind];
  let best: Axis = 0;
  let bestValue = -1;
  for (let c = 0 as Axis; c < 3; c = (c + 1) as Axis) {
    const col = [affine[c], affine[4 + c], affine[8 + c]];
    const v = Math.abs(col[w]) / Math.hypot(col[0], col[1], col[2]);
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}

/** affine · (i, j, k, 1). */
export function indexToWorld(affine: readonly number[], ijk: readonly number[]): Vec3 {
  const a = affine;
  return [
    a[0] * ijk[0] + a[1] * ijk[1] + a[2] * ijk[2] + a[3],
    a[4] * ijk[0] + a[5] * ijk[1] + a[6] * ijk[2] + a[7],
    a[8] * ijk[0] + a[9] * ijk[1] + a[10] * ijk[2] + a[11],
  ];
}

/** Inverse of the affine applied to an LPS point (fractional voxel index). */
export function worldToIndex(affine: readonly number[], p: readonly number[]): Vec3 {
  const a = affine;
  const m = [a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]];
  const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const inv = [
    (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
    (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
    (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
  ];
  const d = [p[0] - a[3], p[1] - a[7], p[2] - a[11]];
  return [
    inv[0] * d[0] + inv[1] * d[1] + inv[2] * d[2],
    inv[3] * d[0] + inv[4] * d[1] + inv[5] * d[2],
    inv[6] * d[0] + inv[7] * d[1] + inv[8] * d[2],
  ];
}

/** vtk.js direction (column-major 3×3: i, j, k unit axes one after another) from a row-major affine. */
export function vtkDirection(affine: readonly number[]): number[] {
  const out: number[] = [];
  for (let c = 0; c < 3; c++) {
    const col = [affine[c], affine[4 + c], affine[8 + c]];
    const n = Math.hypot(col[0], col[1], col[2]);
    out.push(col[0] / n, col[1] / n, col[2] / n);
  }
  return out;
}

/** Camera placement of a 2D parallel view: focal point, parallel scale (half height, mm), canvas size (CSS px). */
export interface ViewCamera {
  readonly focal: Vec3;
  readonly parallelScale: number;
  readonly width: number;
  readonly height: number;
}

/** LPS point under a canvas position (CSS px from the top-left), on the plane through the focal point. */
export function displayToWorld(kind: ViewKind, cam: ViewCamera, x: number, y: number): Vec3 {
  const mmPerPx = (2 * cam.parallelScale) / cam.height;
  const dx = (x - cam.width / 2) * mmPerPx;
  const dy = (cam.height / 2 - y) * mmPerPx;
  const r = rightOf(kind);
  const u = CAMERAS[kind].up;
  return [cam.focal[0] + dx * r[0] + dy * u[0], cam.focal[1] + dx * r[1] + dy * u[1], cam.focal[2] + dx * r[2] + dy * u[2]];
}

/** Canvas position (CSS px) of an LPS point. */
export function worldToDisplay(kind: ViewKind, cam: ViewCamera, p: readonly number[]): [number, number] {
  const pxPerMm = cam.height / (2 * cam.parallelScale);
  const d = [p[0] - cam.focal[0], p[1] - cam.focal[1], p[2] - cam.focal[2]];
  const r = rightOf(kind);
  const u = CAMERAS[kind].up;
  return [cam.width / 2 + (d[0] * r[0] + d[1] * r[1] + d[2] * r[2]) * pxPerMm, cam.height / 2 - (d[0] * u[0] + d[1] * u[1] + d[2] * u[2]) * pxPerMm];
}
