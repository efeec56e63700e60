/**
 * The byte layout of a DICOM file, found before any parser allocates anything: where the
 * dataset starts, which transfer syntax it uses, where the Pixel Data lies (native bytes or
 * encapsulated fragments), and a clean Part 10 buffer of everything before the pixels for
 * dcmjs to read.
 *
 * Why our own walk: dcmjs trusts declared lengths (a 4 GiB length becomes an allocation or a
 * RangeError deep inside), needs the 128-byte preamble and a File Meta group length (it has
 * looped on files without one), and copies pixel data we only want to locate. Walking the
 * element structure here bounds every length by the bytes actually present and normalises the
 * file so that dcmjs only ever sees well-formed input of known size.
 */
import { inflateRawSync } from 'node:zlib';
import { PipelineError } from '../errors.ts';

/** Transfer syntaxes whose Pixel Data is stored natively (not encapsulated). */
export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const EXPLICIT_BE = '1.2.840.10008.1.2.2';
export const DEFLATED_LE = '1.2.840.10008.1.2.1.99';

/** Largest file we read at all; planning images are far below this. */
export const MAX_FILE_BYTES = 2 ** 31 - 1;
/** Deepest sequence nesting walked (real files stay under 10). */
const MAX_DEPTH = 64;
const UNDEFINED = 0xffffffff;

/** Where the Pixel Data of a file is. Byte views share the file's buffer (no copies). */
export type PixelLocation =
  | { readonly kind: 'native'; readonly bytes: Uint8Array }
  | { readonly kind: 'encapsulated'; readonly offsetTable: readonly number[]; readonly fragments: readonly Uint8Array[] };

export interface FileLayout {
  readonly transferSyntaxUID: string;
  /** Whether the file had a File Meta header (else the syntax was guessed from the first element). */
  readonly hadMeta: boolean;
  /** Preamble + "DICM" + a File Meta group with a correct group length + the dataset up to Pixel Data. */
  readonly headerBuffer: ArrayBuffer;
  /** Syntax dcmjs must read `headerBuffer` with (deflated datasets are already inflated). */
  readonly headerSyntaxUID: string;
  readonly pixelData: PixelLocation | null;
  /**
   * Where native Pixel Data of defined length lies in the file itself (also when only the head
   * was read), so that a load can read the pixels straight into the volume; null when there are
   * none or they are encapsulated, deflated or of undefined length.
   */
  readonly pixelSpan: PixelSpan | null;
  /** Whether the dataset has Pixel Data (also when only the head of the file was read). */
  readonly hasPixelData: boolean;
  /** SOP Instance UID read straight from the bytes (lets a load skip a full header parse). */
  readonly sopInstanceUID: string;
  /**
   * The top-level elements before Pixel Data, as the walk met them; value offsets index
   * `headerBuffer` and every value lies inside it (lengths already checked). Lets the header
   * fast path read plain attributes without a full parser.
   */
  readonly topLevel: readonly TopElement[];
}

/** A byte range of a file: offset from the file's first byte, length in bytes. */
export interface PixelSpan {
  readonly offset: number;
  readonly length: number;
}

/** A top-level element located by the walk. */
export interface TopElement {
  readonly group: number;
  readonly element: number;
  /** The VR written in the file; '' under Implicit VR. */
  readonly vr: string;
  /** Value length; 0xFFFFFFFF for an undefined-length sequence. */
  readonly length: number;
  /** Offset of the value in `headerBuffer`. */
  readonly value: number;
}

interface Reader {
  readonly view: DataView;
  readonly le: boolean;
  explicit: boolean;
}

/**
 * Find the layout of a DICOM file in memory.
 *
 * @param fileSize the whole file's size when `bytes` is only its head (for scanning headers):
 *   the walk then stops at Pixel Data without locating it, and a head that ends before Pixel
 *   Data — inside an element or between two — throws like a truncated file would (callers
 *   retry with more of the file).
 * @throws PipelineError('DICOM_NOT_DICOM' | 'DICOM_MALFORMED') naming `path`.
 */
