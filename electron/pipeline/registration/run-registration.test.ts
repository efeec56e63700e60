import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affineFrom, invert4, transformPoint } from '../volume/geometry.ts';
import { resampleToGrid } from '../volume/resample.ts';
import type { Volume } from '../volume/volume.ts';
import type { StageProgress } from '../stage.ts';
import { writeRegFile } from './reg-file.testing.ts';
import { matrixFromRows, runRegistration } from './run-registration.ts';
import { blur, chestPhantom, mrLikeValue, petLikeValue, rigidMotion, secondaryOf, targetRegistrationError } from './testing.ts';

const ct = chestPhantom();
const AXES = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
/** An MR-like secondary: 2.4 × 2.4 × 6 mm, its own frame, moved by 6°/−4°/8° and (12, −15, 9) mm. */
const truth = rigidMotion([6, -4, 8], [12, -15, 9], [0, 0, 0]);
const mrGrid = { size: [150, 130, 28] as [number, number, number], affine: affineFrom([-170, -130, -90], AXES, [2.4, 2.4, 6]) };
const mr = { ...secondaryOf(ct, mrGrid, truth, mrLikeValue, 0.03, 'MR'), frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.20' };

describe('runRegistration', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'delineo-runreg-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('recovers a known rigid motion of an MR-like copy (rigid MI in a worker, with progress)', async () => {
    const progress: StageProgress[] = [];
    const r = await runRegistration({ fixed: ct, moving: mr }, { onProgress: (p) => progress.push(p) });
    expect(r.method).toBe('rigid-mi');
    const tre = targetRegistrationError(ct, matrixFromRows(r.matrix), truth);
    expect(tre.mean).toBeLessThan(0.5);
    expect(tre.max).toBeLessThan(1);
    expect(r.quality.ok).toBe(true);
    expect(r.quality.residualMm).toBeLessThan(1);
    expect(r.metric).toBeGreaterThan(0.5);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.every((p) => p.stage === 'register' && p.done <= p.total)).toBe(true);
    expect(progress.some((p) => /level 4\/4/.test(p.message ?? ''))).toBe(true);
  });

  it('recovers a known motion of a blurred, noisy PET-like copy at 4 mm', async () => {
    const petTruth = rigidMotion([-5, 3, -7], [-18, 10, -12], [20, 10, 0]);
    const grid = { size: [90, 75, 22] as [number, number, number], affine: affineFrom([-178, -148, -100], AXES, [4, 4, 8]) };
    const pet = { ...blur(secondaryOf(ct, grid, petTruth, petLikeValue, 0.05, 'PT', 5), [1, 1, 0.6]), frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.30' };
    const r = await runRegistration({ fixed: ct, moving: pet });
    const tre = targetRegistrationError(ct, matrixFromRows(r.matrix), petTruth);
    expect(tre.mean).toBeLessThan(1);
    expect(tre.max).toBeLessThan(2);
    expect(r.quality.ok).toBe(true);
  });

  it('handles an oblique moving grid whose slices run head → feet (left-handed index axes)', async () => {
    const c = Math.cos(0.35), s = Math.sin(0.35);
    // Axes rotated 20° about z, the slice axis reversed: det of the direction matrix is −1.
    const axes = [[c, s, 0], [-s, c, 0], [0, 0, -1]];
    const grid = { size: [150, 130, 28] as [number, number, number], affine: affineFrom([-150, -150, 75], axes, [2.4, 2.4, 6]) };
    const oblique = { ...secondaryOf(ct, grid, truth, mrLikeValue, 0.03, 'MR'), frameOfReferenceUID: '1.2.826.0.1.3680043.9.7.22' };
    const r = await runRegistration({ fixed: ct, moving: oblique });
    const tre = targetRegistrationError(ct, matrixFromRows(r.matrix), truth);
    expect(tre.mean).toBeLessThan(0.5);
    expect(tre.max).toBeLessThan(1);
  });

  it('uses identity within one frame of reference, and the result resamples exactly onto hand-computed positions', async () => {
    // A PET-like series on a grid whose voxel centres coincide with every other CT voxel centre
    // in-plane and every slice in z: CT (2i, 2j, k) ≡ PET (i−1, j−2, k−1).
    const fixed: Volume<Float32Array> = { ...ct, data: Float32Array.from(ct.data), affine: affineFrom([-179, -143, -100], AXES, [1.8, 1.8, 5]) };
    const petAffine = affineFrom([-179 + 2 * 1.8, -143 + 4 * 1.8, -100 + 5], AXES, [3.6, 3.6, 5]);
    const petData = Float32Array.from({ length: 60 * 50 * 30 }, (_, n) => (n * 7919) % 1000 / 100);
    const pet: Volume<Float32Array> = { data: petData, size: [60, 50, 30], affine: petAffine, frameOfReferenceUID: ct.frameOfReferenceUID, modality: 'PT', units: 'SUVbw', sopInstanceUIDs: new Array(30).fill(''), seriesInstanceUID: '9' };
    const r = await runRegistration({ fixed, moving: pet });
    expect(r.method).toBe('identity-same-FoR');
    expect(r.matrix).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    expect(r.quality.residualMm).not.toBeNull();
    const onCt = resampleToGrid(pet, fixed, matrixFromRows(r.matrix));
    for (const [i, j, k] of [[2, 4, 1], [40, 60, 10], [118, 98, 30]]) {
      const [pi, pj, pk] = [i / 2 - 1, j / 2 - 2, k - 1];
      expect(onCt.data[i + 200 * (j + 160 * k)]).toBe(petData[pi + 60 * (pj + 50 * pk)]);
    }
    // Halfway between two PET centres along x: the mean of the two, by hand.
    const [i, j, k] = [41, 60, 10];
    // x = −179 + 41·1.8 → PET i = 19.5, j = 60/2 − 2 = 28, k = 10 − 1 = 9.
    const a = petData[19 + 60 * (28 + 50 * 9)], b = petData[20 + 60 * (28 + 50 * 9)];
    expect(onCt.data[i + 200 * (j + 160 * k)]).toBeCloseTo((a + b) / 2, 5);
    // Outside the PET field of view (CT x < PET origin): 0 SUV.
    expect(onCt.data[0 + 200 * (60 + 160 * 10)]).toBe(0);
  });

  it('offers and uses a DICOM REG object linking the frames', async () => {
    const file = path.join(dir, 'reg.dcm');
    await writeRegFile(file, ct.frameOfReferenceUID, [{ frameOfReferenceUID: mr.frameOfReferenceUID, matrices: [truth] }]);
    const r = await runRegistration({ fixed: ct, moving: mr, registrations: [{ path: file, sopInstanceUID: '1' }] });
    expect(r.method).toBe('dicom-reg');
    expect(r.registrationObject?.path).toBe(file);
    const m = matrixFromRows(r.matrix);
    for (let e = 0; e < 16; e++) expect(m[e]).toBeCloseTo(truth[e], 6);
    expect(r.warnings.join('\n')).toMatch(/used the spatial registration object .*ask for method rigid-mi/);
    expect(r.quality.ok).toBe(true);
    // The same REG is ignored when optimisation is asked for.
    const junk = path.join(dir, 'junk.dcm');
    await expect(runRegistration({ fixed: ct, moving: mr, method: 'dicom-reg', registrations: [{ path: junk, sopInstanceUID: '2' }] })).rejects.toThrow(/no spatial registration object links frame/);
  });

  it('flags a REG object that does not match the images', async () => {
    const file = path.join(dir, 'wrong.dcm');
    await writeRegFile(file, ct.frameOfReferenceUID, [{ frameOfReferenceUID: mr.frameOfReferenceUID, matrices: [rigidMotion([0, 0, 0], [0, 0, 0], [0, 0, 0])] }]);
    const r = await runRegistration({ fixed: ct, moving: mr, method: 'dicom-reg', registrations: [{ path: file, sopInstanceUID: '1' }] });
    expect(r.method).toBe('dicom-reg');
    expect(r.quality.ok).toBe(false);
    expect(r.quality.reason).toMatch(/the images disagree with this alignment: optimising from it moves the body by up to \d+\.\d mm/);
    expect(r.quality.residualMm).toBeGreaterThan(10);
    const forced = await runRegistration({ fixed: ct, moving: mr, method: 'identity' });
    expect(forced.method).toBe('identity-same-FoR');
    expect(forced.warnings.join()).toMatch(/identity was asked for although the frames of reference differ/);
    expect(forced.quality.ok).toBe(false);
  });

  it('cancels: the worker stops and the promise rejects with the abort reason', async () => {
    const controller = new AbortController();
    const started = performance.now();
    let abortedAt = 0;
    // Abort once the worker is optimising (its first per-level progress message).
    const onProgress = (p: StageProgress) => {
      if (!abortedAt && /level 1/.test(p.message ?? '')) { abortedAt = performance.now(); controller.abort(new DOMException('stop', 'AbortError')); }
    };
    await expect(runRegistration({ fixed: ct, moving: mr }, { signal: controller.signal, onProgress })).rejects.toThrow('stop');
    expect(abortedAt).toBeGreaterThan(started);
    expect(performance.now() - abortedAt).toBeLessThan(100);
  });

  it('flags, without failing, a moving series that holds nothing (a blank MR)', async () => {
    const blank = { ...mr, data: new Float32Array(mr.data.length).fill(7) };
    const r = await runRegistration({ fixed: ct, moving: blank });
    expect(r.method).toBe('rigid-mi');
    expect(r.quality.ok).toBe(false);
    expect(r.quality.reason).toMatch(/low mutual information/);
    expect(r.matrix.flat().every(Number.isFinite)).toBe(true);
  });

  it('refuses a flat volume with one line', async () => {
    const flat = { ...mr, size: [150, 130 * 28, 1] as [number, number, number] };
    await expect(runRegistration({ fixed: ct, moving: flat })).rejects.toThrow('the moving series is 150×3640×1: registration needs a 3-D volume (at least 2 voxels along each axis)');
  });

  it('gives moving→fixed: a moving point lands where the known motion puts it', async () => {
    const r = await runRegistration({ fixed: ct, moving: mr, method: 'rigid-mi' });
    const m = matrixFromRows(r.matrix);
    for (const q of [[0, 0, 0], [80, -40, 30], [-100, 50, -60]]) {
      const got = transformPoint(m, q), want = transformPoint(truth, q);
      expect(Math.hypot(got[0] - want[0], got[1] - want[1], got[2] - want[2])).toBeLessThan(1);
    }
    // Not the inverse: that would be off by twice the motion.
    const inv = transformPoint(invert4(truth), [0, 0, 0]);
    expect(Math.hypot(...transformPoint(m, [0, 0, 0]).map((v, a) => v - inv[a]))).toBeGreaterThan(20);
  });
});
