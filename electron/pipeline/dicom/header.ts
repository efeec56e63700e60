/**
 * What ingest needs from one file's header, as plain data (it crosses worker boundaries):
 * identity, patient/study/series descriptors, image geometry per frame (classic images and
 * enhanced multi-frame via functional groups), rescale, and the PET SUV attributes.
 */
import type { PetSuvHeader } from './suv.ts';
import type { PixelModule } from './pixels.ts';
import type { PatientInfo, StudyHeader } from './types.ts';
import { item, items, num, nums, plain, privateValue, str, strs, type Dataset } from './dataset.ts';

/** Geometry and value mapping of one frame (the only frame of a classic image). */
export interface FrameHeader {
  /** 1-based frame number. */
  readonly frame: number;
  /** ImagePositionPatient, LPS mm; null when absent. */
  readonly position: readonly [number, number, number] | null;
  /** ImageOrientationPatient: row direction then column direction; null when absent. */
  readonly orientation: readonly number[] | null;
  /** PixelSpacing: [between rows, between columns] mm; null when absent. */
  readonly pixelSpacing: readonly [number, number] | null;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  /**
   * Which volume an enhanced multi-frame frame belongs to (Stack ID and Temporal Position Index
   * of its Frame Content): frames of different stacks or time points never share a volume.
   */
  readonly stackKey: string;
}

/** Everything scanning and loading read from one file. */
export interface FileHeader {
  readonly path: string;
  readonly transferSyntaxUID: string;
  readonly sopClassUID: string;
  readonly sopInstanceUID: string;
  readonly modality: string;
  readonly patient: PatientInfo;
  readonly study: StudyHeader;
  readonly seriesInstanceUID: string;
  readonly seriesNumber: number | null;
  readonly seriesDescription: string;
  readonly seriesDate: string;
  readonly seriesTime: string;
  readonly manufacturer: string;
  readonly frameOfReferenceUID: string;
  readonly imageType: readonly string[];
  readonly instanceNumber: number | null;
  readonly acquisitionNumber: number | null;
  /** Pixel module; null for objects without pixels (RTSTRUCT, REG, DICOMDIR …). */
  readonly pixel: PixelModule | null;
  readonly numberOfFrames: number;
  readonly frames: readonly FrameHeader[];
  readonly sliceThickness: number | null;
  readonly spacingBetweenSlices: number | null;
  /** PET Units (BQML, CNTS, GML …) or ''. */
  readonly units: string;
  readonly rescaleType: string;
  /** Attributes for SUV; present for PT only. */
  readonly suv: PetSuvHeader | null;
  /** For an RTSTRUCT: label and the series its contours reference. */
  readonly structureSet: { readonly label: string; readonly referencedSeriesUID: string } | null;
}

/** SOP classes that are spatial registrations (rigid, deformable). */
export const REGISTRATION_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.66.1', '1.2.840.10008.5.1.4.1.1.66.3']);
export const RTSTRUCT_CLASS = '1.2.840.10008.5.1.4.1.1.481.3';

