/**
 * Auto-contouring for the app: the pipeline's `runSegmentStudy` on the study's files, with the
 * app's long-lived inference host, its mask carried onto the app's planning grid, and its
 * expert comparison passed through.
 */
import { runSegmentStudy } from '../pipeline/segment/index.ts';
import type { InferenceHost } from '../pipeline/inference/index.ts';
import type { StageContext } from '../pipeline/stage.ts';
import { resampleToGrid } from '../pipeline/volume/resample.ts';
import type { MaskVolume } from '../pipeline/volume/volume.ts';
import type { PipelineAdapter, PipelineSegmentResult } from './pipeline-adapter.ts';

/** The model's GTV colour: distinct from MIM's red expert contours. */
export const MODEL_COLOR = [0, 220, 255] as const;

/** Run the model on one study. */
export async function segmentStudy(
  input: Parameters<PipelineAdapter['segment']>[0], host: InferenceHost, modelsDir: string | undefined, ctx: StageContext = {},
): Promise<PipelineSegmentResult> {
  const r = await runSegmentStudy({
    paths: input.paths,
    host,
    ...(modelsDir ? { modelsDir } : {}),
    ...(input.modelCard ? { modelCard: input.modelCard } : {}),
    ...(input.device ? { device: input.device } : {}),
  }, ctx);
  const same = r.mask.size.every((n, a) => n === input.planning.size[a]) && r.mask.affine.every((v, n) => Math.abs(v - input.planning.affine[n]) < 1e-4);
  // The model may have planned on another grid (e.g. a different CT stack); carry it over by position.
  const mask = same ? r.mask : (resampleToGrid(r.mask, input.planning, undefined, { interpolation: 'nearest', padValue: 0 }) as MaskVolume);
  const uncertainty = r.uncertainty && !same ? resampleToGrid(r.uncertainty, input.planning, undefined, { interpolation: 'linear', padValue: 0 }) : r.uncertainty;
  return {
    structures: [{ name: r.structures[0]?.name ?? 'GTV_model', color: MODEL_COLOR, interpretedType: 'GTV', mask: { ...mask, modality: 'SEG', units: 'label' } }],
    uncertainty: uncertainty as PipelineSegmentResult['uncertainty'],
    model: { name: r.model.name, version: r.model.version },
    device: r.device,
    warnings: r.warnings,
    comparison: r.comparison.map((c) => ({ structure: c.structure, dice: c.dice, hd95Mm: c.hd95Mm })),
    timings: { ...r.timings },
  };
}
