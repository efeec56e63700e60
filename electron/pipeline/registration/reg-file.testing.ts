/**
 * Test support: write a DICOM Spatial Registration object with dcmjs, as a planning system
 * would (registered frame = the fixed series' frame; one item per source frame).
 */
import { writeFile } from 'node:fs/promises';
// @ts-ignore -- dcmjs ships no type declarations.
import dcmjs from 'dcmjs';
import type { Mat4 } from '../volume/geometry.ts';
import { SPATIAL_REGISTRATION_CLASS } from './spatial-registration.ts';

interface DcmjsWrite {
  DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(d: Record<string, unknown>): Record<string, unknown> };
}
const dcm = (dcmjs as unknown as { data: DcmjsWrite }).data;

/** One source frame and the matrices (applied in order) into the registered frame. */
export interface RegItem {
  readonly frameOfReferenceUID: string;
  readonly matrices: readonly Mat4[];
  readonly type?: string;
}

/** Write a REG object; `sopClassUID` can be overridden to build invalid ones. */
export async function writeRegFile(file: string, registeredFoR: string, items: readonly RegItem[], sopClassUID = SPATIAL_REGISTRATION_CLASS): Promise<void> {
  const sop = '1.2.826.0.1.3680043.9.7.500.' + Math.floor(Math.random() * 1e9);
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUID,
    MediaStorageSOPInstanceUID: sop,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: '1.2.826.0.1.3680043.9.7.0',
  };
  const ds = {
    SOPClassUID: sopClassUID,
    SOPInstanceUID: sop,
    Modality: 'REG',
    PatientName: 'Test^Registration',
    PatientID: 'REG1',
    StudyInstanceUID: '1.2.826.0.1.3680043.9.7.501',
    SeriesInstanceUID: '1.2.826.0.1.3680043.9.7.502',
    FrameOfReferenceUID: registeredFoR,
    ContentLabel: 'MR_TO_CT',
    RegistrationSequence: items.map((it) => ({
      FrameOfReferenceUID: it.frameOfReferenceUID,
      MatrixRegistrationSequence: [{
        MatrixSequence: it.matrices.map((m) => ({
          FrameOfReferenceTransformationMatrixType: it.type ?? 'RIGID',
          // DS values fit 16 characters.
          FrameOfReferenceTransformationMatrix: Array.from(m).map((v) => Number(v.toFixed(8)).toPrecision(12).replace(/\.?0+$/, '')).map(Number),
        })),
      }],
    })),
  };
  const dict = new dcm.DicomDict(dcm.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcm.DicomMetaDictionary.denaturalizeDataset(ds);
  await writeFile(file, Buffer.from(dict.write()));
}
