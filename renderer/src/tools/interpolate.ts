/**
 * Fill-between-slices: shape-based interpolation (Raya & Udupa 1990). Each drawn slice becomes
 * a signed distance map (mm, negative inside); a slice between two drawn ones is inside where
 * the linear blend of their maps is ≤ 0. Shapes morph smoothly instead of being copied.
 */
import type { MaskGrid } from './mask-grid.ts';
import type { EditRecorder } from './undo.ts';

const INF = 1e20;

/** Exact 1D squared distance transform (Felzenszwalb & Huttenlocher 2012) of f, in place into d. */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

/** Squared Euclidean distance (mm²) from each pixel to the nearest pixel where `seed` is true. */
function squaredDistance(nx: number, ny: number, sx: number, sy: number, seed: (p: number) => boolean): Float64Array {
  const out = new Float64Array(nx * ny);
  const n = Math.max(nx, ny);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  // Rows in units of x-spacing, then columns with y scaled by (sy/sx)², then back to mm².
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) f[i] = seed(i + nx * j) ? 0 : INF;
    edt1d(f, nx, d, v, z);
    for (let i = 0; i < nx; i++) out[i + nx * j] = d[i];
  }
  const r = (sy / sx) * (sy / sx);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) f[j] = out[i + nx * j] / r;
    edt1d(f, ny, d, v, z);
    for (let j = 0; j < ny; j++) out[i + nx * j] = d[j] * r * sx * sx;
  }
  return out;
}

/** Signed distance (mm) of one axial slice: negative inside, positive outside, ±half a pixel at the edge. */
export function signedDistance(grid: MaskGrid, k: number): Float64Array {
  const [nx, ny] = grid.size;
  const off = nx * ny * k;
  const inside = (p: number) => grid.data[off + p] !== 0;
  const toInside = squaredDistance(nx, ny, grid.spacing[0], grid.spacing[1], inside);
  const toOutside = squaredDistance(nx, ny, grid.spacing[0], grid.spacing[1], (p) => !inside(p));
  const out = new Float64Array(nx * ny);
  for (let p = 0; p < out.length; p++) out[p] = inside(p) ? -Math.sqrt(toOutside[p]) : Math.sqrt(toInside[p]);
  return out;
}

function sliceIsEmpty(grid: MaskGrid, k: number): boolean {
  const n = grid.size[0] * grid.size[1];
  const off = n * k;
  for (let p = 0; p < n; p++) if (grid.data[off + p]) return false;
  return true;
}

/**
 * Fill every run of empty axial slices that lies between two drawn slices; returns the slices
 * filled. Drawn slices are never changed.
 */
export function fillBetweenSlices(grid: MaskGrid, rec: EditRecorder): number[] {
  const [nx, ny, nz] = grid.size;
  const drawn: number[] = [];
  for (let k = 0; k < nz; k++) if (!sliceIsEmpty(grid, k)) drawn.push(k);
  const filled: number[] = [];
  for (let n = 0; n + 1 < drawn.length; n++) {
    const k0 = drawn[n];
    const k1 = drawn[n + 1];
    if (k1 - k0 < 2) continue;
    const d0 = signedDistance(grid, k0);
    const d1 = signedDistance(grid, k1);
    for (let k = k0 + 1; k < k1; k++) {
      const t = (k - k0) / (k1 - k0);
      const off = nx * ny * k;
      for (let p = 0; p < nx * ny; p++) if ((1 - t) * d0[p] + t * d1[p] <= 0) rec.set(off + p, 1);
      filled.push(k);
    }
  }
  return filled;
}
