/**
 * Bringing an expert RT Structure Set onto the planning CT grid. An RTSTRUCT drawn on the PET
 * or MR references that series' images, so each ROI is rasterised on the grid of the series it
 * references and then carried onto the planning grid by nearest-neighbour resampling (same
 * frame of reference; otherwise the ROI is skipped with a warning).
 */
import { readRtstruct, rasteriseRoi, gridOfSeries } from '../pipeline/rtstruct/index.ts';
import type { StudyInfo } from '../pipeline/dicom/types.ts';
import { PipelineError } from '../pipeline/errors.ts';
import { throwIfAborted, type StageContext } from '../pipeline/stage.ts';
import { resampleToGrid } from '../pipeline/volume/resample.ts';
import type { ImageVolume, MaskVolume } from '../pipeline/volume/volume.ts';
import type { PipelineStructure } from './pipeline-adapter.ts';
import { planningSeries } from './study-registry.ts';

/** Distinct colours for imported ROIs that carry none. */
const PALETTE: readonly (readonly [number, number, number])[] = [[0, 200, 255], [255, 200, 0], [0, 255, 120], [255, 0, 200], [160, 120, 255]];

/** Read `file` and rasterise every closed-planar ROI onto `planning`'s grid. */
export async function importStructureSet(
  file: string, study: StudyInfo, planning: ImageVolume, ctx: StageContext = {},
): Promise<{ structures: PipelineStructure[]; warnings: string[] }> {
  const set = await readRtstruct(file);
  const series = study.series.find((s) => set.referencedSeriesUIDs.includes(s.seriesInstanceUID))
    ?? study.series.find((s) => s.frameOfReferenceUID === set.frameOfReferenceUID && s.seriesInstanceUID === planning.seriesInstanceUID)
    ?? planningSeries(study);
  if (!series) throw new PipelineError('RTSTRUCT_NO_IMAGES', 'the study holds no images this structure set can be placed on', file);
  const grid = gridOfSeries(series);
  const structures: PipelineStructure[] = [];
  const warnings: string[] = [];
  for (const [n, roi] of set.rois.entries()) {
    throwIfAborted(ctx);
    ctx.onProgress?.({ stage: 'import', done: n, total: set.rois.length, message: roi.name });
    const frame = roi.frameOfReferenceUID || set.frameOfReferenceUID || series.frameOfReferenceUID;
    if (frame !== planning.frameOfReferenceUID) {
      warnings.push(`ROI '${roi.name}' is in another frame of reference than the planning CT; not imported`);
      continue;
    }
    const r = rasteriseRoi(set, roi, grid);
    warnings.push(...r.warnings);
    const onPlanning = series.seriesInstanceUID === planning.seriesInstanceUID
      ? r.mask
      : (resampleToGrid(r.mask, planning, undefined, { interpolation: 'nearest', padValue: 0 }) as MaskVolume);
    structures.push({
      name: roi.name,
      color: roi.color ?? PALETTE[n % PALETTE.length],
      interpretedType: roi.interpretedType || 'GTV',
      mask: { ...onPlanning, modality: 'SEG', units: 'label' },
    });
  }
  ctx.onProgress?.({ stage: 'import', done: set.rois.length, total: set.rois.length });
  return { structures, warnings };
}