export function analyseFile(bytes: Uint8Array, path: string, fileSize = bytes.length): FileLayout {
  const bad = (msg: string) => new PipelineError('DICOM_MALFORMED', msg, path);
  let metaStart = -1;
  if (bytes.length >= 132 && ascii(bytes, 128, 4) === 'DICM') metaStart = 132;
  else if (bytes.length >= 4 && ascii(bytes, 0, 4) === 'DICM') metaStart = 4;

  let syntax = '';
  let datasetStart = 0;
  if (metaStart >= 0) {
    const meta = readMeta(bytes, metaStart, bad);
    syntax = meta.syntax;
    datasetStart = meta.end;
  } else if (bytes.length >= 8 && bytes[1] === 0 && bytes[0] === 0x02 && isVr(bytes, 4)) {
    // Group 0002 without preamble.
    const meta = readMeta(bytes, 0, bad);
    syntax = meta.syntax;
    datasetStart = meta.end;
  }
  const hadMeta = syntax !== '' || datasetStart > 0;
  let dataset = bytes.subarray(datasetStart);
  if (syntax === '') syntax = guessSyntax(dataset);
  if (syntax === '' && hadMeta) throw bad('File Meta header has no Transfer Syntax UID and the dataset\'s syntax cannot be recognised');
  if (syntax === '') throw new PipelineError('DICOM_NOT_DICOM', 'not a DICOM file (no "DICM" marker and no recognisable first element)', path);
  syntax = syntax.replace(/\0/g, '').trim();

  if (syntax === DEFLATED_LE) {
    try {
      dataset = new Uint8Array(inflateRawSync(dataset, { maxOutputLength: MAX_FILE_BYTES }));
    } catch (e) {
      throw bad(`deflated dataset does not inflate (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const le = syntax !== EXPLICIT_BE;
  const explicit = syntax !== IMPLICIT_LE;
  const reader: Reader = { view: new DataView(dataset.buffer, dataset.byteOffset, dataset.byteLength), le, explicit };
  const partial = fileSize > bytes.length;
  const found: Element[] = [];
  const { pixelAt, pixelData, pixelValue, sopInstanceUID } = walkTopLevel(reader, dataset, bad, partial ? fileSize - datasetStart : -1, found);
  // A head that ends on an element boundary before Pixel Data holds only part of the header.
  if (partial && !pixelData) throw bad(`header continues past the first ${bytes.length} bytes read`);
  const pixelSpan = pixelValue && syntax !== DEFLATED_LE && isNativeSyntax(syntax) ? { offset: datasetStart + pixelValue.at, length: pixelValue.length } : null;

  const headerSyntaxUID = syntax === DEFLATED_LE ? EXPLICIT_LE : isNativeSyntax(syntax) ? syntax : EXPLICIT_LE;
  const headerBuffer = buildPart10(headerSyntaxUID, dataset.subarray(0, pixelAt));
  const hasPixelData = pixelAt < dataset.length || (partial && pixelData !== null);
  // The walk's own elements become the layout's, their value offsets moved into headerBuffer.
  const base = headerBuffer.byteLength - pixelAt;
  for (const e of found) e.value += base;
  return { transferSyntaxUID: syntax, hadMeta, headerBuffer, headerSyntaxUID, pixelData: partial ? null : pixelData, pixelSpan, hasPixelData, sopInstanceUID, topLevel: found };
}

/**
 * The elements of the first item of a top-level sequence of `layout`, value offsets in
 * `headerBuffer` (sequences inside it are skipped whole); [] when the sequence has no item.
 * Every length is checked against the sequence's own bounds (the layout walk does not look
 * inside a sequence of defined length).
 *
 * @throws PipelineError('DICOM_MALFORMED') on an item that does not fit its sequence.
 */
export function firstItemElements(layout: FileLayout, sequence: TopElement): TopElement[] {
  const syntax = layout.headerSyntaxUID;
  const r: Reader = { view: new DataView(layout.headerBuffer), le: syntax !== EXPLICIT_BE, explicit: syntax !== IMPLICIT_LE };
  const bad = (msg: string) => new PipelineError('DICOM_MALFORMED', msg);
  const end = sequence.length === UNDEFINED ? layout.headerBuffer.byteLength : sequence.value + sequence.length;
  if (end - sequence.value < 8) return [];
  const item = readElement(r, sequence.value, end, bad);
  if (item.group !== 0xfffe || item.element !== 0xe000) return []; // the sequence's delimiter: no items
  const itemEnd = item.length === UNDEFINED ? end : item.value + item.length;
  if (itemEnd > end) throw bad(`an item of (${hex(sequence.group)},${hex(sequence.element)}) declares ${item.length} bytes but only ${end - item.value} remain`);
  const children: Element[] = [];
  for (let p = item.value; p < itemEnd; ) {
    const child = readElement(r, p, itemEnd, bad);
    if (child.group === 0xfffe) break; // the item's delimiter
    p = skipValue(r, child, itemEnd, 1, bad);
    children.push(child);
  }
  return children;
}

/** True for syntaxes whose pixel data is native (not encapsulated). */
export function isNativeSyntax(uid: string): boolean {
  return uid === IMPLICIT_LE || uid === EXPLICIT_LE || uid === EXPLICIT_BE || uid === DEFLATED_LE;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && at + i < b.length; i++) s += String.fromCharCode(b[at + i]);
  return s;
}

function isVr(b: Uint8Array, at: number): boolean {
  const a = b[at], c = b[at + 1];
  return a >= 65 && a <= 90 && c >= 65 && c <= 90;
}

/** Walk group 0002 (always Explicit VR Little Endian) without trusting its group length. */
function readMeta(bytes: Uint8Array, start: number, bad: (m: string) => Error): { syntax: string; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = start;
  let syntax = '';
  while (p + 8 <= bytes.length && view.getUint16(p, true) === 0x0002) {
    const element = view.getUint16(p + 2, true);
    if (!isVr(bytes, p + 4)) throw bad(`File Meta element (0002,${hex(element)}) has no valid VR`);
    const vr = ascii(bytes, p + 4, 2);
    let len: number, value: number;
    if (LONG_VRS.has(vr)) {
      if (p + 12 > bytes.length) throw bad('File Meta header is truncated');
      len = view.getUint32(p + 8, true);
      value = p + 12;
    } else {
      len = view.getUint16(p + 6, true);
      value = p + 8;
    }
    if (len === UNDEFINED || value + len > bytes.length) throw bad(`File Meta element (0002,${hex(element)}) declares ${len} bytes, more than the file holds`);
    if (element === 0x0010) syntax = ascii(bytes, value, len).replace(/\0/g, '').trim();
    p = value + len;
  }
  return { syntax, end: p };
}

/** Guess the syntax of a dataset without File Meta from its first element (group 0008 in practice). */
function guessSyntax(d: Uint8Array): string {
  if (d.length < 8) return '';
  const groupLE = d[0] | (d[1] << 8);
  const groupBE = (d[0] << 8) | d[1];
  const plausible = (g: number) => g > 0x0002 && g <= 0x0020 && g % 2 === 0;
  if (plausible(groupLE)) return isVr(d, 4) ? EXPLICIT_LE : IMPLICIT_LE;
  if (plausible(groupBE) && isVr(d, 4)) return EXPLICIT_BE;
  return '';
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** Two-letter VR strings made once each: a new string per element was most of a walk's garbage. */
const VR_NAMES: string[] = [];
function vrName(b0: number, b1: number): string {
  const code = (b0 - 65) * 26 + (b1 - 65);
  return (VR_NAMES[code] ??= String.fromCharCode(b0, b1));
}

interface Element {
  readonly group: number;
  readonly element: number;
  readonly vr: string;
  readonly length: number;
  value: number;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function readElement(r: Reader, p: number, end: number, bad: (m: string) => Error): Element {
  if (p + 8 > end) throw bad(`truncated element header at byte ${p}`);
  const group = r.view.getUint16(p, r.le);
  const element = r.view.getUint16(p + 2, r.le);
  if (group === 0xfffe) return { group, element, vr: '', length: r.view.getUint32(p + 4, r.le), value: p + 8 };
  if (!r.explicit) return { group, element, vr: '', length: r.view.getUint32(p + 4, r.le), value: p + 8 };
  const b0 = r.view.getUint8(p + 4), b1 = r.view.getUint8(p + 5);
  if (b0 < 65 || b0 > 90 || b1 < 65 || b1 > 90) throw bad(`element (${hex(group)},${hex(element)}) at byte ${p} has no valid VR`);
  const vr = vrName(b0, b1);
  if (LONG_VRS.has(vr)) {
    if (p + 12 > end) throw bad(`truncated element header at byte ${p}`);
    return { group, element, vr, length: r.view.getUint32(p + 8, r.le), value: p + 12 };
  }
  return { group, element, vr, length: r.view.getUint16(p + 6, r.le), value: p + 8 };
}

interface TopLevel {
  pixelAt: number;
  pixelData: PixelLocation | null;
  /** Offset (in the dataset) and length of a defined-length Pixel Data value. */
  pixelValue?: { at: number; length: number };
  sopInstanceUID: string;
}

/** @param wholeLength the dataset's length in the whole file when `d` is only its head, else −1. */
function walkTopLevel(r: Reader, d: Uint8Array, bad: (m: string) => Error, wholeLength: number, found: Element[]): TopLevel {
  let p = 0;
  let sopInstanceUID = '';
  const end = d.length;
  while (p < end) {
    if (end - p < 8 && d.subarray(p).every((b) => b === 0)) break; // trailing padding
    const el = readElement(r, p, end, bad);
    if (el.group === 0x7fe0 && el.element === 0x0010) {
      if (wholeLength >= 0) {
        // Head only: the pixels are not needed, only the fact that they are there (and fit).
        if (el.length !== UNDEFINED && el.value + el.length > wholeLength) {
          throw bad(`Pixel Data declares ${el.length} bytes but only ${wholeLength - el.value} are in the file (truncated)`);
        }
        const pixelValue = el.length === UNDEFINED ? undefined : { at: el.value, length: el.length };
        return { pixelAt: p, pixelData: { kind: 'native', bytes: new Uint8Array(0) }, pixelValue, sopInstanceUID };
      }
      if (el.length === UNDEFINED) return { pixelAt: p, pixelData: readFragments(r, d, el.value, bad), sopInstanceUID };
      if (el.value + el.length > end) {
        throw bad(`Pixel Data declares ${el.length} bytes but only ${end - el.value} are in the file (truncated)`);
      }
      return { pixelAt: p, pixelData: { kind: 'native', bytes: d.subarray(el.value, el.value + el.length) }, pixelValue: { at: el.value, length: el.length }, sopInstanceUID };
    }
    if (el.group === 0x0008 && el.element === 0x0018 && el.length < 256 && el.value + el.length <= end) {
      sopInstanceUID = ascii(d, el.value, el.length).replace(/\0/g, '').trim();
    }
    p = skipValue(r, el, end, 0, bad);
    found.push(el);
  }
  return { pixelAt: end, pixelData: null, sopInstanceUID };
}

/** An element's tag for a message. */
function tagOf(el: Element): string {
  return `(${hex(el.group)},${hex(el.element)})`;
}

/** Offset just past an element's value, walking undefined-length sequences item by item. */
function skipValue(r: Reader, el: Element, end: number, depth: number, bad: (m: string) => Error): number {
  if (el.length !== UNDEFINED) {
    if (el.value + el.length > end) throw bad(`element ${tagOf(el)} declares ${el.length} bytes but only ${end - el.value} remain (truncated or corrupt)`);
    return el.value + el.length;
  }
  if (depth >= MAX_DEPTH) throw bad(`sequences nested deeper than ${MAX_DEPTH} levels at ${tagOf(el)}`);
  // An undefined-length UN holds Implicit VR Little Endian content (PS3.5 6.2.2).
  const inner: Reader = el.vr === 'UN' ? { view: r.view, le: true, explicit: false } : r;
  let p = el.value;
  for (;;) {
    const item = readElement(inner, p, end, bad);
    if (item.group !== 0xfffe) throw bad(`sequence ${tagOf(el)} holds a non-item element at byte ${p}`);
    if (item.element === 0xe0dd) return item.value;
    if (item.element !== 0xe000) throw bad(`sequence ${tagOf(el)} holds an unexpected delimiter at byte ${p}`);
    if (item.length !== UNDEFINED) {
      if (item.value + item.length > end) throw bad(`an item of ${tagOf(el)} declares ${item.length} bytes but only ${end - item.value} remain`);
      p = item.value + item.length;
      continue;
    }
    p = item.value;
    for (;;) {
      const child = readElement(inner, p, end, bad);
      if (child.group === 0xfffe && child.element === 0xe00d) {
        p = child.value;
        break;
      }
      p = skipValue(inner, child, end, depth + 1, bad);
    }
  }
}

function readFragments(r: Reader, d: Uint8Array, start: number, bad: (m: string) => Error): PixelLocation {
  const end = d.length;
  let p = start;
  const items: Uint8Array[] = [];
  for (;;) {
    if (p + 8 > end) throw bad('encapsulated Pixel Data is truncated (no sequence delimiter)');
    const group = r.view.getUint16(p, true), element = r.view.getUint16(p + 2, true);
    const length = r.view.getUint32(p + 4, true);
    if (group !== 0xfffe) throw bad(`encapsulated Pixel Data holds a non-item element at byte ${p}`);
    if (element === 0xe0dd) break;
    if (element !== 0xe000 || length === UNDEFINED) throw bad(`encapsulated Pixel Data has a malformed item at byte ${p}`);
    if (p + 8 + length > end) throw bad(`a Pixel Data fragment declares ${length} bytes but only ${end - p - 8} remain (truncated)`);
    items.push(d.subarray(p + 8, p + 8 + length));
    p += 8 + length;
  }
  if (items.length === 0) throw bad('encapsulated Pixel Data has no Basic Offset Table item');
  const bot = items[0];
  const offsetTable: number[] = [];
  const botView = new DataView(bot.buffer, bot.byteOffset, bot.byteLength);
  for (let i = 0; i + 4 <= bot.length; i += 4) offsetTable.push(botView.getUint32(i, true));
  return { kind: 'encapsulated', offsetTable, fragments: items.slice(1) };
}

/** A Part 10 buffer dcmjs reads without surprises: preamble, DICM, meta with group length, dataset. */
function buildPart10(headerSyntax: string, dataset: Uint8Array): ArrayBuffer {
  const ts = evenAscii(headerSyntax);
  // Only (0002,0010) matters to dcmjs; nothing else from the original meta is needed downstream.
  const metaBody = 14 /* (0002,0001) */ + 8 + ts.length;
  const total = 132 + 12 + metaBody + dataset.length;
  const out = new Uint8Array(total);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  const v = new DataView(out.buffer);
  let p = 132;
  // (0002,0000) UL group length
  v.setUint16(p, 0x0002, true); v.setUint16(p + 2, 0x0000, true); out.set([0x55, 0x4c], p + 4); v.setUint16(p + 6, 4, true);
  v.setUint32(p + 8, metaBody, true);
  p += 12;
  // (0002,0001) OB file meta version 00\01
  v.setUint16(p, 0x0002, true); v.setUint16(p + 2, 0x0001, true); out.set([0x4f, 0x42, 0, 0], p + 4); v.setUint32(p + 8, 2, true);
  out.set([0, 1], p + 12);
  p += 14;
  // (0002,0010) UI transfer syntax
  v.setUint16(p, 0x0002, true); v.setUint16(p + 2, 0x0010, true); out.set([0x55, 0x49], p + 4); v.setUint16(p + 6, ts.length, true);
  out.set(ts, p + 8);
  p += 8 + ts.length;
  out.set(dataset, p);
  return out.buffer;
}

function evenAscii(s: string): Uint8Array {
  const n = s.length + (s.length % 2);
  const b = new Uint8Array(n);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}
