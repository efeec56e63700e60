/**
 * The body (foreground) mask that keeps air out of the metric, and its centre of mass, which
 * initialises the registration. Works on a pyramid level, where it is cheap.
 *
 * Threshold (−500 HU for CT; for other modalities the lower three-class Otsu threshold, on
 * values clipped at the 99.5th percentile so a few hot PET voxels do not set it) → largest 6-connected component (drops
 * the couch and noise specks) → holes filled slice by slice (the lungs belong to the body) →
 * dilated by one voxel (the skin–air edge is the most informative part of the image).
 */
import { fillHolesPerSlice } from '../volume/fill-holes.ts';
import { transformPoint, type Vec3 } from '../volume/geometry.ts';
import type { LevelImage } from './pyramid.ts';

/** Value at a fraction q ∈ [0, 1] of the sorted values (a strided subsample is enough). */
export function percentile(data: Float32Array, q: number, maxSamples = 60_000): number {
  const stride = Math.max(1, Math.floor(data.length / maxSamples));
  const sub = new Float32Array(Math.ceil(data.length / stride));
  for (let i = 0, o = 0; i < data.length; i += stride) sub[o++] = data[i];
  sub.sort();
  return sub[Math.min(sub.length - 1, Math.max(0, Math.round(q * (sub.length - 1))))];
}

/**
 * The lower of the two three-class Otsu thresholds over 256 bins between lo and hi. Two-class
 * Otsu splits the two largest tissue classes (in a T1 MR of a thigh: fat from muscle), not
 * tissue from air; with three classes the lowest split is air (with lung) against the body.
 */
export function lowerOtsuThreshold(data: Float32Array, lo: number, hi: number): number {
  const bins = 256;
  const hist = new Float64Array(bins);
  const w = (hi - lo) / bins || 1;
  for (let i = 0; i < data.length; i++) {
    const b = Math.floor((Math.min(hi, Math.max(lo, data[i])) - lo) / w);
    hist[b >= bins ? bins - 1 : b]++;
  }
  // Prefix sums of counts and first moments make each class's mean O(1).
  const c = new Float64Array(bins + 1), m = new Float64Array(bins + 1);
  for (let b = 0; b < bins; b++) { c[b + 1] = c[b] + hist[b]; m[b + 1] = m[b] + b * hist[b]; }
  const score = (a: number, z: number) => { const n = c[z] - c[a]; return n > 0 ? ((m[z] - m[a]) ** 2) / n : 0; };
  let best = -1, bestT = 1;
  for (let t1 = 1; t1 < bins - 1; t1++) {
    for (let t2 = t1 + 1; t2 < bins; t2++) {
      const s = score(0, t1) + score(t1, t2) + score(t2, bins);
      if (s > best) { best = s; bestT = t1; }
    }
  }
  return lo + bestT * w;
}

/** Foreground threshold of a level: −500 HU for CT, the lower three-class Otsu threshold otherwise. */
export function foregroundThreshold(level: LevelImage, isCT: boolean): number {
  if (isCT) return -500;
  const lo = percentile(level.data, 0.001), hi = percentile(level.data, 0.995);
  return lowerOtsuThreshold(level.data, lo, hi);
}

/** The body mask of a level (1 inside, 0 outside); all zeros when nothing exceeds the threshold. */
export function bodyMask(level: LevelImage, isCT: boolean): Uint8Array {
  const [nx, ny, nz] = level.size;
  const n = nx * ny * nz;
  const t = foregroundThreshold(level, isCT);
  const above = new Uint8Array(n);
  for (let i = 0; i < n; i++) above[i] = level.data[i] > t ? 1 : 0;
  const mask = largestComponent(above, level.size);
  fillHolesPerSlice(mask, level.size);
  return dilate(mask, level.size);
}

/** Keep only the largest 6-connected component of a binary volume. */
export function largestComponent(bin: Uint8Array, size: readonly number[]): Uint8Array {
  const [nx, ny, nz] = size;
  const sxy = nx * ny;
  const label = new Int32Array(bin.length);
  const queue = new Int32Array(bin.length);
  let best = 0, bestSize = 0, next = 0;
  for (let s = 0; s < bin.length; s++) {
    if (!bin[s] || label[s]) continue;
    next++;
    let head = 0, tail = 0;
    queue[tail++] = s;
    label[s] = next;
    while (head < tail) {
      const p = queue[head++];
      const k = (p / sxy) | 0, rest = p - k * sxy, j = (rest / nx) | 0, i = rest - j * nx;
      // Neighbours inline (a closure per voxel costs more than the search itself).
      let q = p - 1;
      if (i > 0 && bin[q] && !label[q]) { label[q] = next; queue[tail++] = q; }
      q = p + 1;
      if (i < nx - 1 && bin[q] && !label[q]) { label[q] = next; queue[tail++] = q; }
      q = p - nx;
      if (j > 0 && bin[q] && !label[q]) { label[q] = next; queue[tail++] = q; }
      q = p + nx;
      if (j < ny - 1 && bin[q] && !label[q]) { label[q] = next; queue[tail++] = q; }
      q = p - sxy;
      if (k > 0 && bin[q] && !label[q]) { label[q] = next; queue[tail++] = q; }
      q = p + sxy;
      if (k < nz - 1 && bin[q] && !label[q]) { label[q] = next; queue[tail++] = q; }
    }
    if (tail > bestSize) { bestSize = tail; best = next; }
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = label[i] === best && best > 0 ? 1 : 0;
  return out;
}

/** One-voxel 6-neighbour dilation. */
export function dilate(mask: Uint8Array, size: readonly number[]): Uint8Array {
  const [nx, ny, nz] = size;
  const sxy = nx * ny;
  const out = Uint8Array.from(mask);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const p = i + nx * j + sxy * k;
    if (!mask[p]) continue;
    if (i > 0) out[p - 1] = 1;
    if (i < nx - 1) out[p + 1] = 1;
    if (j > 0) out[p - nx] = 1;
    if (j < ny - 1) out[p + nx] = 1;
    if (k > 0) out[p - sxy] = 1;
    if (k < nz - 1) out[p + sxy] = 1;
  }
  return out;
}

/** LPS centre of mass of a mask (voxel centres, equal weights); null when the mask is empty. */
export function centreOfMass(mask: Uint8Array, level: LevelImage): Vec3 | null {
  const [nx, ny] = level.size;
  let si = 0, sj = 0, sk = 0, count = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    const i = p % nx, j = Math.floor(p / nx) % ny, k = Math.floor(p / (nx * ny));
    si += i; sj += j; sk += k; count++;
  }
  return count ? transformPoint(level.affine, [si / count, sj / count, sk / count]) : null;
}

/** LPS centre of the grid (middle of the first and last voxel centres). */
export function geometricCentre(level: LevelImage): Vec3 {
  return transformPoint(level.affine, level.size.map((n) => (n - 1) / 2));
}
