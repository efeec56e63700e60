/**
 * Structure set ROIs → masks on the grid of the image series they were drawn on.
 */
import type { SeriesInfo } from '../dicom/types.ts';
import { PipelineError } from '../errors.ts';
import { fillContours } from '../contours/index.ts';
import { affineFrom } from '../volume/geometry.ts';
import type { MaskVolume } from '../volume/volume.ts';
import type { ImageGrid, Roi, StructureSet } from './types.ts';

/** A rasterised ROI with what the user should know about it. */
export interface RasterisedRoi {
  readonly mask: MaskVolume;
  /** One line each: skipped contours, contours outside the grid, frame of reference caveats. */
  readonly warnings: readonly string[];
}

/** The image grid of a scanned series: geometry from its header, one SOP Instance UID per slice. */
export function gridOfSeries(series: SeriesInfo): ImageGrid {
  const d = series.direction;
  const axes = [0, 1, 2].map((c) => [d[c], d[3 + c], d[6 + c]]);
  return {
    size: series.size,
    affine: affineFrom(series.origin, axes, series.spacing),
    frameOfReferenceUID: series.frameOfReferenceUID,
    sopInstanceUIDs: series.instances.map((i) => i.sopInstanceUID),
    seriesInstanceUID: series.seriesInstanceUID,
  };
}

/**
 * Rasterise one ROI onto `grid` (even-odd per slice: nested contours are holes).
 *
 * Placement is geometric (each contour goes to the slice its points lie on), so it works for
 * writers that leave Contour Image Sequences out. On the series the structure set names (or
 * when it names none), image references that are present must resolve; on another series of
 * the same frame of reference they cannot be checked and a warning says so.
 *
 * @param value voxel value inside the ROI (1 for a binary mask; n for a label map).
 * @param into an existing mask on `grid` to add to (label maps); a new one otherwise.
 * @throws PipelineError naming the structure set file: RTSTRUCT_BROKEN_REFERENCE when a contour
 *   references an image that is not in the referenced series; RTSTRUCT_FRAME_MISMATCH when the
 *   ROI is in another frame of reference and no image reference ties it to this series.
 */
export function rasteriseRoi(set: StructureSet, roi: Roi, grid: ImageGrid, value = 1, into?: MaskVolume): RasterisedRoi {
  const warnings: string[] = [];
  const where = new Map(grid.sopInstanceUIDs.map((uid, k) => [uid, k]));
  const closed = roi.contours.filter((c) => c.geometricType === 'CLOSED_PLANAR' || c.geometricType === '');
  const skipped = roi.contours.length - closed.length;
  if (skipped > 0) warnings.push(`ROI '${roi.name}': ${skipped} contour(s) that are not CLOSED_PLANAR (points, open lines) skipped`);
  const frame = roi.frameOfReferenceUID || set.frameOfReferenceUID;
  const sameFrame = !frame || !grid.frameOfReferenceUID || frame === grid.frameOfReferenceUID;
  // A structure set drawn on another series of the same frame (the images were re-exported,
  // cropped or resampled under new UIDs) cannot have its image references checked; its
  // contours are still exact in patient coordinates, so they are placed by position.
  const otherSeries = set.referencedSeriesUIDs.length > 0 && !set.referencedSeriesUIDs.includes(grid.seriesInstanceUID);
  if (otherSeries) {
    if (!sameFrame) {
      throw new PipelineError('RTSTRUCT_FRAME_MISMATCH',
        `ROI '${roi.name}' belongs to series ${set.referencedSeriesUIDs[0]} in frame of reference ${frame}; series ${grid.seriesInstanceUID} is in ${grid.frameOfReferenceUID}`, set.path);
    }
    warnings.push(`ROI '${roi.name}': image references not checked (they point into series ${set.referencedSeriesUIDs[0]}); placed by position`);
  } else {
    let referenced = 0;
    for (const [m, c] of closed.entries()) {
      for (const uid of c.referencedSOPInstanceUIDs) {
        if (!where.has(uid)) {
          throw new PipelineError('RTSTRUCT_BROKEN_REFERENCE',
            `ROI '${roi.name}' contour ${m + 1} references image ${uid}, which is not in series ${grid.seriesInstanceUID || '(unnamed)'} (${grid.sopInstanceUIDs.length} images)`, set.path);
        }
      }
      if (c.referencedSOPInstanceUIDs.length) referenced++;
    }
    if (!sameFrame) {
      if (closed.length > 0 && referenced < closed.length) {
        throw new PipelineError('RTSTRUCT_FRAME_MISMATCH',
          `ROI '${roi.name}' is in frame of reference ${frame}, series ${grid.seriesInstanceUID} in ${grid.frameOfReferenceUID}, and its contours do not all reference the series' images`, set.path);
      }
      warnings.push(`ROI '${roi.name}': frame of reference ${frame} differs from the series' ${grid.frameOfReferenceUID}; its contours reference the series' images, so it is placed on them`);
    }
  }
  const mask: MaskVolume = into ?? {
    data: new Uint8Array(grid.size[0] * grid.size[1] * grid.size[2]),
    size: grid.size,
    affine: grid.affine,
    frameOfReferenceUID: grid.frameOfReferenceUID,
    modality: 'SEG',
    units: 'label',
    sopInstanceUIDs: grid.sopInstanceUIDs,
    seriesInstanceUID: grid.seriesInstanceUID,
  };
  const stats = fillContours(grid, closed, mask.data, value);
  if (stats.outside > 0) warnings.push(`ROI '${roi.name}': ${stats.outside} of ${closed.length} contours lie outside the image grid and were left out`);
  // A contour far from any slice plane (more than a quarter of the spacing) was drawn on
  // other images than these; say so rather than silently snapping it.
  const kSpacing = Math.hypot(grid.affine[2], grid.affine[6], grid.affine[10]);
  if (stats.maxOffPlaneMm > kSpacing / 4) warnings.push(`ROI '${roi.name}': contours lie up to ${stats.maxOffPlaneMm.toFixed(2)} mm from the nearest slice plane (snapped to it)`);
  let mismatched = 0;
  for (const [m, c] of otherSeries ? [] : closed.entries()) {
    const uid = c.referencedSOPInstanceUIDs[0];
    if (uid !== undefined && stats.slices[m] >= 0 && where.get(uid) !== stats.slices[m]) mismatched++;
  }
  if (mismatched > 0) warnings.push(`ROI '${roi.name}': ${mismatched} contour(s) reference another slice than the one they lie on (placed by position)`);
  return { mask, warnings };
}

/** Find an ROI by name: exact match first, then case-insensitive. */
export function findRoi(set: StructureSet, name: string): Roi {
  const exact = set.rois.find((r) => r.name === name) ?? set.rois.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (!exact) {
    const names = set.rois.map((r) => `'${r.name}'`).join(', ') || 'none';
    throw new PipelineError('RTSTRUCT_UNKNOWN_ROI', `no ROI named '${name}'; available: ${names}`, set.path);
  }
  return exact;
}
