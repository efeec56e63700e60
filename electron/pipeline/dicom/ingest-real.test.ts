/**
 * Ingest on real studies: the Philips chest CT against dcm2niix in world space, and the three
 * real-sts-002 series (CT, PET in GML, MIM-resampled MR) against the NIfTI files beside them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { invert4, multiply4, transformPoint } from '../volume/geometry.ts';
import { readNifti } from '../volume/nifti.ts';
import type { Volume, VoxelArray } from '../volume/volume.ts';
import { allSeries, findSeries, loadSeries, scanPaths } from './index.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'delineo-ingest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Compare two volumes voxel by voxel through their affines: every voxel of `a` is looked up at
 * the same LPS point in `b` (nearest index, which must be an integer within 1e-3).
 */
function compareInWorld(a: Volume<VoxelArray>, b: Volume<VoxelArray>) {
  const m = multiply4(invert4(b.affine), a.affine); // a index → b index
  const [nx, ny, nz] = a.size;
  let compared = 0, maxDiff = 0, offGrid = 0, outside = 0;
  const diffs: number[] = [];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const p = transformPoint(m, [i, j, k]);
    const q = p.map(Math.round);
    if (p.some((v, d) => Math.abs(v - q[d]) > 1e-3)) offGrid++;
    if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= b.size[0] || q[1] >= b.size[1] || q[2] >= b.size[2]) { outside++; continue; }
    const d = Math.abs(a.data[i + nx * (j + ny * k)] - b.data[q[0] + b.size[0] * (q[1] + b.size[1] * q[2])]);
    maxDiff = Math.max(maxDiff, d);
    if (diffs.length < 1e6) diffs.push(d);
    compared++;
  }
  return { compared, maxDiff, offGrid, outside, diffs };
}

describe('ct-lung-philips (64-slice Philips chest CT)', async () => {
  const dir = sharedData('ct-lung-philips');
  const scan = await scanPaths([dir]);
  const series = allSeries(scan);

  it('is one CT stack with the scanner geometry, no problems', () => {
    expect(scan.errors).toEqual([]);
    expect(series).toHaveLength(1);
    const s = series[0];
    expect(s.modality).toBe('CT');
    expect(s.units).toBe('HU');
    expect(s.size).toEqual([512, 512, 64]);
    expect(s.spacing[0]).toBeCloseTo(0.841796875, 6);
    expect(s.spacing[2]).toBeCloseTo(5, 6);
    expect(s.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // Sorted along the normal: slice 0 is the most inferior (z = -439), slice 63 at -124.
    expect(s.origin).toEqual([-228.036842, -93.0631599, -439]);
    expect(s.warnings).toEqual([]);
    expect(s.instances).toHaveLength(64);
  });

  it('loads HU with air, soft tissue and bone where they belong', async () => {
    const { volume } = await loadSeries(series[0]);
    expect(volume.data).toHaveLength(512 * 512 * 64);
    let min = Infinity, max = -Infinity, sum = 0;
    for (const v of volume.data) { if (v < min) min = v; if (v > max) max = v; sum += v; }
    expect(min).toBe(-1024); // the Philips field-of-view padding
    expect(max).toBe(2976);
    expect(sum / volume.data.length).toBeCloseTo(-675.968, 2);
    // Centre of the middle slice is mediastinum/soft tissue (−200…200 HU); a corner is outside air.
    const at = (i: number, j: number, k: number) => volume.data[i + 512 * (j + 512 * k)];
    expect(at(0, 0, 32)).toBe(-1024);
    expect(volume.sopInstanceUIDs.every((u) => u.length > 10)).toBe(true);
    expect(new Set(volume.sopInstanceUIDs).size).toBe(64);
  });

  it('equals dcm2niix voxel for voxel in world space', async () => {
    const out = path.join(tmp, 'd2n');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-o', out, '-f', 'ct', dir], { stdio: 'ignore' });
    const reference = await readNifti(path.join(out, readdirSync(out).find((f) => f.endsWith('.nii'))!));
    const { volume } = await loadSeries(series[0]);
    const r = compareInWorld(volume, reference);
    expect(r.offGrid).toBe(0);
    expect(r.outside).toBe(0);
    expect(r.compared).toBe(512 * 512 * 64);
    expect(r.maxDiff).toBe(0);
  });

  it('interpolates a missing slice (warned, no UID on it) and refuses two missing in a row', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.dcm')).map((f) => path.join(dir, f));
    const full = (await loadSeries(series[0])).volume;
    // Which file holds slice 10 of the sorted stack, and its neighbours.
    const fileAt = (k: number) => series[0].instances[k].path;
    const oneGone = await scanPaths(files.filter((f) => f !== fileAt(10)));
    const [s1] = allSeries(oneGone);
    expect(s1.size).toEqual([512, 512, 64]);
    expect(s1.warnings).toEqual(['1 missing slice (largest gap 10 mm between -394 and -384 mm along the normal); interpolated onto a uniform 5 mm grid']);
    const { volume } = await loadSeries(s1);
    expect(volume.sopInstanceUIDs[10]).toBe('');
    expect(volume.sopInstanceUIDs[11]).toBe(full.sopInstanceUIDs[11]);
    const plane = 512 * 512;
    for (const n of [0, 1000, 131_328, 200_000]) {
      expect(volume.data[10 * plane + n]).toBeCloseTo((full.data[9 * plane + n] + full.data[11 * plane + n]) / 2, 4);
      expect(volume.data[11 * plane + n]).toBe(full.data[11 * plane + n]);
    }
    const twoGone = await scanPaths(files.filter((f) => f !== fileAt(10) && f !== fileAt(11)));
    const [s2] = allSeries(twoGone);
    expect(s2.refusal).toMatch(/2 consecutive slices missing/);
    await expect(loadSeries(s2)).rejects.toThrow(/cannot be loaded: 2 consecutive slices missing between -394 and -379 mm along the normal \(gap 15 mm\); refusing to interpolate across it/);
  });

  it('uses one copy of a duplicated file and says so', async () => {
    const copy = path.join(tmp, 'copy-of-1-01.dcm');
    copyFileSync(path.join(dir, '1-01.dcm'), copy);
    const r = await scanPaths([dir, copy]);
    expect(allSeries(r)[0].size[2]).toBe(64);
    expect(r.errors).toEqual([{ path: copy, message: `${copy}: same SOP Instance UID as ${path.join(dir, '1-01.dcm')}; the copy is ignored` }]);
  });

  it('finds the series by UID and refuses an unknown one with the list of what is there', () => {
    expect(findSeries(scan, series[0].seriesInstanceUID)).toBe(series[0]);
    expect(() => findSeries(scan, '1.2.3')).toThrow(/series 1\.2\.3 not found; found: .* \(CT\)/);
  });
});

