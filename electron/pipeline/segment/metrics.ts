/**
 * Overlap and boundary agreement of two masks on the same grid: Dice and the 95th-percentile
 * Hausdorff distance (HD95), as reported in the papers' tables and by MONAI.
 */
import { spacingOf, type Mat4 } from '../volume/index.ts';

/** Dice = 2|A∩B| / (|A| + |B|); 1 when both are empty. */
export function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0, na = 0, nb = 0;
  for (let v = 0; v < a.length; v++) {
    const x = a[v] !== 0, y = b[v] !== 0;
    if (x) na++;
    if (y) nb++;
    if (x && y) inter++;
  }
  return na + nb === 0 ? 1 : (2 * inter) / (na + nb);
}

/**
 * HD95 in mm between the surfaces of two masks (surface voxel = foreground with a background
 * 6-neighbour or on the grid's edge), distances between voxel centres in physical units.
 * MONAI's definition: the larger of the two directed 95th percentiles (linear interpolation),
 * max(P95{d(a, ∂B) : a ∈ ∂A}, P95{d(b, ∂A) : b ∈ ∂B}). Null when either mask is empty.
 */
export function hd95(a: Uint8Array, b: Uint8Array, size: readonly [number, number, number], affine: Mat4): number | null {
  const spacing = spacingOf(affine);
  const sa = surface(a, size), sb = surface(b, size);
  if (!sa.some((x) => x) || !sb.some((x) => x)) return null;
  const da = squaredDistanceTo(sa, size, spacing), db = squaredDistanceTo(sb, size, spacing);
  const directed = (from: Uint8Array, dist: Float64Array) => {
    const d: number[] = [];
    for (let v = 0; v < from.length; v++) if (from[v]) d.push(Math.sqrt(dist[v]));
    d.sort((x, y) => x - y);
    const rank = 0.95 * (d.length - 1), lo = Math.floor(rank), hi = Math.min(lo + 1, d.length - 1);
    return d[lo] + (rank - lo) * (d[hi] - d[lo]);
  };
  return Math.max(directed(sa, db), directed(sb, da));
}

/** Foreground voxels with a background face-neighbour (or on the grid edge). */
function surface(m: Uint8Array, size: readonly [number, number, number]): Uint8Array {
  const [nx, ny, nz] = size;
  const sxy = nx * ny;
  const out = new Uint8Array(m.length);
  let v = 0;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
    if (!m[v]) continue;
    out[v] = i === 0 || i === nx - 1 || j === 0 || j === ny - 1 || k === 0 || k === nz - 1 ||
      !m[v - 1] || !m[v + 1] || !m[v - nx] || !m[v + nx] || !m[v - sxy] || !m[v + sxy] ? 1 : 0;
  }
  return out;
}

/**
 * Exact squared Euclidean distance (mm²) from every voxel to the nearest set voxel of `seeds`,
 * separable along i, j, k (Felzenszwalb & Huttenlocher 2012) with anisotropic spacing.
 */
function squaredDistanceTo(seeds: Uint8Array, size: readonly [number, number, number], spacing: readonly number[]): Float64Array {
  const [nx, ny, nz] = size;
  const d = new Float64Array(seeds.length);
  for (let v = 0; v < d.length; v++) d[v] = seeds[v] ? 0 : Infinity;
  const n = Math.max(nx, ny, nz);
  const f = new Float64Array(n), out = new Float64Array(n), z = new Float64Array(n + 1);
  const vIdx = new Int32Array(n);
  const pass = (len: number, stride: number, starts: number[], s: number) => {
    const w = s * s;
    for (const start of starts) {
      for (let q = 0; q < len; q++) f[q] = d[start + q * stride];
      edt1d(f, len, w, out, vIdx, z);
      for (let q = 0; q < len; q++) d[start + q * stride] = out[q];
    }
  };
  const starts = (fixed: (a: number, b: number) => number, na: number, nb: number) => {
    const s: number[] = [];
    for (let b = 0; b < nb; b++) for (let a = 0; a < na; a++) s.push(fixed(a, b));
    return s;
  };
  pass(nx, 1, starts((j, k) => nx * (j + ny * k), ny, nz), spacing[0]);
  pass(ny, nx, starts((i, k) => i + nx * ny * k, nx, nz), spacing[1]);
  pass(nz, nx * ny, starts((i, j) => i + nx * j, nx, ny), spacing[2]);
  return d;
}

/** 1-D lower envelope of parabolas: out[q] = min_p f[p] + w·(q − p)². */
function edt1d(f: Float64Array, n: number, w: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    while (k >= 0) {
      const p = v[k];
      const s = (f[q] + w * q * q - (f[p] + w * p * p)) / (2 * w * (q - p));
      if (s <= z[k]) k--;
      else break;
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? -Infinity : (f[q] + w * q * q - (f[v[k - 1]] + w * v[k - 1] * v[k - 1])) / (2 * w * (q - v[k - 1]));
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) out[q] = Infinity;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++;
    const p = v[j];
    out[q] = f[p] + w * (q - p) * (q - p);
  }
}
