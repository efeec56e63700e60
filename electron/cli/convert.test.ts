/** `delineo convert --series` as a user runs it, checked against nibabel and the source geometry. */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../../test/paths.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'delineo-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function delineo(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'delineo.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PET_UID = '1.3.6.1.4.1.14519.5.2.1.5168.1900.475429996794833172294137667411';

describe('delineo convert --series', () => {
  it('writes the PET as SUVbw NIfTI whose geometry and values nibabel reads like MIRP\'s file', () => {
    const out = path.join(tmp, 'pet.nii.gz');
    const r = delineo('convert', sharedData('real-sts-002'), '--series', PET_UID, '--out', out);
    expect(r.stderr).toContain(`wrote ${out} (30×27×48, SUVbw)`);
    expect(r.code).toBe(0);
    const py = execFileSync(path.join(REPO_ROOT, 'native-models', '.venv', 'bin', 'python'), ['-c', `
import nibabel as nib, numpy as np, json
a = nib.load(${JSON.stringify(out)}); b = nib.load(${JSON.stringify(sharedData('real-sts-002', 'PET', 'nifti', 'image', 'image.nii.gz'))})
print(json.dumps({"affine": float(np.abs(a.affine - b.affine).max()), "qform": float(np.abs(a.get_qform() - a.affine).max()), "values": float(np.abs(a.get_fdata() - b.get_fdata()).max()), "max": float(a.get_fdata().max())}))
`]).toString();
    const d = JSON.parse(py) as { affine: number; qform: number; values: number; max: number };
    expect(d.affine).toBeLessThan(1e-3);
    expect(d.qform).toBeLessThan(1e-4);
    expect(d.values).toBeLessThan(1e-3);
    expect(d.max).toBeCloseTo(21.676, 2); // SUVmax of the tumour, no factor applied twice
  });

  it('refuses to overwrite, names an unknown series, and needs --out', () => {
    const out = path.join(tmp, 'twice.nii');
    expect(delineo('convert', sharedData('real-sts-002', 'PET'), '--series', PET_UID, '--out', out).code).toBe(0);
    const again = delineo('convert', sharedData('real-sts-002', 'PET'), '--series', PET_UID, '--out', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${out}: already exists; not overwritten`);
    const unknown = delineo('convert', sharedData('real-sts-002', 'PET'), '--series', '1.2.3', '--out', path.join(tmp, 'x.nii'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/series 1\.2\.3 not found; found: 1\.3\.6\.1\.4\.1\.14519\.5\.2\.1\.5168\.1900\.475429996794833172294137667411 \(PT\)/);
    const noOut = delineo('convert', sharedData('real-sts-002', 'PET'), '--series', PET_UID);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out is required/);
  });
});