describe('real-sts-002 (CT, PET in GML, MIM-resampled MR) against the NIfTI files beside them', async () => {
  const root = sharedData('real-sts-002');
  const scan = await scanPaths([root]);
  const byModality = (m: string) => allSeries(scan).find((s) => s.modality === m)!;

  it('lists three series and the three MIM structure sets in one study', () => {
    expect(scan.errors).toEqual([]);
    expect(scan.studies).toHaveLength(1);
    expect(scan.studies[0].series.map((s) => s.modality).sort()).toEqual(['CT', 'MR', 'PT']);
    expect(scan.studies[0].structureSets).toHaveLength(3);
    expect(byModality('MR').manufacturer).toMatch(/MIM Software/);
    // MIM resampled the MR into the CT's frame of reference.
    expect(byModality('MR').frameOfReferenceUID).toBe(byModality('CT').frameOfReferenceUID);
  });

  it('takes GML PET as SUVbw without applying a factor again', () => {
    const pet = byModality('PT');
    expect(pet.units).toBe('SUVbw');
    expect(pet.suvbwFactor).toBe(1);
    expect(pet.warnings.join(' ')).toMatch(/already SUVbw \(Units GML\)/);
  });

  for (const [modality, folder, tolerance] of [['CT', 'CT', 0], ['PT', 'PET', 1e-3], ['MR', 'MR_T1', 0]] as const) {
    it(`${modality}: affine and voxel values match ${folder}/nifti/image/image.nii.gz`, async () => {
      const series = byModality(modality);
      const { volume } = await loadSeries(series);
      const ref = await readNifti(path.join(root, folder, 'nifti', 'image', 'image.nii.gz'));
      expect(ref.size).toEqual(volume.size);
      for (let n = 0; n < 12; n++) expect(volume.affine[n]).toBeCloseTo(ref.affine[n], 3);
      const r = compareInWorld(volume, ref);
      expect(r.offGrid).toBe(0);
      expect(r.compared).toBe(volume.data.length);
      if (modality === 'CT') {
        // MIRP clips CT at −1000 HU; above that the values are identical.
        const unclipped = r.diffs.filter((_, n) => volume.data[n] > -1000);
        expect(unclipped.reduce((a, b) => Math.max(a, b), 0)).toBe(0);
        expect(unclipped.length).toBeGreaterThan(volume.data.length / 2);
      } else {
        expect(r.maxDiff).toBeLessThanOrEqual(tolerance);
      }
    });
  }
});

describe('rt-utils oriented_data (oblique CT)', async () => {
  const scan = await scanPaths([sharedData('rtstruct', 'rt-utils', 'oriented_data')]);

  it('is one oblique 3-slice stack whose k axis is the slice normal', async () => {
    const [s] = allSeries(scan);
    expect(allSeries(scan)).toHaveLength(1);
    expect(s.size).toEqual([100, 50, 3]);
    expect(s.spacing[0]).toBeCloseTo(2.5, 6);
    expect(s.spacing[1]).toBeCloseTo(3.5, 6);
    expect(s.spacing[2]).toBeCloseTo(4.5, 2);
    expect(s.direction[0]).toBeCloseTo(0.9541666, 6); // row direction x
    expect(s.direction[3]).toBeCloseTo(-0.2080757, 6);
    expect(s.origin).toEqual([123, -432, 30]);
    const { volume } = await loadSeries(s);
    // The last slice's origin lands exactly on its file's Image Position (Patient).
    const p = transformPoint(volume.affine, [0, 0, 2]);
    expect(p[0]).toBeCloseTo(122.0159697, 3);
    expect(p[1]).toBeCloseTo(-428.1596334, 3);
    expect(p[2]).toBeCloseTo(38.0798058, 3);
  });
});
