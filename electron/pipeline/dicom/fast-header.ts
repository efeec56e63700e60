/**
 * The header fast path: read the plain attributes ingest needs straight from the elements the
 * layout walk already located, without building a dcmjs dataset. Building one costs about a
 * millisecond per file plus loading dcmjs itself (in a worker, whose start-up comes on top),
 * which dominated scanning a CT or PET series.
 *
 * It only answers when the result is certain to equal the full parse (a test checks this on
 * every real file in the shared data): classic images whose wanted attributes are plain ASCII
 * with the VR the dictionary gives, PET included — its radiopharmaceutical is read from the
 * first item of its sequence. Anything else — enhanced multi-frame functional groups, PET with
 * vendor private groups (Philips and GE scale factors, read only by the parser), RT Structure
 * Sets, non-ASCII text, an unexpected VR, a missing identity — returns null and goes to the full
 * parser. Every value offset was bounded by the layout walk, so this reads nothing outside the
 * header buffer.
 */
import { Buffer } from 'node:buffer';
import { EXPLICIT_BE, firstItemElements, IMPLICIT_LE, type FileLayout, type TopElement } from './file-layout.ts';
import { extractHeader, RTSTRUCT_CLASS, type FileHeader } from './header.ts';

/** (group << 16 | element) → [VR, keyword] for every plain attribute extractHeader reads. */
const WANTED = new Map<number, readonly [string, string]>([
  [0x00080008, ['CS', 'ImageType']],
  [0x00080016, ['UI', 'SOPClassUID']],
  [0x00080018, ['UI', 'SOPInstanceUID']],
  [0x00080020, ['DA', 'StudyDate']],
  [0x00080021, ['DA', 'SeriesDate']],
  [0x00080030, ['TM', 'StudyTime']],
  [0x00080031, ['TM', 'SeriesTime']],
  [0x00080050, ['SH', 'AccessionNumber']],
  [0x00080060, ['CS', 'Modality']],
  [0x00080070, ['LO', 'Manufacturer']],
  [0x00080090, ['PN', 'ReferringPhysicianName']],
  [0x00081030, ['LO', 'StudyDescription']],
  [0x0008103e, ['LO', 'SeriesDescription']],
  [0x00100010, ['PN', 'PatientName']],
  [0x00100020, ['LO', 'PatientID']],
  [0x00100030, ['DA', 'PatientBirthDate']],
  [0x00100040, ['CS', 'PatientSex']],
  [0x00180050, ['DS', 'SliceThickness']],
  [0x00180088, ['DS', 'SpacingBetweenSlices']],
  [0x0020000d, ['UI', 'StudyInstanceUID']],
  [0x0020000e, ['UI', 'SeriesInstanceUID']],
  [0x00200010, ['SH', 'StudyID']],
  [0x00200011, ['IS', 'SeriesNumber']],
  [0x00200012, ['IS', 'AcquisitionNumber']],
  [0x00200013, ['IS', 'InstanceNumber']],
  [0x00200032, ['DS', 'ImagePositionPatient']],
  [0x00200037, ['DS', 'ImageOrientationPatient']],
  [0x00200052, ['UI', 'FrameOfReferenceUID']],
  [0x00280002, ['US', 'SamplesPerPixel']],
  [0x00280004, ['CS', 'PhotometricInterpretation']],
  [0x00280006, ['US', 'PlanarConfiguration']],
  [0x00280008, ['IS', 'NumberOfFrames']],
  [0x00280010, ['US', 'Rows']],
  [0x00280011, ['US', 'Columns']],
  [0x00280030, ['DS', 'PixelSpacing']],
  [0x00280100, ['US', 'BitsAllocated']],
  [0x00280101, ['US', 'BitsStored']],
  [0x00280102, ['US', 'HighBit']],
  [0x00280103, ['US', 'PixelRepresentation']],
  [0x00281052, ['DS', 'RescaleIntercept']],
  [0x00281053, ['DS', 'RescaleSlope']],
  [0x00281054, ['LO', 'RescaleType']],
  [0x00541001, ['CS', 'Units']],
  // PET, for SUV
  [0x00080022, ['DA', 'AcquisitionDate']],
  [0x00080032, ['TM', 'AcquisitionTime']],
  [0x00101020, ['DS', 'PatientSize']],
  [0x00101030, ['DS', 'PatientWeight']],
  [0x00181242, ['IS', 'ActualFrameDuration']],
  [0x00280051, ['CS', 'CorrectedImage']],
  [0x00541102, ['CS', 'DecayCorrection']],
  [0x00541300, ['DS', 'FrameReferenceTime']],
]);

/** Radiopharmaceutical Information Sequence: extractHeader reads its first item. */
const RADIOPHARMACEUTICAL = 0x00540016;
const RADIOPHARMACEUTICAL_ITEM = new Map<number, readonly [string, string]>([
  [0x00181072, ['TM', 'RadiopharmaceuticalStartTime']],
  [0x00181074, ['DS', 'RadionuclideTotalDose']],
  [0x00181075, ['DS', 'RadionuclideHalfLife']],
  [0x00181078, ['DT', 'RadiopharmaceuticalStartDateTime']],
]);

