import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/paths.ts';
import { affineFrom } from './geometry.ts';
import { readNifti, writeNifti } from './nifti.ts';
import type { Volume, VoxelArray } from './volume.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'delineo-nifti-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const PYTHON = path.join(REPO_ROOT, 'native-models', '.venv', 'bin', 'python');

const c = Math.cos(0.3), s = Math.sin(0.3);
/** An oblique, anisotropic grid (rotation about z then x). */
const OBLIQUE = affineFrom([-120.5, 88.25, -40], [[c, s, 0], [-s * 0.8, c * 0.8, 0.6], [s * 0.6, -c * 0.6, 0.8]], [0.9, 1.1, 2.5]);

function volume<T extends VoxelArray>(data: T, size: [number, number, number], affine = OBLIQUE): Volume<T> {
  return { data, size, affine, frameOfReferenceUID: '1.2.3.4', modality: 'CT', units: 'HU', sopInstanceUIDs: new Array(size[2]).fill(''), seriesInstanceUID: '5.6.7' };
}

describe('NIfTI-1 write → read', () => {
  for (const [name, make] of [
    ['float32', (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1000)],
    ['int16', (n: number) => Int16Array.from({ length: n }, (_, i) => (i * 37) % 4000 - 1024)],
    ['uint8', (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 3)],
    ['uint16', (n: number) => Uint16Array.from({ length: n }, (_, i) => (i * 91) % 65535)],
  ] as const) {
    it(`round-trips ${name} data, the oblique affine and the metadata (.nii.gz)`, async () => {
      const v = volume(make(7 * 5 * 3), [7, 5, 3]);
      const file = path.join(tmp, `rt-${name}.nii.gz`);
      await writeNifti(v, file);
      const back = await readNifti(file);
      expect(back.size).toEqual([7, 5, 3]);
      expect(back.data.constructor).toBe(v.data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(v.data));
      expect(back.data.buffer.byteLength).toBe(back.data.byteLength); // no header riding along
      for (let n = 0; n < 16; n++) expect(back.affine[n]).toBeCloseTo(v.affine[n], 4);
      expect([back.modality, back.units, back.frameOfReferenceUID, back.seriesInstanceUID]).toEqual(['CT', 'HU', '1.2.3.4', '5.6.7']);
    });
  }

  it('never overwrites, and leaves no temp file behind', async () => {
    const file = path.join(tmp, 'once.nii');
    await writeNifti(volume(new Float32Array(8), [2, 2, 2]), file);
    await expect(writeNifti(volume(new Float32Array(8), [2, 2, 2]), file)).rejects.toThrow(`${file}: already exists; not overwritten`);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses 4-D, truncated and non-NIfTI files with one line naming the file', async () => {
    const junk = path.join(tmp, 'junk.nii');
    writeFileSync(junk, 'hello');
    await expect(readNifti(junk)).rejects.toThrow(`${junk}: not a NIfTI-1 file`);
    const whole = path.join(tmp, 'whole.nii');
    await writeNifti(volume(new Float32Array(1000), [10, 10, 10]), whole);
    const cut = path.join(tmp, 'cut.nii');
    writeFileSync(cut, (await import('node:fs')).readFileSync(whole).subarray(0, 2000));
    await expect(readNifti(cut)).rejects.toThrow(/cut\.nii: holds \d+ bytes of voxels, 4000 needed for 10×10×10 \(truncated\)/);
  });

  it('is read by nibabel with sform = qform = our affine in RAS (LPS x, y negated)', async () => {
    const file = path.join(tmp, 'nib.nii.gz');
    await writeNifti(volume(Float32Array.from({ length: 24 }, (_, i) => i), [4, 3, 2]), file);
    const out = execFileSync(PYTHON, ['-c', `
import nibabel as nib, numpy as np, json
i = nib.load(${JSON.stringify(file)})
print(json.dumps({"sform": i.header.get_sform().tolist(), "qform": i.header.get_qform().tolist(), "codes": [int(i.header["sform_code"]), int(i.header["qform_code"])], "v": float(i.get_fdata()[3, 2, 1]), "shape": list(i.shape)}))
`]).toString();
    const r = JSON.parse(out) as { sform: number[][]; qform: number[][]; codes: number[]; v: number; shape: number[] };
    expect(r.codes).toEqual([1, 1]);
    expect(r.shape).toEqual([4, 3, 2]);
    expect(r.v).toBe(3 + 4 * (2 + 3 * 1));
    for (let row = 0; row < 3; row++) for (let col = 0; col < 4; col++) {
      const lps = OBLIQUE[row * 4 + col] * (row < 2 ? -1 : 1);
      expect(r.sform[row][col]).toBeCloseTo(lps, 4);
      expect(r.qform[row][col]).toBeCloseTo(lps, 4);
    }
  });

  it('reads a dcm2niix file (int16 + scl_inter) in HU with its affine', { skip: !existsSync('/usr/bin/dcm2niix') }, async () => {
    const out = path.join(tmp, 'd2n');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('dcm2niix', ['-s', 'y', '-z', 'y', '-b', 'n', '-o', out, '-f', 'ct', path.join(REPO_ROOT, '..', 'shared', 'data', 'malformed', 'CT_small.dcm')], { stdio: 'ignore' });
    const v = await readNifti(path.join(out, 'ct.nii.gz'));
    expect(v.size).toEqual([128, 128, 1]);
    expect(v.data).toBeInstanceOf(Float32Array);
    let min = Infinity, max = -Infinity;
    for (const x of v.data) { min = Math.min(min, x); max = Math.max(max, x); }
    expect([min, max]).toEqual([-896, 1167]); // pydicom's HU range for CT_small
    // dcm2niix flips rows to its own order; the affine must still put voxels where DICOM says.
    const first = [v.affine[3], v.affine[7], v.affine[11]];
    const corners = [0, 127].flatMap((i) => [0, 127].map((j) => [0, 1, 2].map((r) => v.affine[r * 4] * i + v.affine[r * 4 + 1] * j + first[r])));
    const dicomOrigin = [-158.135803, -179.035797, -75.699997];
    expect(corners.some((p) => p.every((x, r) => Math.abs(x - dicomOrigin[r]) < 1e-3))).toBe(true);
  });
});
