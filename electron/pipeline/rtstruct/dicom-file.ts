/**
 * The one place where RT Structure Sets meet DICOM bytes: parse a file into a naturalized
 * dataset (keyword → value) and serialise one back to Part 10 bytes with dcmjs. Nothing else
 * in rtstruct/ sees dcmjs shapes.
 */
// Ingest's guarded reader: one DICOM parser for the whole pipeline rather than a second one here.
import { readDicomDataset } from '../dicom/index.ts';
import dcmjs from 'dcmjs';

// dcmjs logs every oddity it tolerates; our errors say what matters instead.
(dcmjs as unknown as { log: { setLevel(level: string): void } }).log.setLevel('error');

/** A naturalized DICOM dataset: keyword → value; sequences are arrays of datasets. */
export type NaturalDataset = Record<string, unknown>;

interface DcmjsData {
  DicomMetaDictionary: {
    denaturalizeDataset(ds: NaturalDataset): Record<string, unknown>;
  };
  DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(options?: Record<string, unknown>): ArrayBuffer };
}
const data = (dcmjs as unknown as { data: DcmjsData }).data;

/** Implicit VR Little Endian: the default transfer syntax, with 32-bit lengths for every element. */
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';

/** Largest structure set we parse: real ones reach tens of MB; beyond this is not an RTSTRUCT. */
const MAX_BYTES = 512 * 1024 * 1024;

/**
 * Read a DICOM file into a naturalized dataset through ingest's guarded parser: the element
 * structure is walked and checked before dcmjs sees it (dcmjs has looped forever on files
 * without a meta length), files without preamble or meta header are accepted, and any
 * failure is one line naming the file.
 *
 * @throws PipelineError naming `path` (FILE_READ, DICOM_TOO_LARGE, DICOM_NOT_DICOM, DICOM_MALFORMED).
 */
export async function readDataset(path: string): Promise<NaturalDataset> {
  return (await readDicomDataset(path, MAX_BYTES)) as NaturalDataset;
}

/**
 * Serialise a naturalized dataset as a Part 10 file in Implicit VR Little Endian.
 *
 * Why implicit VR: in Explicit VR Little Endian a DS element has a 16-bit length (PS3.5
 * 7.1.2), so the Contour Data of one large contour (above ~65 534 bytes, ≈ 4 000 points)
 * cannot be encoded; dcmjs then silently rewrites it as VR UN with a 32-bit length, which many
 * readers do not understand. Implicit VR has 32-bit lengths for every element and is the DICOM
 * default transfer syntax that every application must accept (PS3.5 10.1).
 */
export function encodeDataset(dataset: NaturalDataset, sopClassUID: string, sopInstanceUID: string, implementation: { classUID: string; versionName: string }): Uint8Array {
  const meta = data.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUID,
    MediaStorageSOPInstanceUID: sopInstanceUID,
    TransferSyntaxUID: IMPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: implementation.classUID,
    ImplementationVersionName: implementation.versionName,
  });
  const dict = new data.DicomDict(meta);
  dict.dict = data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}
