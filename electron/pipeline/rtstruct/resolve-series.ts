/**
 * Which scanned image series a structure set belongs to.
 */
import type { SeriesInfo } from '../dicom/types.ts';
import { PipelineError } from '../errors.ts';
import type { StructureSet } from './types.ts';

/** The series chosen, with a line for the user when it is not the one the file names. */
export interface ResolvedSeries {
  readonly series: SeriesInfo;
  readonly warning: string | null;
}

/**
 * Pick the series a structure set's contours are to be rasterised onto.
 *
 * In order: the series its RT Referenced Series Sequence names; a series holding the images its
 * contours reference; the only series (the only CT, when several) in its frame of reference —
 * images re-exported under new UIDs still share the frame, and contours are in patient
 * coordinates.
 *
 * @throws PipelineError naming the structure set: RTSTRUCT_NO_IMAGES when no scanned series
 *   qualifies (with what it references), RTSTRUCT_SERIES_AMBIGUOUS when several do.
 */
export function resolveSeries(set: StructureSet, candidates: readonly SeriesInfo[]): ResolvedSeries {
  const named = candidates.filter((s) => set.referencedSeriesUIDs.includes(s.seriesInstanceUID));
  if (named.length === 1) return { series: named[0], warning: null };
  if (named.length > 1) {
    throw new PipelineError('RTSTRUCT_SERIES_AMBIGUOUS', `series ${named[0].seriesInstanceUID} was split into ${named.length} stacks; pass only the files of the contoured one`, set.path);
  }
  const images = new Set(set.referencedImageUIDs);
  for (const roi of set.rois) for (const c of roi.contours) for (const uid of c.referencedSOPInstanceUIDs) images.add(uid);
  const holding = candidates.filter((s) => s.instances.some((i) => images.has(i.sopInstanceUID)));
  if (holding.length === 1) return { series: holding[0], warning: null };
  const frame = set.frameOfReferenceUID || set.rois.find((r) => r.frameOfReferenceUID)?.frameOfReferenceUID || '';
  let sameFrame = frame ? candidates.filter((s) => s.frameOfReferenceUID === frame) : [];
  if (sameFrame.length > 1 && sameFrame.filter((s) => s.modality === 'CT').length === 1) sameFrame = sameFrame.filter((s) => s.modality === 'CT');
  const wanted = set.referencedSeriesUIDs.length ? `series ${set.referencedSeriesUIDs.join(', ')}` : images.size ? `${images.size} images` : 'no images';
  if (sameFrame.length === 1) {
    const s = sameFrame[0];
    return { series: s, warning: `references ${wanted}, not among the scanned files; using ${s.modality} series ${s.seriesInstanceUID}, which shares its frame of reference` };
  }
  if (sameFrame.length > 1) {
    const list = sameFrame.map((s) => `${s.modality} ${s.seriesInstanceUID}`).join(', ');
    throw new PipelineError('RTSTRUCT_SERIES_AMBIGUOUS', `references ${wanted}, not among the scanned files, and ${sameFrame.length} series share its frame of reference (${list}); pass only the folder of the one to use`, set.path);
  }
  const found = candidates.length ? `found only ${candidates.map((s) => `${s.modality} ${s.seriesInstanceUID}`).join(', ')}` : 'no image series found';
  throw new PipelineError('RTSTRUCT_NO_IMAGES', `the images it references (${wanted}${frame ? `, frame of reference ${frame}` : ''}) are not among the scanned files; ${found}`, set.path);
}
