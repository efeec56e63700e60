/**
 * `runSegmentStudy` end to end on the bundled real demo study (demo/sts-002: CT + FDG PET +
 * MR, expert GTVs), with the tiny fixture model so the test does not depend on training.
 * Real ingest, registration, ONNX Runtime worker, RTSTRUCT writer and NIfTI writer.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRtstruct } from '../electron/pipeline/rtstruct/index.ts';
import { runSegmentStudy } from '../electron/pipeline/segment/index.ts';
import type { SegmentStudyResult } from '../electron/pipeline/segment/index.ts';
import { readNifti } from '../electron/pipeline/volume/index.ts';
import type { StageProgress } from '../electron/pipeline/stage.ts';
import { REPO_ROOT, sharedData } from './paths.ts';

const DEMO = path.join(REPO_ROOT, 'demo/sts-002');
const CARD = path.join(REPO_ROOT, 'test/fixtures/models/tiny-pointwise.json');

describe('segment the demo study', () => {
  let out: string;
  let result: SegmentStudyResult;
  const progress: StageProgress[] = [];

  beforeAll(async () => {
    out = path.join(await mkdtemp(path.join(os.tmpdir(), 'segment-')), 'out');
    result = await runSegmentStudy({ paths: [DEMO], modelCard: CARD, device: 'auto', outDir: out }, { onProgress: (p) => progress.push(p) });
  });

  it('writes the four outputs and nothing else', async () => {
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(4);
    expect(files).toEqual(expect.arrayContaining(['mask.nii.gz', 'report.json', 'uncertainty.nii.gz']));
    expect(files.find((f) => /^RS\.[0-9.]+\.dcm$/.test(f))).toBeDefined();
    expect(result.outputs!.rtstruct).toBe(path.join(out, files.find((f) => f.startsWith('RS.'))!));
  });

  it('puts the mask on the planning CT grid, as written to mask.nii.gz', async () => {
    expect(result.planning.modality).toBe('CT');
    expect(result.mask.size).toEqual([161, 143, 48]);
    expect(Array.from(result.mask.affine)).toEqual(Array.from(result.planning.affine));
    const nii = await readNifti(path.join(out, 'mask.nii.gz'));
    expect(nii.size).toEqual([161, 143, 48]);
    for (let i = 0; i < 16; i++) expect(nii.affine[i]).toBeCloseTo(result.planning.affine[i], 4);
    expect(Array.from(nii.data)).toEqual(Array.from(result.mask.data));
    const voxels = result.mask.data.reduce((a, b) => a + b, 0);
    expect(voxels).toBe(result.structures[0].voxels);
    expect(voxels).toBeGreaterThan(1000);
  });

  it('the uncertainty map is |pa − pb| of the fixture heads, on the same grid', async () => {
    const u = await readNifti(path.join(out, 'uncertainty.nii.gz'));
    expect(u.size).toEqual([161, 143, 48]);
    // p_a = σ(z), p_b = σ(z + 2ct − 1) with ct ∈ [0, 1]: the logits differ by at most 1 and σ' ≤ 1/4.
    let max = 0;
    for (const v of u.data) max = Math.max(max, v);
    expect(max).toBeGreaterThan(0.05);
    expect(max).toBeLessThanOrEqual(0.25);
  });

  it('writes an RTSTRUCT our reader and pydicom-compatible tools read, referencing the CT slices', async () => {
    const set = await readRtstruct(result.outputs!.rtstruct!);
    expect(set.rois.map((r) => r.name)).toEqual(['GTV_test']);
    expect(set.rois[0].generation).toBe('AUTOMATIC');
    expect(set.rois[0].contours.length).toBeGreaterThan(10);
    expect(new Set(set.referencedImageUIDs)).toEqual(new Set(result.planning.sopInstanceUIDs));
  });

  it('reports timings by stage, the device used, progress for every stage and the Dice vs each expert GTV', async () => {
    const t = result.timings;
    for (const k of ['load', 'register', 'infer', 'contour', 'export'] as const) expect(t[k]).toBeGreaterThanOrEqual(0);
    expect(t.total).toBeGreaterThanOrEqual(t.load + t.register + t.infer + t.contour + t.export - 0.01);
    expect(result.device).toBe('cpu');
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(['load', 'scan', 'register', 'infer', 'export']));
    expect(result.comparison.map((c) => c.structure).sort()).toEqual(['GTV_Mass_CT', 'GTV_Mass_MR_T1', 'GTV_Mass_PET']);
    for (const c of result.comparison) {
      expect(c.dice).toBeGreaterThan(0.2); // the fixture thresholds SUV ≈ 2.5: overlaps the FDG-avid tumour
      expect(c.dice).toBeLessThan(1);
      expect(c.expertVolumeMl).toBeGreaterThan(20);
    }
    const report = JSON.parse(await readFile(result.outputs!.report, 'utf8'));
    expect(Object.keys(report).slice(0, 8)).toEqual(['rtstruct', 'mask', 'uncertainty', 'model', 'device', 'timings', 'structures', 'warnings']);
    expect(report.model).toEqual({ name: 'tiny-pointwise', version: '0.0.1' });
    expect(report.comparison[0].dice).toBeCloseTo(result.comparison[0].dice, 3);
  });

  it('refuses to overwrite the outputs of an earlier run, before doing any work', async () => {
    const t0 = performance.now();
    await expect(runSegmentStudy({ paths: [DEMO], modelCard: CARD, outDir: out })).rejects.toThrow(/mask\.nii\.gz: already exists; not overwritten/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('is cancelled during inference by the signal, leaving no outputs', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'segment-')), 'out');
    const controller = new AbortController();
    const run = runSegmentStudy({ paths: [DEMO], modelCard: CARD, outDir: dir }, {
      signal: controller.signal,
      onProgress: (p) => { if (p.stage === 'infer' && p.done > 0) controller.abort(new DOMException('cancelled by the user', 'AbortError')); },
    });
    await expect(run).rejects.toThrow('cancelled by the user');
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('takes NIfTI inputs named by modality (no RTSTRUCT then: nothing to reference), same mask', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'segment-')), 'out');
    const r = await runSegmentStudy({
      paths: [],
      inputs: { CT: sharedData('real-sts-002/CT/nifti/image/image.nii.gz'), PET: sharedData('real-sts-002/PET/nifti/image/image.nii.gz') },
      modelCard: CARD,
      outDir: dir,
    });
    expect(r.outputs!.rtstruct).toBeNull();
    expect(r.warnings).toContain('no RTSTRUCT written: the planning image is not a DICOM series (RTSTRUCT contours must reference its images)');
    expect(r.mask.size).toEqual([161, 143, 48]);
    // Same images through another reader: the masks agree to within interpolation round-off.
    let differ = 0;
    for (let v = 0; v < r.mask.data.length; v++) if (r.mask.data[v] !== result.mask.data[v]) differ++;
    expect(differ / result.structures[0].voxels).toBeLessThan(0.01);
  });

  it('takes a secondary named by DICOM folder, and refuses a study without the modality the model needs', async () => {
    const r = await runSegmentStudy({ paths: [path.join(DEMO, 'CT')], inputs: { PET: path.join(DEMO, 'PET/image') }, modelCard: CARD, compareWithExpert: false });
    let differ = 0;
    for (let v = 0; v < r.mask.data.length; v++) if (r.mask.data[v] !== result.mask.data[v]) differ++;
    expect(differ).toBe(0);
    await expect(runSegmentStudy({ paths: [path.join(DEMO, 'CT')], modelCard: CARD })).rejects.toThrow(
      "the model 'tiny-pointwise' needs a PT (FDG) series and the study has none; add one or pass --input FDG=<path>",
    );
  });
});
