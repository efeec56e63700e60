/**
 * Ground truth on a real CT: ct-lung-philips (512² × 64, 0.84 × 0.84 × 5 mm) against copies of
 * itself moved by known rotations (≤ 10°) and translations (≤ 20 mm) and given MR-like or
 * PET-like intensities (non-linear remapping, noise, lower resolution, PET blur, smaller
 * field of view). Target registration error over the body must stay ≤ 1 mm mean, ≤ 2 mm max.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { loadSeries, scanPaths } from '../dicom/index.ts';
import { affineFrom, transformPoint, type Mat4 } from '../volume/geometry.ts';
import { resampleToGrid } from '../volume/resample.ts';
import type { Volume, VoxelArray } from '../volume/volume.ts';
import { matrixFromRows, runRegistration } from './run-registration.ts';
import { blur, mrLikeValue, petLikeValue, rigidMotion, secondaryOf, targetRegistrationError } from './testing.ts';

const AXES = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
let ct: Volume<VoxelArray>;
let centre: number[];

beforeAll(async () => {
  const scan = await scanPaths([sharedData('ct-lung-philips')]);
  ct = (await loadSeries(scan.studies[0].series[0])).volume;
  centre = transformPoint(ct.affine, ct.size.map((n) => (n - 1) / 2));
}, 60_000);

/** A grid of `size` voxels of `spacing` mm centred on the CT's centre, in its own frame. */
function gridAround(size: [number, number, number], spacing: number[]): { size: [number, number, number]; affine: Mat4 } {
  return { size, affine: affineFrom(centre.map((c, a) => c - ((size[a] - 1) / 2) * spacing[a]), AXES, spacing) };
}

describe('rigid MI on a real CT with known motions', () => {
  it('MR-like (T1 remap, 1.5 × 1.5 × 6 mm, 3% noise): 4°, −6°, 10° and (20, −12, 8) mm', async () => {
    const truth = rigidMotion([4, -6, 10], [20, -12, 8], [centre[0] + 30, centre[1] - 20, centre[2] + 10]);
    const mr = { ...secondaryOf(ct, gridAround([300, 300, 40], [1.5, 1.5, 6]), truth, mrLikeValue, 0.03, 'MR'), frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.20' };
    const r = await runRegistration({ fixed: ct, moving: mr });
    const tre = targetRegistrationError(ct, matrixFromRows(r.matrix), truth, 5);
    expect(r.method).toBe('rigid-mi');
    expect(tre.mean).toBeLessThan(1);
    expect(tre.max).toBeLessThan(2);
    expect(r.quality.ok).toBe(true);
  }, 60_000);

  it('PET-like (uptake remap, 4 mm, 6 mm blur, 5% noise, 176 mm axial field): −10°, 3°, −5° and (−8, 18, −15) mm', async () => {
    const truth = rigidMotion([-10, 3, -5], [-8, 18, -15], [centre[0] + 30, centre[1] - 20, centre[2] + 10]);
    const pet = { ...blur(secondaryOf(ct, gridAround([112, 112, 44], [4, 4, 4]), truth, petLikeValue, 0.05, 'PT'), [1.5, 1.5, 1.5]), frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.30' };
    const r = await runRegistration({ fixed: ct, moving: pet });
    const tre = targetRegistrationError(ct, matrixFromRows(r.matrix), truth, 5);
    expect(tre.mean).toBeLessThan(1);
    expect(tre.max).toBeLessThan(2);
    expect(r.quality.ok).toBe(true);
  }, 60_000);

  it('MR-like at the limits (10° about each axis, 20 mm along each axis), T2-like inverted contrast', async () => {
    const truth = rigidMotion([10, -10, 10], [-20, 20, 20], centre);
    // T2-like: fluid and soft tissue bright, fat mid, lung and bone dark.
    const t2 = (hu: number) => (hu < -900 ? 3 : hu < -500 ? 30 : hu < -30 ? 300 : hu < 150 ? 700 - hu : 80);
    const mr = { ...secondaryOf(ct, gridAround([220, 220, 36], [2, 2, 6]), truth, t2, 0.04, 'MR', 23), frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.21' };
    const r = await runRegistration({ fixed: ct, moving: mr });
    const tre = targetRegistrationError(ct, matrixFromRows(r.matrix), truth, 5);
    expect(tre.mean).toBeLessThan(1);
    expect(tre.max).toBeLessThan(2);
  }, 60_000);
});

describe('same Frame of Reference on a real PET/CT (real-sts-002)', () => {
  it('uses identity, and resampling the PET onto the CT grid matches hand-computed positions', async () => {
    const scan = await scanPaths([sharedData('real-sts-002', 'CT'), sharedData('real-sts-002', 'PET')]);
    const series = scan.studies.flatMap((s) => s.series);
    const ctInfo = series.find((s) => s.modality === 'CT')!, petInfo = series.find((s) => s.modality === 'PT')!;
    const [ctVol, pet] = [(await loadSeries(ctInfo)).volume, (await loadSeries(petInfo)).volume];
    const r = await runRegistration({ fixed: ctVol, moving: pet });
    expect(r.method).toBe('identity-same-FoR');
    expect(r.matrix).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    expect(r.warnings).toEqual([]);
    // Both grids are axial (direction = identity): positions by hand from origin and spacing only.
    expect(ctInfo.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(petInfo.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const onCt = resampleToGrid(pet, ctVol, matrixFromRows(r.matrix));
    const [px, py, pz] = pet.size;
    let checked = 0;
    for (const [i, j, k] of [[0, 0, 0], [80, 71, 24], [33, 120, 5], [160, 142, 47], [17, 9, 40]]) {
      const lps = [0, 1, 2].map((a) => ctInfo.origin[a] + [i, j, k][a] * ctInfo.spacing[a]);
      const [x, y, z] = [0, 1, 2].map((a) => (lps[a] - petInfo.origin[a]) / petInfo.spacing[a]);
      const got = onCt.data[i + ctVol.size[0] * (j + ctVol.size[1] * k)];
      if (x < 0 || y < 0 || z < 0 || x > px - 1 || y > py - 1 || z > pz - 1) continue; // edge band: covered by resample's own tests
      const [i0, j0, k0] = [Math.min(Math.floor(x), px - 2), Math.min(Math.floor(y), py - 2), Math.min(Math.floor(z), pz - 2)];
      const [fx, fy, fz] = [x - i0, y - j0, z - k0];
      const v = (a: number, b: number, c: number) => pet.data[i0 + a + px * (j0 + b + py * (k0 + c))];
      let want = 0;
      for (const a of [0, 1]) for (const b of [0, 1]) for (const c of [0, 1]) want += (a ? fx : 1 - fx) * (b ? fy : 1 - fy) * (c ? fz : 1 - fz) * v(a, b, c);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