/** Extract the plain header of a parsed file. */
export function extractHeader(ds: Dataset, path: string, transferSyntaxUID: string, hasPixels: boolean): FileHeader {
  const modality = str(ds, 'Modality').toUpperCase();
  const sopClassUID = str(ds, 'SOPClassUID');
  const rows = num(ds, 'Rows'), columns = num(ds, 'Columns');
  const pixel: PixelModule | null =
    hasPixels && rows && columns
      ? {
          rows,
          columns,
          samplesPerPixel: num(ds, 'SamplesPerPixel') ?? 1,
          bitsAllocated: num(ds, 'BitsAllocated') ?? 16,
          bitsStored: num(ds, 'BitsStored') ?? num(ds, 'BitsAllocated') ?? 16,
          highBit: num(ds, 'HighBit') ?? (num(ds, 'BitsStored') ?? 16) - 1,
          pixelRepresentation: num(ds, 'PixelRepresentation') ?? 0,
          photometricInterpretation: str(ds, 'PhotometricInterpretation') || 'MONOCHROME2',
          planarConfiguration: num(ds, 'PlanarConfiguration') ?? 0,
        }
      : null;
  const numberOfFrames = Math.max(1, Math.trunc(num(ds, 'NumberOfFrames') ?? 1));
  return {
    path,
    transferSyntaxUID,
    sopClassUID,
    sopInstanceUID: str(ds, 'SOPInstanceUID'),
    modality,
    patient: {
      patientName: str(ds, 'PatientName'),
      patientID: str(ds, 'PatientID'),
      patientBirthDate: str(ds, 'PatientBirthDate'),
      patientSex: str(ds, 'PatientSex'),
    },
    study: {
      studyInstanceUID: str(ds, 'StudyInstanceUID'),
      studyDate: str(ds, 'StudyDate'),
      studyTime: str(ds, 'StudyTime'),
      studyID: str(ds, 'StudyID'),
      accessionNumber: str(ds, 'AccessionNumber'),
      referringPhysicianName: str(ds, 'ReferringPhysicianName'),
      studyDescription: str(ds, 'StudyDescription'),
    },
    seriesInstanceUID: str(ds, 'SeriesInstanceUID'),
    seriesNumber: num(ds, 'SeriesNumber'),
    seriesDescription: str(ds, 'SeriesDescription'),
    seriesDate: str(ds, 'SeriesDate'),
    seriesTime: str(ds, 'SeriesTime'),
    manufacturer: str(ds, 'Manufacturer'),
    frameOfReferenceUID: str(ds, 'FrameOfReferenceUID'),
    imageType: strs(ds, 'ImageType').map((s) => s.toUpperCase()),
    instanceNumber: num(ds, 'InstanceNumber'),
    acquisitionNumber: num(ds, 'AcquisitionNumber'),
    pixel,
    numberOfFrames,
    frames: pixel ? frameHeaders(ds, numberOfFrames) : [],
    sliceThickness: num(ds, 'SliceThickness'),
    spacingBetweenSlices: num(ds, 'SpacingBetweenSlices'),
    units: str(ds, 'Units').toUpperCase(),
    rescaleType: (str(ds, 'RescaleType') || enhancedRescaleType(ds)).toUpperCase(),
    suv: modality === 'PT' ? suvHeader(ds) : null,
    structureSet: sopClassUID === RTSTRUCT_CLASS || modality === 'RTSTRUCT' ? structureSetRef(ds) : null,
  };
}

/**
 * Per-frame geometry. Enhanced multi-frame objects carry it in functional groups (per-frame
 * overriding shared); classic images in the top-level attributes.
 */
function frameHeaders(ds: Dataset, count: number): FrameHeader[] {
  const shared = item(ds, 'SharedFunctionalGroupsSequence');
  const perFrame = items(ds, 'PerFrameFunctionalGroupsSequence');
  const top = {
    position: vec3(nums(ds, 'ImagePositionPatient', 3)),
    orientation: nums(ds, 'ImageOrientationPatient', 6),
    pixelSpacing: pair(nums(ds, 'PixelSpacing', 2)),
    slope: num(ds, 'RescaleSlope'),
    intercept: num(ds, 'RescaleIntercept'),
  };
  const frames: FrameHeader[] = [];
  for (let f = 0; f < count; f++) {
    const pf = perFrame[f] ?? null;
    // A functional group macro is taken from the frame's own item, else from the shared one.
    const group = (key: string) => item(pf, key) ?? item(shared, key);
    const pos = group('PlanePositionSequence');
    const ori = group('PlaneOrientationSequence');
    const meas = group('PixelMeasuresSequence');
    const pvt = group('PixelValueTransformationSequence');
    const content = item(pf, 'FrameContentSequence');
    frames.push({
      frame: f + 1,
      position: vec3(nums(pos, 'ImagePositionPatient', 3)) ?? (count === 1 ? top.position : null),
      orientation: nums(ori, 'ImageOrientationPatient', 6) ?? top.orientation,
      pixelSpacing: pair(nums(meas, 'PixelSpacing', 2)) ?? top.pixelSpacing,
      rescaleSlope: num(pvt, 'RescaleSlope') ?? top.slope ?? 1,
      rescaleIntercept: num(pvt, 'RescaleIntercept') ?? top.intercept ?? 0,
      stackKey: content ? `${str(content, 'StackID')}|${num(content, 'TemporalPositionIndex') ?? ''}` : '',
    });
  }
  return frames;
}

