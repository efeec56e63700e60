/**
 * From parsed file headers to studies → series → stacks. A DICOM series is split into stacks
 * that can each be one volume: by frame of reference, orientation, image size, pixel spacing,
 * scout/localizer images, and acquisition when two acquisitions cover the same positions.
 */
import { directionOf, originOf, spacingOf } from '../volume/geometry.ts';
import type { VolumeUnits } from '../volume/volume.ts';
import type { FileHeader } from './header.ts';
import { REGISTRATION_CLASSES } from './header.ts';
import { stackGeometry, type StackSlice } from './stack-geometry.ts';
import { computeSuvFactors } from './suv.ts';
import type { FileProblem, InstanceRef, SeriesInfo, StudyInfo } from './types.ts';

/** Largest volume we will plan to allocate (float32): 2^30 voxels = 4 GiB. */
export const MAX_VOXELS = 2 ** 30;

interface FrameSlice extends StackSlice {
  readonly ref: InstanceRef;
  readonly file: FileHeader;
  readonly frameIndex: number;
}

/**
 * Group headers into studies; images that cannot be placed in 3D come back as problems.
 * Series are gathered by Series Instance UID across the whole scan (a series UID is globally
 * unique): images of one series that disagree on their Study Instance UID — some exporters do
 * that — stay one series, filed under the study most of them name, with a warning.
 */
export function groupStudies(headers: readonly FileHeader[]): { studies: StudyInfo[]; errors: FileProblem[] } {
  const errors: FileProblem[] = [];
  const studies = new Map<string, { first: FileHeader; series: SeriesInfo[]; structureSets: StudyInfo['structureSets'][number][]; registrations: StudyInfo['registrations'][number][] }>();
  const studyFor = (uid: string, h: FileHeader) => {
    const key = uid || '(no study UID)';
    if (!studies.has(key)) studies.set(key, { first: h, series: [], structureSets: [], registrations: [] });
    return studies.get(key)!;
  };
  const bySeries = new Map<string, FileHeader[]>();
  for (const f of headers) {
    if (f.structureSet) {
      studyFor(f.study.studyInstanceUID, f).structureSets.push({ path: f.path, sopInstanceUID: f.sopInstanceUID, label: f.structureSet.label, referencedSeriesUID: f.structureSet.referencedSeriesUID });
    } else if (REGISTRATION_CLASSES.has(f.sopClassUID) || f.modality === 'REG') {
      studyFor(f.study.studyInstanceUID, f).registrations.push({ path: f.path, sopInstanceUID: f.sopInstanceUID });
    } else if (f.pixel) {
      if (!bySeries.has(f.seriesInstanceUID)) bySeries.set(f.seriesInstanceUID, []);
      bySeries.get(f.seriesInstanceUID)!.push(f);
    }
  }
  for (const [, images] of bySeries) {
    const counts = new Map<string, number>();
    for (const f of images) counts.set(f.study.studyInstanceUID, (counts.get(f.study.studyInstanceUID) ?? 0) + 1);
    const studyUID = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    const extra = counts.size > 1 ? [`images of this series name ${counts.size} different Study Instance UIDs; kept as one series under ${studyUID}`] : [];
    const home = images.find((f) => f.study.studyInstanceUID === studyUID)!;
    studyFor(studyUID, home).series.push(...seriesStacks(images, errors, extra));
  }
  const out: StudyInfo[] = [];
  for (const [uid, st] of studies) {
    out.push({ studyInstanceUID: uid, patient: st.first.patient, header: st.first.study, series: st.series, structureSets: st.structureSets, registrations: st.registrations });
  }
  return { studies: out, errors };
}

function seriesStacks(images: readonly FileHeader[], errors: FileProblem[], extraWarnings: readonly string[]): SeriesInfo[] {
  const groups = new Map<string, FrameSlice[]>();
  for (const f of images) {
    if (f.pixel!.samplesPerPixel !== 1) {
      errors.push({ path: f.path, message: `${f.path}: colour image (${f.pixel!.photometricInterpretation}); only greyscale images load as volumes` });
      continue;
    }
    const unplaced = f.frames.filter((fr) => !fr.position || !fr.orientation);
    if (unplaced.length) {
      // One line per file, however many frames lack geometry.
      const where = f.numberOfFrames > 1 ? ` (${unplaced.length} of ${f.numberOfFrames} frames, first: frame ${unplaced[0].frame})` : '';
      errors.push({ path: f.path, message: `${f.path}: no Image Position/Orientation (Patient)${where}; it cannot be placed in 3D` });
    }
    f.frames.forEach((fr, index) => {
      if (!fr.position || !fr.orientation) return;
      const localizer = f.imageType.includes('LOCALIZER') ? 'scout' : 'image';
      const key = [
        f.frameOfReferenceUID,
        fr.orientation.map((v) => v.toFixed(4)).join(','),
        `${f.pixel!.columns}x${f.pixel!.rows}`,
        fr.pixelSpacing ? fr.pixelSpacing.map((v) => v.toFixed(4)).join(',') : 'none',
        localizer,
        fr.stackKey,
      ].join('|');
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push({
        position: fr.position,
        key: `${f.sopInstanceUID}#${fr.frame}`,
        instanceNumber: f.instanceNumber,
        ref: { path: f.path, sopClassUID: f.sopClassUID, sopInstanceUID: f.sopInstanceUID, frame: fr.frame },
        file: f,
        frameIndex: index,
      });
    });
  }
  // Two acquisitions over the same positions (e.g. breath-hold repeats) become two stacks.
  const stacks: FrameSlice[][] = [];
  for (const g of groups.values()) stacks.push(...splitAcquisitions(g));
  stacks.sort((a, b) => Number(isScout(a)) - Number(isScout(b)) || b.length - a.length);
  return stacks.map((s, i) => describeStack(s, stacks.length > 1 ? String(i + 1) : '', extraWarnings));
}

