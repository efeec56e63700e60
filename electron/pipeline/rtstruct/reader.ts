/**
 * RT Structure Set import: a file → ROIs with their contours, references and colours.
 * Rasterisation onto an image grid is in rasterise.ts.
 */
import { PipelineError } from '../errors.ts';
import { readDataset, type NaturalDataset } from './dicom-file.ts';
import { RT_STRUCTURE_SET_STORAGE } from './dataset.ts';
import type { Roi, RoiColor, RoiContour, StructureSet } from './types.ts';

/**
 * Read an RT Structure Set.
 *
 * @throws PipelineError naming `path`: RTSTRUCT_UNREADABLE for a file that is not DICOM,
 *   RTSTRUCT_NOT_A_STRUCTURE_SET for another kind of object, RTSTRUCT_MALFORMED for an ROI
 *   Contour that names an ROI the Structure Set ROI Sequence does not define or Contour Data
 *   that is not numeric triplets.
 */
export async function readRtstruct(path: string): Promise<StructureSet> {
  const ds = await readDataset(path);
  const sopClass = text(ds.SOPClassUID);
  if (sopClass !== RT_STRUCTURE_SET_STORAGE && text(ds.Modality) !== 'RTSTRUCT') {
    throw new PipelineError('RTSTRUCT_NOT_A_STRUCTURE_SET', `not an RT Structure Set (SOP Class ${sopClass || 'missing'}, Modality ${text(ds.Modality) || 'missing'})`, path);
  }
  const frames = items(ds.ReferencedFrameOfReferenceSequence);
  const referencedSeriesUIDs: string[] = [];
  const referencedImageUIDs: string[] = [];
  for (const f of frames) {
    for (const study of items(f.RTReferencedStudySequence)) {
      for (const series of items(study.RTReferencedSeriesSequence)) {
        const uid = text(series.SeriesInstanceUID);
        if (uid) referencedSeriesUIDs.push(uid);
        for (const img of items(series.ContourImageSequence)) {
          const ref = text(img.ReferencedSOPInstanceUID);
          if (ref) referencedImageUIDs.push(ref);
        }
      }
    }
  }
  const defined = new Map<number, { name: string; frame: string; generation: string }>();
  for (const r of items(ds.StructureSetROISequence)) {
    const n = int(r.ROINumber);
    if (n !== null) defined.set(n, { name: text(r.ROIName), frame: text(r.ReferencedFrameOfReferenceUID), generation: text(r.ROIGenerationAlgorithm) });
  }
  const types = new Map<number, string>();
  for (const o of items(ds.RTROIObservationsSequence)) {
    const n = int(o.ReferencedROINumber);
    if (n !== null) types.set(n, text(o.RTROIInterpretedType));
  }
  const rois: Roi[] = [];
  const withContours = new Set<number>();
  for (const rc of items(ds.ROIContourSequence)) {
    const n = int(rc.ReferencedROINumber);
    const def = n === null ? undefined : defined.get(n);
    if (n === null || !def) {
      throw new PipelineError('RTSTRUCT_MALFORMED', `ROI Contour item refers to ROI number ${n ?? '(none)'}, which the Structure Set ROI Sequence does not define`, path);
    }
    withContours.add(n);
    rois.push({
      number: n, name: def.name, color: color(rc.ROIDisplayColor), interpretedType: types.get(n) ?? '',
      generation: def.generation, frameOfReferenceUID: def.frame,
      contours: items(rc.ContourSequence).map((c, m) => contour(c, `ROI '${def.name}' contour ${m + 1}`, path)),
    });
  }
  // ROIs defined without an ROI Contour item are empty structures, still worth listing.
  for (const [n, def] of defined) {
    if (!withContours.has(n)) rois.push({ number: n, name: def.name, color: null, interpretedType: types.get(n) ?? '', generation: def.generation, frameOfReferenceUID: def.frame, contours: [] });
  }
  rois.sort((a, b) => a.number - b.number);
  return {
    path,
    sopInstanceUID: text(ds.SOPInstanceUID),
    studyInstanceUID: text(ds.StudyInstanceUID),
    label: text(ds.StructureSetLabel),
    name: text(ds.StructureSetName),
    frameOfReferenceUID: text(frames[0]?.FrameOfReferenceUID),
    referencedSeriesUIDs: [...new Set(referencedSeriesUIDs)],
    referencedImageUIDs: [...new Set(referencedImageUIDs)],
    rois,
  };
}

function contour(c: NaturalDataset, what: string, path: string): RoiContour {
  const raw = c.ContourData === undefined || c.ContourData === null ? [] : Array.isArray(c.ContourData) ? c.ContourData : [c.ContourData];
  const points = Float64Array.from(raw, (v) => (typeof v === 'number' ? v : Number(String(v).trim())));
  if (points.length % 3 !== 0 || points.some((v) => !Number.isFinite(v))) {
    throw new PipelineError('RTSTRUCT_MALFORMED', `${what}: Contour Data is not a list of x\\y\\z numbers (${raw.length} values)`, path);
  }
  return {
    geometricType: text(c.ContourGeometricType),
    referencedSOPInstanceUIDs: items(c.ContourImageSequence).map((i) => text(i.ReferencedSOPInstanceUID)).filter(Boolean),
    points,
  };
}

function items(v: unknown): NaturalDataset[] {
  if (!v) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is NaturalDataset => !!x && typeof x === 'object');
}

function text(v: unknown): string {
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined || x === null ? '' : String(x).replace(/\0/g, '').trim();
}

function int(v: unknown): number | null {
  const n = Number(text(v));
  return text(v) !== '' && Number.isInteger(n) ? n : null;
}

function color(v: unknown): RoiColor | null {
  const c = (Array.isArray(v) ? v : []).map((x) => Number(x));
  return c.length === 3 && c.every((x) => Number.isFinite(x)) ? [c[0], c[1], c[2]] : null;
}
