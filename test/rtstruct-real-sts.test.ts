/**
 * Import of real structure sets: our reader + rasteriser against two independent rasterisations
 * of the same contours — MIRP's NIfTI masks shipped beside real-sts-002 and plastimatch — and
 * the `delineo convert --rtstruct` command end to end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../electron/pipeline/dicom/index.ts';
import { gridOfSeries, rasteriseStructureSet, readRtstruct, resolveSeries, type ImageGrid } from '../electron/pipeline/rtstruct/index.ts';
import { identity4 } from '../electron/pipeline/volume/geometry.ts';
import { readNifti } from '../electron/pipeline/volume/nifti.ts';
import { resampleToGrid } from '../electron/pipeline/volume/resample.ts';
import { REPO_ROOT, sharedData } from './paths.ts';

// Everything this file writes goes under one temporary folder, removed at the end.
const TMP = mkdtempSync(path.join(os.tmpdir(), 'delineo-rs-tests-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const STS = (...p: string[]) => sharedData('real-sts-002', ...p);
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let both = 0, na = 0, nb = 0;
  for (let v = 0; v < a.length; v++) { const x = a[v] !== 0, y = b[v] !== 0; if (x) na++; if (y) nb++; if (x && y) both++; }
  return (2 * both) / (na + nb);
}

/** A NIfTI mask brought onto `grid` through world coordinates (nearest neighbour). */
async function onGrid(file: string, grid: ImageGrid): Promise<ArrayLike<number>> {
  return resampleToGrid(await readNifti(file), grid, identity4(), { interpolation: 'nearest' }).data;
}

async function ourMask(imageDir: string, rs: string) {
  const set = await readRtstruct(rs);
  const { series } = resolveSeries(set, (await scanPaths([imageDir])).studies.flatMap((s) => s.series));
  const grid = gridOfSeries(series);
  return { set, grid, result: rasteriseStructureSet(set, grid) };
}

function plastimatch(rs: string, imageDir: string): string {
  const out = mkdtempSync(path.join(TMP, 'delineo-rs-plm-'));
  execFileSync('plastimatch', ['convert', '--xor-contours', '--input', rs, '--referenced-ct', imageDir, '--output-prefix', out, '--prefix-format', 'nii.gz'], { stdio: 'pipe' });
  return out;
}

describe.each(['CT', 'PET', 'MR_T1'])('real-sts-002 %s structure set (MIM)', (modality) => {
  const imageDir = STS(modality, 'dicom', 'image');
  const rs = STS(modality, 'dicom', 'mask', 'RS.dcm');

  it('rasterises onto its series with Dice ≥ 0.97 against the NIfTI mask beside it (world space)', async () => {
    const { set, grid, result } = await ourMask(imageDir, rs);
    expect(result.labels.map((l) => l.name)).toEqual([`GTV_Mass_${modality}`]);
    const d = dice(result.mask.data, await onGrid(STS(modality, 'nifti', 'mask', 'mask.nii.gz'), grid));
    if (process.env.DELINEO_PRINT_DICE) process.stderr.write(`${modality}: ours vs MIRP NIfTI Dice ${d.toFixed(4)}\n`);
    expect(d).toBeGreaterThanOrEqual(0.97);
    // MIRP re-exported the images under new UIDs: the file names the original series.
    expect(set.referencedSeriesUIDs).not.toContain(grid.seriesInstanceUID);
    expect(result.warnings).toEqual([expect.stringMatching(/image references not checked .* placed by position$/)]);
  });

  it.skipIf(!has('plastimatch'))('agrees with plastimatch on the same grid: Dice ≥ 0.97', async () => {
    const { grid, result } = await ourMask(imageDir, rs);
    const out = plastimatch(rs, imageDir);
    const d = dice(result.mask.data, await onGrid(path.join(out, `GTV_Mass_${modality}.nii.gz`), grid));
    if (process.env.DELINEO_PRINT_DICE) process.stderr.write(`${modality}: ours vs plastimatch Dice ${d.toFixed(4)}\n`);
    expect(d).toBeGreaterThanOrEqual(0.97);
  });
});