function isScout(s: readonly FrameSlice[]): boolean {
  return s[0].file.imageType.includes('LOCALIZER');
}

function splitAcquisitions(slices: FrameSlice[]): FrameSlice[][] {
  const acq = new Map<string, FrameSlice[]>();
  for (const s of slices) {
    const a = String(s.file.acquisitionNumber ?? '');
    if (!acq.has(a)) acq.set(a, []);
    acq.get(a)!.push(s);
  }
  if (acq.size < 2) return [slices];
  const positions = new Set<string>();
  let overlap = false;
  for (const group of acq.values()) {
    const mine = new Set(group.map((s) => s.position.map((v) => v.toFixed(2)).join(',')));
    for (const p of mine) if (positions.has(p)) overlap = true;
    for (const p of mine) positions.add(p);
  }
  return overlap ? [...acq.values()] : [slices];
}

function describeStack(slices: FrameSlice[], stackId: string, extraWarnings: readonly string[]): SeriesInfo {
  const f = slices[0].file;
  const fr = f.frames[slices[0].frameIndex];
  const warnings: string[] = [...extraWarnings];
  let spacing = fr.pixelSpacing;
  if (!spacing) {
    spacing = [1, 1];
    warnings.push('no Pixel Spacing: 1 mm assumed in-plane (distances are not physical)');
  }
  const thickness = f.spacingBetweenSlices ?? f.sliceThickness ?? 1;
  const geo = stackGeometry(slices, fr.orientation!, spacing, thickness);
  warnings.push(...geo.warnings);
  let refusal = geo.refusal;
  const size: [number, number, number] = [f.pixel!.columns, f.pixel!.rows, geo.gridSlices];
  if (size[0] * size[1] * size[2] > MAX_VOXELS) refusal ??= `volume of ${size.join('×')} voxels is larger than the ${MAX_VOXELS}-voxel limit`;
  if (slices.length === 1 && f.numberOfFrames === 1) warnings.push('single slice: loads as a one-slice volume');

  const { units, suvbwFactor, unitWarnings } = unitsOf(f, slices.map((s) => s.file));
  warnings.push(...unitWarnings);
  const sp = spacingOf(geo.affine);
  const o = originOf(geo.affine);
  return {
    seriesInstanceUID: f.seriesInstanceUID,
    stackId,
    modality: f.modality,
    description: f.seriesDescription,
    seriesDate: f.seriesDate,
    seriesTime: f.seriesTime,
    manufacturer: f.manufacturer,
    frameOfReferenceUID: f.frameOfReferenceUID,
    size,
    spacing: [sp[0], sp[1], sp[2]],
    origin: [o[0], o[1], o[2]],
    direction: directionOf(geo.affine),
    instances: geo.slices.map((s) => s.ref),
    warnings,
    units,
    suvbwFactor,
    ...(geo.sliceOffsets ? { sliceOffsets: geo.sliceOffsets } : {}),
    ...(refusal ? { refusal } : {}),
  };
}

/**
 * Units of a stack from its first file; PET gets its SUVbw factor, computed with the earliest
 * acquisition date-time over the stack's files (QIBA: later beds must not shift the decay time).
 */
function unitsOf(f: FileHeader, files: readonly FileHeader[]): { units: VolumeUnits; suvbwFactor: number | null; unitWarnings: string[] } {
  if (f.modality === 'CT') {
    // A CT-derived map (perfusion, iodine) declares another Rescale Type: its values are not HU.
    if (f.rescaleType && f.rescaleType !== 'HU') {
      return { units: 'raw', suvbwFactor: null, unitWarnings: [`CT values are not Hounsfield units (Rescale Type ${f.rescaleType}): loaded as raw`] };
    }
    return { units: 'HU', suvbwFactor: null, unitWarnings: [] };
  }
  if (f.modality === 'PT' && f.suv) {
    const earliest = earliestAcquisition(files);
    const suv = computeSuvFactors(earliest ? { ...f.suv, EarliestAcquisitionDateTime: earliest } : f.suv);
    const unitWarnings = [...suv.warnings];
    if (suv.alreadySuv) unitWarnings.unshift('PET values are already SUVbw (Units GML): no factor applied');
    if (suv.suvbwFactor !== null) return { units: 'SUVbw', suvbwFactor: suv.suvbwFactor, unitWarnings };
    const raw: VolumeUnits = f.units === 'BQML' ? 'BQML' : f.units === 'CNTS' ? 'CNTS' : 'raw';
    unitWarnings.push(`SUV unavailable: values loaded in ${raw === 'raw' ? 'stored units' : raw}`);
    return { units: raw, suvbwFactor: null, unitWarnings };
  }
  return { units: 'raw', suvbwFactor: null, unitWarnings: [] };
}

/** The earliest AcquisitionDate + AcquisitionTime (DT string) over files, or undefined. */
export function earliestAcquisition(files: readonly FileHeader[]): string | undefined {
  let best: { key: string; dt: string } | undefined;
  for (const f of files) {
    const date = f.suv?.AcquisitionDate ?? '', time = f.suv?.AcquisitionTime ?? '';
    if (!/^\d{8}$/.test(date) || !/^\d{2,6}(\.\d+)?$/.test(time)) continue;
    // Compare on a fixed-width key: "0915" and "091500.25" must order as times, not as text.
    const [whole, fraction = ''] = time.split('.');
    const key = `${date}${whole.padEnd(6, '0')}.${fraction.padEnd(6, '0')}`;
    if (!best || key < best.key) best = { key, dt: date + time };
  }
  return best?.dt;
}
