/**
 * What `segment --out <dir>` leaves behind: the RTSTRUCT for the planning system, the mask and
 * the uncertainty map as NIfTI on the planning grid, and report.json. Every file is written
 * atomically and none is ever overwritten.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from '../errors.ts';
import type { LoadedModelCard } from '../inference/index.ts';
import { writeRtstruct } from '../rtstruct/index.ts';
import type { StageContext } from '../stage.ts';
import { writeNifti, type MaskVolume, type Volume } from '../volume/index.ts';
import type { ScannedStudy, SelectedInput } from './select-inputs.ts';
import { createFileAtomic } from '../atomic-file.ts';
import type { ExpertComparison, SegmentedStructure, SegmentOutputs, SegmentStudyResult, SegmentTimings } from './types.ts';

const FIXED_NAMES = ['mask.nii.gz', 'uncertainty.nii.gz', 'report.json'];

/** Refuse up front (before minutes of work) when the fixed output names are taken. */
export async function checkOutputsFree(outDir: string): Promise<void> {
  for (const name of FIXED_NAMES) {
    const file = path.resolve(outDir, name);
    const taken = await access(file).then(() => true, () => false);
    if (taken) throw new PipelineError('FILE_EXISTS', 'already exists; not overwritten (choose another --out folder)', file);
  }
}

/** The parts of a run the outputs are made of. */
export interface RunSoFar {
  readonly card: LoadedModelCard;
  readonly planning: SelectedInput;
  readonly study: ScannedStudy | null;
  readonly inferred: { readonly mask: MaskVolume; readonly uncertainty: Volume | null };
  readonly structures: readonly SegmentedStructure[];
  readonly comparison: readonly ExpertComparison[];
  readonly device: string;
  readonly registrations: SegmentStudyResult['registrations'];
  readonly warnings: string[];
}

/**
 * Write the outputs. `onContoured` is called once the contours are traced (the RTSTRUCT writer
 * traces them), so the caller can time 'contour' apart from 'export'.
 */
export async function writeOutputs(outDir: string, run: RunSoFar, onContoured: () => void, timings: () => SegmentTimings, ctx: StageContext): Promise<SegmentOutputs> {
  const { card } = run.card;
  let rtstruct: string | null = null;
  const series = run.planning.series;
  if (!run.study || !series) {
    run.warnings.push('no RTSTRUCT written: the planning image is not a DICOM series (RTSTRUCT contours must reference its images)');
    onContoured();
  } else if (run.structures[0].voxels === 0) {
    run.warnings.push('no RTSTRUCT written: the structure is empty');
    onContoured();
  } else {
    let contoured = false;
    const written = await writeRtstruct({
      study: run.study.study,
      series,
      grid: run.planning.volume,
      structures: [{
        name: card.structure.name,
        color: card.structure.color,
        interpretedType: card.structure.interpretedType,
        mask: run.inferred.mask,
        generation: 'AUTOMATIC',
        model: { name: card.name, version: card.version },
      }],
      label: 'Delineo',
    }, outDir, {
      signal: ctx.signal,
      onProgress: (p) => {
        // The writer reports one step per traced structure, then the file.
        if (!contoured && p.done >= p.total - 1) { contoured = true; onContoured(); }
        ctx.onProgress?.(p);
      },
    });
    if (!contoured) onContoured();
    rtstruct = written.path;
  }
  ctx.onProgress?.({ stage: 'export', done: 0, total: 3, message: 'mask.nii.gz' });
  const mask = path.join(outDir, 'mask.nii.gz');
  await writeNifti(run.inferred.mask, mask);
  let uncertainty: string | null = null;
  if (run.inferred.uncertainty) {
    uncertainty = path.join(outDir, 'uncertainty.nii.gz');
    ctx.onProgress?.({ stage: 'export', done: 1, total: 3, message: 'uncertainty.nii.gz' });
    await writeNifti(run.inferred.uncertainty, uncertainty);
  } else {
    run.warnings.push(`no uncertainty.nii.gz: the model '${card.name}' has one output (${card.outputs.map((o) => o.role).join(', ')}), no branch pair to disagree`);
  }
  const report = path.join(outDir, 'report.json');
  const outputs: SegmentOutputs = { rtstruct, mask, uncertainty, report };
  const json = segmentReport({ outputs, model: { name: card.name, version: card.version, card: run.card.cardPath }, device: run.device, timings: timings(), structures: run.structures, comparison: run.comparison, registrations: run.registrations, warnings: run.warnings });
  await createFileAtomic(report, JSON.stringify(json, null, 2) + '\n');
  ctx.onProgress?.({ stage: 'export', done: 3, total: 3, message: 'report.json' });
  return outputs;
}

/**
 * The machine-readable result: issue 5's keys first, in its order
 * (rtstruct, mask, uncertainty, model, device, timings, structures, warnings), then the
 * comparison with expert structures and how each input was registered.
 */
export function segmentReport(r: Pick<SegmentStudyResult, 'outputs' | 'model' | 'device' | 'timings' | 'structures' | 'comparison' | 'registrations' | 'warnings'>) {
  return {
    rtstruct: r.outputs?.rtstruct ?? null,
    mask: r.outputs?.mask ?? null,
    uncertainty: r.outputs?.uncertainty ?? null,
    model: { name: r.model.name, version: r.model.version },
    device: r.device,
    timings: r.timings,
    structures: r.structures.map((s) => ({ name: s.name, volumeMl: s.volumeMl, voxels: s.voxels })),
    warnings: r.warnings,
    comparison: r.comparison.map((c) => ({ structure: c.structure, dice: round4(c.dice), hd95Mm: c.hd95Mm === null ? null : round4(c.hd95Mm), expertVolumeMl: round4(c.expertVolumeMl), file: c.file })),
    registrations: r.registrations,
  };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
