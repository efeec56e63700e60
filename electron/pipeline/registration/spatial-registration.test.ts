import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identity4, invert4, multiply4, transformPoint } from '../volume/geometry.ts';
import { readSpatialRegistration, registrationBetween } from './spatial-registration.ts';
import { writeRegFile } from './reg-file.testing.ts';
import { rigidMotion } from './testing.ts';

const CT_FOR = '1.2.826.0.1.3680043.9.7.10';
const MR_FOR = '1.2.826.0.1.3680043.9.7.20';
const PET_FOR = '1.2.826.0.1.3680043.9.7.30';

describe('DICOM Spatial Registration objects', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'delineo-reg-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const mrToCt = rigidMotion([3, -5, 8], [12.5, -7.25, 20], [0, 0, 0]);

  it('reads the matrix into the registered frame and links moving → fixed', async () => {
    const file = path.join(dir, 'reg.dcm');
    await writeRegFile(file, CT_FOR, [{ frameOfReferenceUID: CT_FOR, matrices: [identity4()] }, { frameOfReferenceUID: MR_FOR, matrices: [mrToCt] }]);
    const reg = await readSpatialRegistration(file);
    expect(reg.frameOfReferenceUID).toBe(CT_FOR);
    expect(reg.label).toBe('MR_TO_CT');
    expect(reg.entries.map((e) => e.frameOfReferenceUID)).toEqual([CT_FOR, MR_FOR]);
    const m = registrationBetween(reg, MR_FOR, CT_FOR)!;
    // A point in MR coordinates lands where the known motion puts it in CT coordinates.
    const p = [40, -30, 15];
    expect(transformPoint(m, p).map((v, r) => v - transformPoint(mrToCt, p)[r]).every((d) => Math.abs(d) < 1e-6)).toBe(true);
    // And the other way round is the inverse.
    const back = registrationBetween(reg, CT_FOR, MR_FOR)!;
    const I = multiply4(back, m);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(I[r * 4 + c]).toBeCloseTo(r === c ? 1 : 0, 6);
    expect(registrationBetween(reg, PET_FOR, CT_FOR)).toBeNull();
  });

  it('links two secondary frames through the registered frame, and applies matrix items in order', async () => {
    const file = path.join(dir, 'reg-chain.dcm');
    const a = rigidMotion([0, 0, 10], [5, 0, 0], [0, 0, 0]);
    const b = rigidMotion([4, 0, 0], [0, -3, 2], [0, 0, 0]);
    const petToReg = rigidMotion([0, 2, 0], [1, 1, 1], [0, 0, 0]);
    // Registered frame is a third one; MR goes through a then b.
    await writeRegFile(file, '1.2.826.0.1.3680043.9.7.99', [{ frameOfReferenceUID: MR_FOR, matrices: [a, b] }, { frameOfReferenceUID: PET_FOR, matrices: [petToReg] }]);
    const reg = await readSpatialRegistration(file);
    const m = registrationBetween(reg, MR_FOR, PET_FOR)!;
    const expected = multiply4(invert4(petToReg), multiply4(b, a));
    for (let e = 0; e < 16; e++) expect(m[e]).toBeCloseTo(expected[e], 6);
  });

  it('refuses non-rigid matrix types, non-rigid matrices and other objects with one line naming the file', async () => {
    const affine = path.join(dir, 'affine.dcm');
    await writeRegFile(affine, CT_FOR, [{ frameOfReferenceUID: MR_FOR, matrices: [mrToCt], type: 'AFFINE' }]);
    await expect(readSpatialRegistration(affine)).rejects.toThrow(`${affine}: matrix type AFFINE for ${MR_FOR} is not supported (RIGID only)`);

    const scaled = Float64Array.from(mrToCt);
    scaled[0] *= 1.2; scaled[5] *= 1.2;
    const sheared = path.join(dir, 'scaled.dcm');
    await writeRegFile(sheared, CT_FOR, [{ frameOfReferenceUID: MR_FOR, matrices: [scaled] }]);
    await expect(readSpatialRegistration(sheared)).rejects.toThrow(/scaled\.dcm: matrix for .* is labelled RIGID but is not a rotation plus translation/);

    const deformable = path.join(dir, 'deformable.dcm');
    await writeRegFile(deformable, CT_FOR, [{ frameOfReferenceUID: MR_FOR, matrices: [mrToCt] }], '1.2.840.10008.5.1.4.1.1.66.3');
    await expect(readSpatialRegistration(deformable)).rejects.toThrow('deformable spatial registration is not supported');

    const ct = path.join(dir, 'ct.dcm');
    await writeRegFile(ct, CT_FOR, [{ frameOfReferenceUID: MR_FOR, matrices: [mrToCt] }], '1.2.840.10008.5.1.4.1.1.2');
    await expect(readSpatialRegistration(ct)).rejects.toThrow(`${ct}: not a Spatial Registration object (SOP Class 1.2.840.10008.5.1.4.1.1.2)`);

    const junk = path.join(dir, 'junk.dcm');
    await writeFile(junk, 'not dicom at all');
    await expect(readSpatialRegistration(junk)).rejects.toThrow(/junk\.dcm: not a readable registration object \(not a DICOM file/);
    await expect(readSpatialRegistration(path.join(dir, 'missing.dcm'))).rejects.toThrow(/missing\.dcm: not a readable registration object \(.*(ENOENT|no such file)/i);
  });
});
