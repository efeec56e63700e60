/**
 * Builds the naturalized dataset of an RT Structure Set (PS3.3 A.19) from plain inputs:
 * Patient and General Study copied from the image study, a new RT Series, Structure Set,
 * Frame of Reference, ROI Contour, RT ROI Observations, Approval and SOP Common modules.
 */
import type { SeriesInfo, StudyInfo } from '../dicom/types.ts';
import type { PlanarContour } from '../contours/index.ts';
import { formatDS } from './ds.ts';
import type { NaturalDataset } from './dicom-file.ts';
import type { Approval, RoiColor, RoiGeneration } from './types.ts';

export const RT_STRUCTURE_SET_STORAGE = '1.2.840.10008.5.1.4.1.1.481.3';
/** Detached Study Management: the SOP class structure sets customarily cite for their study. */
const STUDY_REFERENCE_CLASS = '1.2.840.10008.3.1.2.3.1';

/** One ROI with its contours already traced. */
export interface RoiToEncode {
  readonly name: string;
  readonly color: RoiColor;
  readonly interpretedType: string;
  readonly generation: RoiGeneration;
  readonly generationDescription: string;
  readonly contours: readonly PlanarContour[];
}

export interface StructureSetHeader {
  readonly study: Pick<StudyInfo, 'studyInstanceUID' | 'patient' | 'header'>;
  readonly series: SeriesInfo;
  readonly sopInstanceUID: string;
  readonly seriesInstanceUID: string;
  readonly label: string;
  readonly seriesDescription: string;
  readonly createdAt: Date;
  readonly approval: Approval | null;
  readonly softwareVersion: string;
}

/** DA and TM of a local date-time (DICOM dates are local time). */
export function dicomDateTime(d: Date): { date: string; time: string } {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    date: `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`,
    time: `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`,
  };
}

const pn = (name: string) => (name ? [{ Alphabetic: name }] : '');

/**
 * Values copied from the image study, cut to their VR's maximum length: real studies carry
 * values that break it (a 17-character Study ID in real-sts-002), and copying them verbatim
 * would make our file invalid. Each cut is reported in `warnings`.
 */
function fit(value: string, max: number, what: string, warnings: string[]): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  warnings.push(`${what} '${value}' is longer than the ${max} characters its VR allows; written as '${cut}'`);
  return cut;
}

/**
 * The complete dataset (without file meta information).
 *
 * @param warnings receives one line per value that had to be changed to stay valid.
 */
export function buildStructureSetDataset(h: StructureSetHeader, rois: readonly RoiToEncode[], warnings: string[] = []): NaturalDataset {
  const { header } = h.study;
  const patient = {
    patientName: fit(h.study.patient.patientName, 64, "Patient's Name", warnings),
    patientID: fit(h.study.patient.patientID, 64, 'Patient ID', warnings),
    patientBirthDate: fit(h.study.patient.patientBirthDate, 8, "Patient's Birth Date", warnings),
    patientSex: fit(h.study.patient.patientSex, 16, "Patient's Sex", warnings),
  };
  const created = dicomDateTime(h.createdAt);
  const instances = h.series.instances;
  const imageRef = (k: number) => ({ ReferencedSOPClassUID: instances[k].sopClassUID, ReferencedSOPInstanceUID: instances[k].sopInstanceUID });
  const frame = h.series.frameOfReferenceUID;

  const ds: NaturalDataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    InstanceCreationDate: created.date,
    InstanceCreationTime: created.time,
    SOPClassUID: RT_STRUCTURE_SET_STORAGE,
    SOPInstanceUID: h.sopInstanceUID,
    StudyDate: fit(header.studyDate, 8, 'Study Date', warnings),
    SeriesDate: created.date,
    StudyTime: fit(header.studyTime, 14, 'Study Time', warnings),
    SeriesTime: created.time,
    AccessionNumber: fit(header.accessionNumber, 16, 'Accession Number', warnings),
    Modality: 'RTSTRUCT',
    Manufacturer: 'Delineo',
    ReferringPhysicianName: pn(fit(header.referringPhysicianName, 64, "Referring Physician's Name", warnings)),
    StudyDescription: fit(header.studyDescription, 64, 'Study Description', warnings) || undefined,
    SeriesDescription: h.seriesDescription,
    OperatorsName: '',
    ManufacturerModelName: 'Delineo',
    PatientName: pn(patient.patientName),
    PatientID: patient.patientID,
    PatientBirthDate: patient.patientBirthDate,
    PatientSex: patient.patientSex,
    SoftwareVersions: h.softwareVersion,
    StudyInstanceUID: h.study.studyInstanceUID,
    SeriesInstanceUID: h.seriesInstanceUID,
    StudyID: fit(header.studyID, 16, 'Study ID', warnings),
    SeriesNumber: 1,
    InstanceNumber: 1,
    // Frame of Reference module (recent editions of PS3.3 A.19 include it): the CT's frame.
    // Position Reference Indicator is type 2 and not carried by SeriesInfo, so it is empty.
    FrameOfReferenceUID: frame,
    PositionReferenceIndicator: '',
    StructureSetLabel: h.label,
    StructureSetDate: created.date,
    StructureSetTime: created.time,
    ReferencedFrameOfReferenceSequence: [{
      FrameOfReferenceUID: frame,
      RTReferencedStudySequence: [{
        ReferencedSOPClassUID: STUDY_REFERENCE_CLASS,
        ReferencedSOPInstanceUID: h.study.studyInstanceUID,
        RTReferencedSeriesSequence: [{
          SeriesInstanceUID: h.series.seriesInstanceUID,
          // Every image of the series, contoured or not: planning systems use this list to
          // check they hold the complete image set the structures belong to.
          ContourImageSequence: instances.map((_, k) => imageRef(k)),
        }],
      }],
    }],
    StructureSetROISequence: rois.map((r, n) => ({
      ROINumber: n + 1,
      ReferencedFrameOfReferenceUID: frame,
      ROIName: r.name,
      ROIGenerationAlgorithm: r.generation,
      ROIGenerationDescription: r.generationDescription || undefined,
    })),
    ROIContourSequence: rois.map((r, n) => ({
      ROIDisplayColor: [...r.color],
      ReferencedROINumber: n + 1,
      ContourSequence: r.contours.length === 0 ? undefined : r.contours.map((c, m) => ({
        ContourNumber: m + 1,
        ContourImageSequence: [imageRef(c.slice)],
        ContourGeometricType: 'CLOSED_PLANAR',
        NumberOfContourPoints: c.points.length / 3,
        ContourData: Array.from(c.points, formatDS),
      })),
    })),
    RTROIObservationsSequence: rois.map((r, n) => ({
      ObservationNumber: n + 1,
      ReferencedROINumber: n + 1,
      RTROIInterpretedType: r.interpretedType,
      ROIInterpreter: '',
    })),
    ApprovalStatus: h.approval?.status ?? 'UNAPPROVED',
  };
  if (h.approval) {
    const reviewed = dicomDateTime(h.approval.reviewedAt);
    ds.ReviewDate = reviewed.date;
    ds.ReviewTime = reviewed.time;
    ds.ReviewerName = pn(h.approval.reviewerName);
  }
  for (const key of Object.keys(ds)) if (ds[key] === undefined) delete ds[key];
  for (const seq of [ds.StructureSetROISequence, ds.ROIContourSequence] as NaturalDataset[][]) {
    for (const item of seq) for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
  }
  return ds;
}
