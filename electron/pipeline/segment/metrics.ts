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
  const fa = surface(a, size), fb = surface(b, size);
  // Distances only matter between surface voxels: the distance transform runs on the box
  // holding both surfaces (exact, since every seed and every query point lies inside it),
  // a few percent of a CT grid for a tumour.
  const box = boundingBox([fa, fb], size);
  if (!box) return null;
  const sa = cropTo(fa, size, box), sb = cropTo(fb, size, box);
  if (!sa.some((x) => x) || !sb.some((x) => x)) return null;
  const da = squaredDistanceTo(sa, box.size, spacing), db = squaredDistanceTo(sb, box.size, spacing);
  const directed = (from: Uint8Array, dist: Float64Array) => {
    const d: number[] = [];
    for (let v = 0; v < from.length; v++) if (from[v]) d.push(Math.sqrt(dist[v]));
    d.sort((x, y) => x - y);
    const rank = 0.95 * (d.length - 1), lo = Math.floor(rank), hi = Math.min(lo + 1, d.length - 1);
    return d[lo] + (rank - lo) * (d[hi] - d[lo]);
  };
  return Math.max(directed(sa, db), directed(sb, da));
}

interface Box {
  readonly min: readonly [number, number, number];
  readonly size: readonly [number, number, number];
}

/** Smallest index box holding every set voxel of the masks; null when all are empty. */
function boundingBox(masks: readonly Uint8Array[], size: readonly [number, number, number]): Box | null {
  const [nx, ny, nz] = size;
  const lo = [nx, ny, nz], hi = [-1, -1, -1];
  let v = 0;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
    if (!masks.some((m) => m[v])) continue;
    if (i < lo[0]) lo[0] = i;
    if (i > hi[0]) hi[0] = i;
    if (j < lo[1]) lo[1] = j;
    if (j > hi[1]) hi[1] = j;
    if (k < lo[2]) lo[2] = k;
    if (k > hi[2]) hi[2] = k;
  }
  if (hi[0] < 0) return null;
  return { min: [lo[0], lo[1], lo[2]], size: [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1] };
}

function cropTo(m: Uint8Array, size: readonly [number, number, number], box: Box): Uint8Array {
  const [bx, by, bz] = box.size;
  const out = new Uint8Array(bx * by * bz);
  let o = 0;
  for (let k = 0; k < bz; k++) for (let j = 0; j < by; j++) {
    const row = box.min[0] + size[0] * (box.min[1] + j + size[1] * (box.min[2] + k));
    out.set(m.subarray(row, row + bx), o);
    o += bx;
  }
  return out;
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