describe('rt-utils fixture', () => {
  it.skipIf(!has('plastimatch'))('rasterises like plastimatch on its two CT slices', async () => {
    const dir = sharedData('rtstruct', 'rt-utils', 'mock_data');
    const { grid, result } = await ourMask(dir, path.join(dir, 'rt.dcm'));
    // plastimatch wants a folder of images only.
    const images = mkdtempSync(path.join(TMP, 'delineo-rs-ct-'));
    for (const f of ['ct_1.dcm', 'ct_2.dcm']) execFileSync('ln', ['-s', path.join(dir, f), path.join(images, f)]);
    const out = plastimatch(path.join(dir, 'rt.dcm'), images);
    if (process.env.DELINEO_PRINT_DICE) process.stderr.write(`rt-utils rt.dcm: ours vs plastimatch Dice ${dice(result.mask.data, await onGrid(path.join(out, 'ROI-1.nii.gz'), grid)).toFixed(4)}\n`);
    expect(dice(result.mask.data, await onGrid(path.join(out, 'ROI-1.nii.gz'), grid))).toBeGreaterThanOrEqual(0.97);
  });
});

describe('delineo convert --rtstruct', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'delineo.mjs'), 'convert', ...args], { encoding: 'utf8' });

  it('writes the binary mask of a named ROI and reports it in --json', async () => {
    const out = path.join(mkdtempSync(path.join(TMP, 'delineo-convert-')), 'gtv.nii.gz');
    const run = cli(STS('CT', 'dicom', 'image'), '--rtstruct', STS('CT', 'dicom', 'mask', 'RS.dcm'), '--roi', 'GTV_Mass_CT', '--out', out, '--json');
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.binary).toBe(true);
    expect(json.labels).toEqual([{ label: 1, roiNumber: 1, name: 'GTV_Mass_CT', voxels: expect.any(Number), volumeMl: expect.any(Number) }]);
    expect(run.stderr).toMatch(/mask: "GTV_Mass_CT" \(ROI 1, \d+ voxels, [\d.]+ ml\)/);
    const mask = await readNifti(out);
    expect(mask.size).toEqual([161, 143, 48]);
    const ref = await readNifti(STS('CT', 'nifti', 'mask', 'mask.nii.gz'));
    expect(dice(mask.data, ref.data)).toBeGreaterThanOrEqual(0.97);
    expect(json.labels[0].voxels).toBe(Array.from(mask.data).filter((v) => v === 1).length);
    // A second run never overwrites the file it wrote.
    const again = cli(STS('CT', 'dicom', 'image'), '--rtstruct', STS('CT', 'dicom', 'mask', 'RS.dcm'), '--out', out);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${out}: already exists; not overwritten`);
  });

  it('writes all ROIs as labels 1..n and prints the label map', () => {
    const dir = sharedData('rtstruct', 'rt-utils', 'mock_data');
    const out = path.join(mkdtempSync(path.join(TMP, 'delineo-convert-')), 'labels.nii.gz');
    const run = cli(path.join(dir, 'ct_1.dcm'), path.join(dir, 'ct_2.dcm'), '--rtstruct', path.join(dir, 'rt.dcm'), '--out', out, '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('label 1: "ROI-1" (ROI 1, 1443 voxels');
    expect(JSON.parse(run.stdout).labels.map((l: { label: number; name: string }) => [l.label, l.name])).toEqual([[1, 'ROI-1']]);
  });

  it('fails in one line for an unknown ROI (listing the names), missing images and broken references', () => {
    const out = path.join(mkdtempSync(path.join(TMP, 'delineo-convert-')), 'x.nii.gz');
    const rs = STS('CT', 'dicom', 'mask', 'RS.dcm');
    const unknown = cli(STS('CT', 'dicom', 'image'), '--rtstruct', rs, '--roi', 'Tumour', '--out', out);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n').pop()).toBe(`delineo convert: ${rs}: no ROI named 'Tumour'; available: 'GTV_Mass_CT'`);
    const empty = sharedData('rtstruct', 'rt-utils', 'empty', 'dummy_rt.dcm');
    const missing = cli('--rtstruct', empty, '--out', out);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n').pop()).toMatch(/^delineo convert: .*dummy_rt\.dcm: the images it references \(series .*\) are not among the scanned files; no image series found$/);
    const broken = sharedData('rtstruct', 'rt-utils', 'mock_data', 'invalid_reference_rt.dcm');
    const run = cli(sharedData('rtstruct', 'rt-utils', 'mock_data'), '--rtstruct', broken, '--out', out);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').pop()).toMatch(/invalid_reference_rt\.dcm: ROI 'ROI-1' contour 1 references image .*995\.90, which is not in series .* \(2 images\)$/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