/** Sequences extractHeader reads that only the parser reads: their presence sends the file there. */
const NEEDS_PARSER = new Set([0x52009229, 0x52009230, 0x30060010]);
/** Private groups holding PET scale factors (GE 0009, Philips 7053): a PET with them goes to the parser. */
const PET_PRIVATE_GROUPS = new Set([0x0009, 0x7053]);

/** A value that sends the file to the full parser. */
const DECLINE = Symbol('decline');

/**
 * The header of a file from its layout alone, or null when only the full parser can be trusted
 * with it (see the module doc).
 */
export function fastHeader(layout: FileLayout, path: string): FileHeader | null {
  const read = valueReader(layout);
  const values: Record<string, unknown> = {};
  let petPrivate = false;
  for (let e = 0; e < layout.topLevel.length; e++) {
    const el = layout.topLevel[e];
    const tag = ((el.group << 16) | el.element) >>> 0;
    if (NEEDS_PARSER.has(tag)) return null;
    if (PET_PRIVATE_GROUPS.has(el.group)) petPrivate = true;
    if (tag === RADIOPHARMACEUTICAL) {
      if (layout.headerSyntaxUID !== IMPLICIT_LE && el.vr !== 'SQ') return null;
      const item: Record<string, unknown> = {};
      let children: TopElement[];
      try {
        children = firstItemElements(layout, el);
      } catch {
        return null; // a malformed item: the parser decides what it is
      }
      for (const child of children) if (!readInto(item, child, RADIOPHARMACEUTICAL_ITEM, read)) return null;
      values.RadiopharmaceuticalInformationSequence = [item];
    } else if (!readInto(values, el, WANTED, read)) return null;
  }
  const ds = { values };
  const header = extractHeader(ds, path, layout.transferSyntaxUID, layout.hasPixelData);
  if (!header.sopInstanceUID || !header.seriesInstanceUID) return null;
  if ((header.modality === 'PT' && petPrivate) || header.modality === 'RTSTRUCT' || header.sopClassUID === RTSTRUCT_CLASS) return null;
  return header;
}

/** Read `el` into `into` under its keyword when `wanted` lists it; false when it must go to the parser. */
function readInto(into: Record<string, unknown>, el: TopElement, wanted: ReadonlyMap<number, readonly [string, string]>, read: ValueReader): boolean {
  const w = wanted.get(((el.group << 16) | el.element) >>> 0);
  if (!w) return true;
  const value = read(el, w[0]);
  if (value === DECLINE) return false;
  if (value !== undefined) into[w[1]] = value;
  return true;
}

type ValueReader = (el: TopElement, vr: string) => unknown;

/**
 * How one element's value reads as the parser would give it: US as numbers, text as trimmed
 * strings (PN as its alphabetic group), several values as a list; undefined when there is
 * nothing to read, DECLINE when only the parser can be trusted with it.
 */
function valueReader(layout: FileLayout): ValueReader {
  const syntax = layout.headerSyntaxUID;
  const le = syntax !== EXPLICIT_BE;
  const implicit = syntax === IMPLICIT_LE;
  const bytes = new Uint8Array(layout.headerBuffer);
  const view = new DataView(layout.headerBuffer);
  const latin1 = Buffer.from(layout.headerBuffer);
  return (el: TopElement, vr: string): unknown => {
    if (!implicit && el.vr !== vr) return DECLINE;
    if (el.length === 0xffffffff) return DECLINE;
    // Empty: the parser gives '' for text (which SUV inputs tell from absent), nothing usable for numbers.
    if (el.length === 0) return vr === 'US' || vr === 'DS' || vr === 'IS' || vr === 'PN' ? undefined : '';
    if (vr === 'US') {
      if (el.length % 2) return DECLINE;
      const list: number[] = [];
      for (let i = 0; i < el.length; i += 2) list.push(view.getUint16(el.value + i, le));
      return list.length === 1 ? list[0] : list;
    }
    let end = el.value + el.length;
    let multiple = false;
    for (let i = el.value; i < end; i++) {
      const b = bytes[i];
      // Non-ASCII or ISO 2022 escapes: the character set matters, the full parser decodes it.
      if (b >= 0x80 || b === 0x1b) return DECLINE;
      if (b === 0x5c) multiple = true; // a backslash separates values
    }
    // One string per value, padding cut from the bytes (a scan's garbage was mostly strings).
    let parts: string[];
    if (multiple) {
      parts = latin1.toString('latin1', el.value, end).split('\\').map((s) => s.replace(/[\0 ]+$/, ''));
    } else {
      while (end > el.value && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
      parts = [latin1.toString('latin1', el.value, end)];
    }
    const list = vr === 'PN' ? parts.map((s) => ({ Alphabetic: s.split('=')[0] })) : parts;
    return list.length === 1 ? list[0] : list;
  };
}
