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

/** The complete dataset (without file meta information). */
export function buildStructureSetDataset(h: StructureSetHeader, rois: readonly RoiToEncode[]): NaturalDataset {
  const { patient, header } = h.study;
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
    StudyDate: header.studyDate,
    SeriesDate: created.date,
    StudyTime: header.studyTime,
    SeriesTime: created.time,
    AccessionNumber: header.accessionNumber,
    Modality: 'RTSTRUCT',
    Manufacturer: 'Delineo',
    ReferringPhysicianName: pn(header.referringPhysicianName),
    StudyDescription: header.studyDescription || undefined,
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
    StudyID: header.studyID,
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
