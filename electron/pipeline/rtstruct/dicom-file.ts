/**
 * The one place where RT Structure Sets meet dcmjs: parse a file into a naturalized dataset
 * (keyword → value) and serialise one back to Part 10 bytes. Nothing else in rtstruct/ sees
 * dcmjs shapes.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { PipelineError } from '../errors.ts';

// dcmjs ships no type declarations; importing it through a variable keeps the compiler from
// demanding them while the shapes used here are declared below (and only here).
const DCMJS = 'dcmjs';
const dcmjs: unknown = (await import(DCMJS)).default;

// dcmjs logs every oddity it tolerates; our errors say what matters instead.
(dcmjs as unknown as { log: { setLevel(level: string): void } }).log.setLevel('error');

/** A naturalized DICOM dataset: keyword → value; sequences are arrays of datasets. */
export type NaturalDataset = Record<string, unknown>;

interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer, options: Record<string, unknown>): { dict: Record<string, unknown>; meta: Record<string, unknown> } };
  DicomMetaDictionary: {
    naturalizeDataset(dict: Record<string, unknown>): NaturalDataset;
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
 * Read a DICOM Part 10 file into a naturalized dataset.
 *
 * The preamble and "DICM" magic are checked first: dcmjs has looped on files without a
 * meta header, and a structure set without one is not something a TPS writes.
 *
 * @throws PipelineError naming `path`: RTSTRUCT_UNREADABLE (missing, too large, not Part 10,
 *   unparsable).
 */
export async function readDataset(path: string): Promise<NaturalDataset> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new PipelineError('RTSTRUCT_UNREADABLE', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  if (size > MAX_BYTES) throw new PipelineError('RTSTRUCT_UNREADABLE', `file of ${size} bytes is larger than the ${MAX_BYTES}-byte limit`, path);
  const bytes = await readFile(path);
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
    throw new PipelineError('RTSTRUCT_UNREADABLE', 'not a DICOM Part 10 file (no DICM preamble)', path);
  }
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const message = data.DicomMessage.readFile(buffer, { ignoreErrors: true });
    return data.DicomMetaDictionary.naturalizeDataset(message.dict);
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new PipelineError('RTSTRUCT_UNREADABLE', `DICOM cannot be parsed (${reason})`, path);
  }
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

/** True when the file exists (used to refuse overwriting). */
export async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}
