/**
 * The outline of a mask on one slice, as the voxel edges between inside and outside — the
 * exact boundary a planning system shows — for drawing as one SVG path over the view. Done in
 * JS because vtk.js's label-outline shader costs several times more per frame in software GL.
 */
import type { Axis } from '../tools/mask-grid.ts';

/** Line segments in voxel-index space: [i0, j0, k0, i1, j1, k1] per segment, flattened. */
export type Segments = Float32Array;

/** In-plane axes (u, v) of a slice normal to `axis`. */
export function planeAxes(axis: Axis): [Axis, Axis] {
  return axis === 2 ? [0, 1] : axis === 1 ? [0, 2] : [1, 2];
}

/**
 * Voxel-boundary segments of `mask` on slice `slice` along `axis`. Runs of edges along u are
 * merged into one segment (a rectangle costs 4 segments whatever its size in u).
 */
export function sliceOutline(mask: Uint8Array, size: readonly [number, number, number], axis: Axis, slice: number): Segments {
  const [u, v] = planeAxes(axis);
  const nu = size[u];
  const nv = size[v];
  const stride = [1, size[0], size[0] * size[1]];
  const base = slice * stride[axis];
  const su = stride[u];
  const sv = stride[v];
  const at = (a: number, b: number) => (a >= 0 && b >= 0 && a < nu && b < nv ? mask[base + a * su + b * sv] : 0);
  const out: number[] = [];
  const push = (u0: number, v0: number, u1: number, v1: number) => {
    const p = [0, 0, 0];
    const q = [0, 0, 0];
    p[axis] = q[axis] = slice;
    p[u] = u0; p[v] = v0; q[u] = u1; q[v] = v1;
    out.push(p[0], p[1], p[2], q[0], q[1], q[2]);
  };
  // Edges parallel to u (between rows b−1 and b), merged along u.
  for (let b = 0; b <= nv; b++) {
    let start = -1;
    for (let a = 0; a <= nu; a++) {
      const edge = a < nu && at(a, b) !== at(a, b - 1) ? (at(a, b) ? 1 : 2) : 0;
      if (start >= 0 && edge !== (start >> 20)) {
        push((start & 0xfffff) - 0.5, b - 0.5, a - 0.5, b - 0.5);
        start = -1;
      }
      if (edge && start < 0) start = (edge << 20) | a;
    }
  }
  // Edges parallel to v (between columns a−1 and a), merged along v.
  for (let a = 0; a <= nu; a++) {
    let start = -1;
    for (let b = 0; b <= nv; b++) {
      const edge = b < nv && at(a, b) !== at(a - 1, b) ? (at(a, b) ? 1 : 2) : 0;
      if (start >= 0 && edge !== (start >> 20)) {
        push(a - 0.5, (start & 0xfffff) - 0.5, a - 0.5, b - 0.5);
        start = -1;
      }
      if (edge && start < 0) start = (edge << 20) | b;
    }
  }
  return Float32Array.from(out);
}