/** Rescale Type of an enhanced object (shared functional groups, else the first frame's). */
function enhancedRescaleType(ds: Dataset): string {
  const pvt = (groups: Dataset | null) => item(groups, 'PixelValueTransformationSequence');
  return str(pvt(item(ds, 'SharedFunctionalGroupsSequence')), 'RescaleType') || str(pvt(item(ds, 'PerFrameFunctionalGroupsSequence')), 'RescaleType');
}

function vec3(v: number[] | null): [number, number, number] | null {
  return v ? [v[0], v[1], v[2]] : null;
}

function pair(v: number[] | null): [number, number] | null {
  return v ? [v[0], v[1]] : null;
}

function suvHeader(ds: Dataset): PetSuvHeader {
  const rp = item(ds, 'RadiopharmaceuticalInformationSequence');
  const text = (d: Dataset | null, k: string) => {
    const v = plain(d, k);
    return v === undefined ? undefined : String(v);
  };
  const number = (d: Dataset | null, k: string) => num(d, k) ?? undefined;
  // Private elements count only under their creator's block (xx10 → element 10xx).
  const philips = String(privateValue(ds, '70530010') ?? '').toUpperCase().startsWith('PHILIPS PET PRIVATE GROUP');
  const ge = String(privateValue(ds, '00090010') ?? '').toUpperCase().startsWith('GEMS_PETD_01');
  const suvScale = philips ? privateValue(ds, '70531000') : undefined;
  const activityScale = philips ? privateValue(ds, '70531009') : undefined;
  const gePostInjection = ge ? privateValue(ds, '0009100D') : undefined;
  return {
    Units: text(ds, 'Units'),
    DecayCorrection: text(ds, 'DecayCorrection'),
    CorrectedImage: strs(ds, 'CorrectedImage'),
    SeriesDate: text(ds, 'SeriesDate'),
    SeriesTime: text(ds, 'SeriesTime'),
    AcquisitionDate: text(ds, 'AcquisitionDate'),
    AcquisitionTime: text(ds, 'AcquisitionTime'),
    PatientWeight: number(ds, 'PatientWeight'),
    PatientSize: number(ds, 'PatientSize'),
    PatientSex: text(ds, 'PatientSex'),
    RadionuclideTotalDose: number(rp, 'RadionuclideTotalDose'),
    RadionuclideHalfLife: number(rp, 'RadionuclideHalfLife'),
    RadiopharmaceuticalStartTime: text(rp, 'RadiopharmaceuticalStartTime'),
    RadiopharmaceuticalStartDateTime: text(rp, 'RadiopharmaceuticalStartDateTime'),
    FrameReferenceTime: number(ds, 'FrameReferenceTime'),
    ActualFrameDuration: number(ds, 'ActualFrameDuration'),
    Manufacturer: text(ds, 'Manufacturer'),
    ...(suvScale !== undefined || activityScale !== undefined
      ? { PhilipsPETPrivateGroup: { SUVScaleFactor: suvScale, ActivityConcentrationScaleFactor: activityScale } }
      : {}),
    ...(gePostInjection !== undefined ? { GEPrivatePostInjectionDateTime: String(gePostInjection) } : {}),
  };
}

function structureSetRef(ds: Dataset): { label: string; referencedSeriesUID: string } {
  // RT Referenced Series lives under Referenced Frame of Reference → RT Referenced Study.
  let referencedSeriesUID = '';
  for (const frame of items(ds, 'ReferencedFrameOfReferenceSequence')) {
    for (const study of items(frame, 'RTReferencedStudySequence')) {
      const series = item(study, 'RTReferencedSeriesSequence');
      if (series && !referencedSeriesUID) referencedSeriesUID = str(series, 'SeriesInstanceUID');
    }
  }
  return { label: str(ds, 'StructureSetLabel'), referencedSeriesUID };
}
