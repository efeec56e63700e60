/**
 * A whole structure set (or one ROI of it) as one mask on an image grid.
 */
import { PipelineError } from '../errors.ts';
import { throwIfAborted, type StageContext } from '../stage.ts';
import type { MaskVolume } from '../volume/volume.ts';
import { findRoi, rasteriseRoi } from './rasterise.ts';
import type { ImageGrid, Roi, StructureSet } from './types.ts';

/** Label value → ROI, in label order. */
export interface LabelEntry {
  readonly label: number;
  readonly roiNumber: number;
  readonly name: string;
  readonly voxels: number;
}

export interface LabelMap {
  /** Binary (one ROI) or labels 1..n (all ROIs, in ROI Number order). */
  readonly mask: MaskVolume;
  readonly labels: readonly LabelEntry[];
  readonly warnings: readonly string[];
}

/**
 * Rasterise one named ROI as a binary mask, or every ROI as labels 1..n.
 *
 * Where ROIs overlap, the later ROI's label wins (a label map holds one value per voxel);
 * the overlap is reported.
 *
 * Reports 'rasterise' progress per ROI and honours ctx.signal between ROIs.
 *
 * @throws PipelineError RTSTRUCT_UNKNOWN_ROI (listing the names there are), the errors of
 *   {@link rasteriseRoi}, RTSTRUCT_TOO_MANY_ROIS beyond 255 ROIs.
 */
export function rasteriseStructureSet(set: StructureSet, grid: ImageGrid, roiName?: string, ctx: StageContext = {}): LabelMap {
  const rois: readonly Roi[] = roiName === undefined ? set.rois : [findRoi(set, roiName)];
  if (rois.length > 255) throw new PipelineError('RTSTRUCT_TOO_MANY_ROIS', `${rois.length} ROIs do not fit an 8-bit label map; choose one with --roi`, set.path);
  const warnings: string[] = [];
  const labels: LabelEntry[] = [];
  let mask: MaskVolume | undefined;
  let overlap = 0;
  for (const [n, roi] of rois.entries()) {
    throwIfAborted(ctx);
    const before = mask ? Uint8Array.from(mask.data) : null;
    const result = rasteriseRoi(set, roi, grid, n + 1, mask);
    mask = result.mask;
    warnings.push(...result.warnings);
    if (before) for (let v = 0; v < before.length; v++) if (before[v] !== 0 && mask.data[v] === n + 1) overlap++;
    if (roi.contours.length === 0) warnings.push(`ROI '${roi.name}' has no contours`);
    ctx.onProgress?.({ stage: 'rasterise', done: n + 1, total: rois.length, message: roi.name });
  }
  // Voxel counts of the final map (after later ROIs took overlapping voxels).
  const counts = new Uint32Array(rois.length + 1);
  if (mask) for (const v of mask.data) counts[v]++;
  for (const [n, roi] of rois.entries()) labels.push({ label: n + 1, roiNumber: roi.number, name: roi.name, voxels: counts[n + 1] });
  if (!mask) throw new PipelineError('RTSTRUCT_EMPTY', 'holds no ROIs', set.path);
  if (overlap > 0) warnings.push(`${overlap} voxels belong to more than one ROI; the later ROI's label was kept`);
  return { mask, labels, warnings };
}
