/**
 * Test support (not used by the app): a synthetic chest phantom, known rigid motions, MR- and
 * PET-like intensity remappings of a CT, and the target registration error over the body.
 * The real-CT tests use the same remappings on ct-lung-philips.
 */
import { affineFrom, identity4, invert4, multiply4, transformPoint, type Mat4 } from '../volume/geometry.ts';
import { resampleToMovingGrid } from '../volume/resample.ts';
import type { Volume, VoxelArray } from '../volume/volume.ts';
import { bodyMask } from './foreground.ts';
import { seededRandom } from './sampler.ts';

/** Rotation by Euler angles (degrees, about x then y then z) about `centre`, then translation (mm). */
export function rigidMotion(degrees: readonly number[], mm: readonly number[], centre: readonly number[]): Mat4 {
  const [a, b, g] = degrees.map((d) => (d * Math.PI) / 180);
  const rot = (m: number[]) => Float64Array.from(m);
  const Rx = rot([1, 0, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, 0, Math.sin(a), Math.cos(a), 0, 0, 0, 0, 1]);
  const Ry = rot([Math.cos(b), 0, Math.sin(b), 0, 0, 1, 0, 0, -Math.sin(b), 0, Math.cos(b), 0, 0, 0, 0, 1]);
  const Rz = rot([Math.cos(g), -Math.sin(g), 0, 0, Math.sin(g), Math.cos(g), 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  const toC = identity4(), fromC = identity4();
  for (let r = 0; r < 3; r++) { toC[r * 4 + 3] = -centre[r]; fromC[r * 4 + 3] = centre[r] + mm[r]; }
  return multiply4(fromC, multiply4(Rz, multiply4(Ry, multiply4(Rx, toC))));
}

/** A 200×160×40 chest-like CT (1.8 × 1.8 × 5 mm): body, lungs, spine, heart, ribs, couch. */
export function chestPhantom(): Volume<Int16Array> {
  const size: [number, number, number] = [200, 160, 40];
  const affine = affineFrom([-179, -143, -100], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [1.8, 1.8, 5]);
  const data = new Int16Array(size[0] * size[1] * size[2]);
  const rand = seededRandom(7);
  let o = 0;
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) {
    const [x, y, z] = transformPoint(affine, [i, j, k]);
    const e = (cx: number, cy: number, rx: number, ry: number) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
    const zs = 1 - (z / 130) ** 2; // the chest narrows towards both ends: not a plain cylinder
    let v = -1000;
    if (y > 105 && y < 115 && Math.abs(x) < 170) v = 200; // couch (outside the body mask)
    if (e(0, 0, 150 * zs, 100 * zs) < 1) {
      v = e(0, 0, 140 * zs, 90 * zs) < 1 ? 40 : -90; // soft tissue inside a fat layer
      if (e(-60, -5, 45, 60 + 0.2 * z) < 1 || e(60, -5, 50, 55 - 0.15 * z) < 1) v = -820; // lungs
      if (e(15 + 0.1 * z, -25, 30, 25) < 1) v = 50 + 0.3 * z; // heart
      if (e(0, 65, 14, 14) < 1) v = 700; // vertebra
      if (Math.abs(e(0, 0, 140 * zs, 90 * zs) - 0.85) < 0.04 && Math.sin(z / 6) > 0.3) v = 500; // ribs
      if (e(-45 + 0.2 * z, 20, 8, 8) < 1) v = 60; // a nodule in the left lung
    }
    data[o++] = Math.round(v + 8 * (rand() - 0.5));
  }
  return { data, size, affine, frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.1', modality: 'CT', units: 'HU', sopInstanceUIDs: new Array(size[2]).fill(''), seriesInstanceUID: '1.2.826.0.1.3680043.9.7.2' };
}

/** A T1-like remapping of HU: fat bright, muscle grey, lung and bone dark, air black (non-monotonic). */
export function mrLikeValue(hu: number): number {
  if (hu < -900) return 5;
  if (hu < -500) return 40; // lung
  if (hu < -30) return 900 - 0.5 * (hu + 100) ** 2 / 40; // fat bright, falling off
  if (hu < 150) return 380 + hu; // soft tissue
  return Math.max(60, 500 - (hu - 150) * 0.8); // bone darker
}

/** A PET-like remapping: background uptake in tissue, little in lung and fat, a hot heart. */
export function petLikeValue(hu: number): number {
  if (hu < -900) return 0;
  if (hu < -500) return 0.4;
  if (hu < -30) return 0.6;
  if (hu < 45) return 1.2;
  if (hu < 150) return 4;
  return 1.5;
}

/**
 * A copy of `ct` as a secondary series would see it: on `grid` (its own FoR), seen through
 * the known `movingToFixed` motion, intensities remapped by `remap` with Gaussian noise of
 * `noise` (relative to the remapped range).
 */
export function secondaryOf(
  ct: Volume<VoxelArray>,
  grid: { size: [number, number, number]; affine: Mat4 },
  movingToFixed: Mat4,
  remap: (hu: number) => number,
  noise: number,
  modality: string,
  seed = 11,
): Volume<Float32Array> {
  // Remap on the CT grid first, then sample: a scanner measures the tissue's own signal averaged
  // over its voxel; remapping already-interpolated HU would move edges (partial volumes of air
  // and tissue would cross the remap's thresholds at the wrong place).
  // Only the patient gives MR or PET signal: the couch and anything else outside the body is air.
  const body = bodyMask({ data: Float32Array.from(ct.data), size: ct.size, affine: ct.affine }, true);
  const remapped = new Float32Array(ct.data.length);
  for (let i = 0; i < remapped.length; i++) remapped[i] = remap(body[i] ? ct.data[i] : -1024);
  const source = { ...ct, data: remapped, units: 'raw' as const };
  const onGrid = resampleToMovingGrid(source, { ...grid, frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.99' }, movingToFixed, { interpolation: 'linear', padValue: remap(-1024) });
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const out = Float32Array.from(onGrid.data);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < out.length; i++) { lo = Math.min(lo, out[i]); hi = Math.max(hi, out[i]); }
  const sigma = noise * (hi - lo);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i] + sigma * gauss());
  return { ...onGrid, data: out, modality, units: modality === 'PT' ? 'SUVbw' : 'raw', seriesInstanceUID: '1.2.826.0.1.3680043.9.7.98' };
}

/** Gaussian smoothing along each axis (sigma in voxels): the blur of a PET scanner. */
export function blur(volume: Volume<Float32Array>, sigmaVoxels: readonly number[]): Volume<Float32Array> {
  let data = Float32Array.from(volume.data);
  const [nx, ny, nz] = volume.size;
  const strides = [1, nx, nx * ny], lengths = [nx, ny, nz];
  for (let axis = 0; axis < 3; axis++) {
    const s = sigmaVoxels[axis];
    if (!(s > 0)) continue;
    const r = Math.ceil(3 * s);
    const w = Array.from({ length: 2 * r + 1 }, (_, d) => Math.exp(-((d - r) ** 2) / (2 * s * s)));
    const out = new Float32Array(data.length);
    const st = strides[axis], n = lengths[axis];
    for (let p = 0; p < data.length; p++) {
      const pos = Math.floor(p / st) % n;
      let acc = 0, ws = 0;
      for (let d = -r; d <= r; d++) {
        const q = pos + d;
        if (q < 0 || q >= n) continue;
        acc += w[d + r] * data[p + d * st];
        ws += w[d + r];
      }
      out[p] = acc / ws;
    }
    data = out;
  }
  return { ...volume, data };
}

/**
 * Target registration error over the body: for every fixed voxel with HU > −500 (every
 * `stride`-th), the distance between where the estimated and the true moving→fixed
 * transforms send the corresponding moving point.
 */
export function targetRegistrationError(ct: Volume<VoxelArray>, estimated: Mat4, truth: Mat4, stride = 7): { mean: number; max: number } {
  // A fixed point p came from moving point T⁻¹p; the estimate sends that to E·T⁻¹p.
  const err = multiply4(estimated, invert4(truth));
  let sum = 0, max = 0, n = 0;
  for (let v = 0; v < ct.data.length; v += stride) {
    if (ct.data[v] <= -500) continue;
    const i = v % ct.size[0], j = Math.floor(v / ct.size[0]) % ct.size[1], k = Math.floor(v / (ct.size[0] * ct.size[1]));
    const p = transformPoint(ct.affine, [i, j, k]);
    const q = transformPoint(err, p);
    const d = Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]);
    sum += d; n++;
    if (d > max) max = d;
  }
  return { mean: sum / n, max };
}
