/**
 * `delineo convert <paths…> --rtstruct <RS.dcm> [--roi <name>] --out <mask.nii.gz> [--json]` —
 * rasterise a structure set onto the grid of the image series it was drawn on: one ROI as a
 * binary mask, or every ROI as labels 1..n (the label map goes to stderr and --json).
 */
import path from 'node:path';
import { scanPaths } from '../pipeline/dicom/index.ts';
import type { SeriesInfo } from '../pipeline/dicom/types.ts';
import { gridOfSeries, rasteriseStructureSet, readRtstruct, resolveSeries } from '../pipeline/rtstruct/index.ts';
import { spacingOf } from '../pipeline/volume/geometry.ts';
import { writeNifti } from '../pipeline/volume/nifti.ts';
import { EXIT, interruptSignal, printJson, stderrProgress, UsageError } from './io.ts';

/** What `convert --rtstruct` was asked to do. */
export interface ConvertRtstructOptions {
  readonly paths: readonly string[];
  readonly rtstruct: string;
  readonly roi: string | undefined;
  readonly out: string;
  readonly json: boolean;
}

/** Runs `convert --rtstruct`; returns the exit code (errors are thrown as PipelineError/UsageError). */
export async function convertRtstruct(options: ConvertRtstructOptions): Promise<number> {
  if (!/\.nii(\.gz)?$/.test(options.out)) throw new UsageError('--out must end in .nii or .nii.gz');
  const ctx = { signal: interruptSignal(), onProgress: stderrProgress() };
  const set = await readRtstruct(options.rtstruct);
  // The structure set's own folder is scanned too when no paths are given: that is where a
  // planning system usually puts it, beside the images.
  const paths = options.paths.length ? [...options.paths] : [path.dirname(options.rtstruct)];
  const scanned = await scanPaths(paths, ctx);
  const candidates: SeriesInfo[] = scanned.studies.flatMap((s) => s.series);
  const { series, warning } = resolveSeries(set, candidates);
  const grid = gridOfSeries(series);
  const result = rasteriseStructureSet(set, grid, options.roi, ctx);
  await writeNifti(result.mask, options.out);

  const warnings = [...(warning ? [`${options.rtstruct}: ${warning}`] : []), ...result.warnings];
  for (const w of warnings) process.stderr.write(`delineo convert: ${w}\n`);
  const [sx, sy, sz] = spacingOf(grid.affine);
  const ml = (voxels: number) => Math.round(voxels * sx * sy * sz) / 1000;
  const binary = options.roi !== undefined;
  for (const l of result.labels) {
    process.stderr.write(`${binary ? 'mask' : `label ${l.label}`}: ${JSON.stringify(l.name)} (ROI ${l.roiNumber}, ${l.voxels} voxels, ${ml(l.voxels).toFixed(2)} ml)\n`);
  }
  process.stderr.write(`wrote ${options.out} (${grid.size.join('×')}, ${series.modality} series ${series.seriesInstanceUID})\n`);
  if (options.json) {
    printJson({
      out: options.out,
      rtstruct: options.rtstruct,
      seriesInstanceUID: series.seriesInstanceUID,
      modality: series.modality,
      size: [...grid.size],
      binary,
      labels: result.labels.map((l) => ({ label: l.label, roiNumber: l.roiNumber, name: l.name, voxels: l.voxels, volumeMl: ml(l.voxels) })),
      warnings,
    });
  }
  return EXIT.ok;
}
