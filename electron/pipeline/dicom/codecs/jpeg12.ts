/**
 * 12-bit lossy JPEG (extended sequential SOF1 and progressive SOF2 with precision 12; DICOM
 * 1.2.840.10008.1.2.4.51/.53/.55). None of the @cornerstonejs codecs decodes it (their
 * libjpeg-turbo build is 8-bit only); GDCM does (it links IJG libjpeg built for 8, 12 and
 * 16 bits), and ITK-Wasm ships GDCM as the `gdcm-read-image` pipeline of @itk-wasm/image-io.
 * GDCM reads whole DICOM files, so we wrap the frame in a minimal in-memory Part 10 file
 * (nothing touches the disk) and read back the decoded samples.
 *
 * Cost: ITK-Wasm instantiates the pipeline module per call (~0.1 s per frame). 12-bit lossy
 * JPEG is rare in radiotherapy planning data, so correctness wins over speed here.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { PipelineError } from '../../errors.ts';

const require = createRequire(import.meta.url);

/** The Image Pixel attributes written into the wrapper file. */
export interface Jpeg12Pixel {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly photometricInterpretation: string;
  readonly precision: number;
}

interface ItkWasm {
  runPipelineNode(pipelinePath: string, args: string[], outputs: { type: string }[], inputs: { type: string; data: unknown }[]): Promise<{
    returnValue: number; stderr: string; outputs: { data: unknown }[];
  }>;
}

let itkWasm: Promise<ItkWasm> | undefined;

/** Decode one 12-bit lossy JPEG frame to unsigned samples (Uint16Array, interleaved). */
export async function decodeJpeg12(frame: Uint8Array, pixel: Jpeg12Pixel, transferSyntaxUID: string): Promise<Uint16Array> {
  itkWasm ??= import('itk-wasm' as string) as Promise<ItkWasm>;
  let itk: ItkWasm;
  try {
    itk = await itkWasm;
  } catch (e) {
    itkWasm = undefined;
    throw new PipelineError('DICOM_DECODE', `12-bit JPEG decoder (ITK-Wasm GDCM) could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
  const pipeline = path.join(path.dirname(require.resolve('@itk-wasm/image-io')), 'pipelines', 'gdcm-read-image');
  const name = 'frame.dcm';
  const file = wrapFrame(frame, pixel, transferSyntaxUID);
  let result;
  try {
    result = await withoutGdcmChatter(() => itk.runPipelineNode(pipeline, [name, '0', '1', '--memory-io'], [{ type: 'JsonCompatible' }, { type: 'Image' }], [{ type: 'BinaryFile', data: { path: name, data: file } }]));
  } catch (e) {
    throw new PipelineError('DICOM_DECODE', `GDCM could not decode the 12-bit JPEG frame: ${e instanceof Error ? e.message.split('\n')[0] : 'corrupt codestream'}`);
  }
  const couldRead = result.outputs[0]?.data;
  const image = result.outputs[1]?.data as { data?: ArrayLike<number>; size?: number[] } | undefined;
  const expected = pixel.rows * pixel.columns * pixel.samplesPerPixel;
  if (result.returnValue !== 0 || couldRead === false || !image?.data || image.data.length !== expected) {
    throw new PipelineError('DICOM_DECODE', `GDCM could not decode the 12-bit JPEG frame${result.stderr ? `: ${lastLine(result.stderr)}` : ''}`);
  }
  return Uint16Array.from(image.data);
}

/**
 * The ITK-Wasm pipeline echoes GDCM's diagnostics with console.error/console.log (IJG's
 * 8-bit probe says "Unsupported JPEG data precision 12" before the 12-bit library takes
 * over), which would garble the CLI's stderr. While a decode runs, those known lines are
 * dropped; every other line still goes through. Reference-counted for overlapping decodes.
 */
const CHATTER = /^(Unsupported JPEG data precision 12|Invalid SOS parameters for sequential JPEG|stdout:|stderr:|exception:|Exception while running pipeline|Build module in Debug mode)/;
let quietDepth = 0;
let saved: { error: typeof console.error; log: typeof console.log } | undefined;

async function withoutGdcmChatter<T>(work: () => Promise<T>): Promise<T> {
  if (quietDepth++ === 0) {
    const original = { error: console.error, log: console.log };
    saved = original;
    const filter = (print: (...a: unknown[]) => void) => (...a: unknown[]) => {
      if (!(typeof a[0] === 'string' && CHATTER.test(a[0]))) print.apply(console, a);
    };
    console.error = filter(original.error);
    console.log = filter(original.log);
  }
  try {
    return await work();
  } finally {
    if (--quietDepth === 0 && saved) {
      console.error = saved.error;
      console.log = saved.log;
      saved = undefined;
    }
  }
}

/** GDCM's stderr carries IJG's "Unsupported JPEG data precision 12" probes before it succeeds; the last line is the real one. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** A minimal Explicit VR Little Endian Part 10 file around one encapsulated frame. */
function wrapFrame(frame: Uint8Array, pixel: Jpeg12Pixel, transferSyntaxUID: string): Uint8Array {
  const sopClass = '1.2.840.10008.5.1.4.1.1.7';
  const sopInstance = '2.25.1';
  const meta = [
    element(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
    element(0x0002, 0x0002, 'UI', ui(sopClass)),
    element(0x0002, 0x0003, 'UI', ui(sopInstance)),
    element(0x0002, 0x0010, 'UI', ui(transferSyntaxUID)),
  ];
  const metaLength = meta.reduce((n, e) => n + e.length, 0);
  const stored = pixel.precision;
  const dataset = [
    element(0x0008, 0x0016, 'UI', ui(sopClass)),
    element(0x0008, 0x0018, 'UI', ui(sopInstance)),
    element(0x0028, 0x0002, 'US', us(pixel.samplesPerPixel)),
    element(0x0028, 0x0004, 'CS', cs(pixel.photometricInterpretation)),
    ...(pixel.samplesPerPixel > 1 ? [element(0x0028, 0x0006, 'US', us(0))] : []),
    element(0x0028, 0x0010, 'US', us(pixel.rows)),
    element(0x0028, 0x0011, 'US', us(pixel.columns)),
    element(0x0028, 0x0100, 'US', us(16)),
    element(0x0028, 0x0101, 'US', us(stored)),
    element(0x0028, 0x0102, 'US', us(stored - 1)),
    // Unsigned on purpose: JPEG samples are unsigned; the caller sign-extends per PixelRepresentation.
    element(0x0028, 0x0103, 'US', us(0)),
    encapsulatedPixelData(frame),
  ];
  const parts = [new Uint8Array(128), ascii('DICM'), element(0x0002, 0x0000, 'UL', ul(metaLength)), ...meta, ...dataset];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function element(group: number, elem: number, vr: string, value: Uint8Array): Uint8Array {
  const long = vr === 'OB' || vr === 'OW' || vr === 'UN' || vr === 'SQ';
  const head = new Uint8Array(long ? 12 : 8);
  const v = new DataView(head.buffer);
  v.setUint16(0, group, true); v.setUint16(2, elem, true);
  head[4] = vr.charCodeAt(0); head[5] = vr.charCodeAt(1);
  if (long) v.setUint32(8, value.length, true); else v.setUint16(6, value.length, true);
  const out = new Uint8Array(head.length + value.length);
  out.set(head); out.set(value, head.length);
  return out;
}

function encapsulatedPixelData(frame: Uint8Array): Uint8Array {
  const padded = frame.length % 2 === 0 ? frame : concat(frame, new Uint8Array(1));
  const head = new Uint8Array(12 + 8 + 8);
  const v = new DataView(head.buffer);
  v.setUint16(0, 0x7fe0, true); v.setUint16(2, 0x0010, true);
  head[4] = 0x4f; head[5] = 0x42; // 'OB'
  v.setUint32(8, 0xffffffff, true);
  v.setUint16(12, 0xfffe, true); v.setUint16(14, 0xe000, true); v.setUint32(16, 0, true); // empty offset table
  v.setUint16(20, 0xfffe, true); v.setUint16(22, 0xe000, true); v.setUint32(24, padded.length, true);
  const tail = new Uint8Array(8);
  const t = new DataView(tail.buffer);
  t.setUint16(0, 0xfffe, true); t.setUint16(2, 0xe0dd, true);
  return concat(concat(head, padded), tail);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** UI values are padded with NUL to even length, CS with a space. */
function ui(s: string): Uint8Array { return ascii(s.length % 2 ? `${s}\0` : s); }
function cs(s: string): Uint8Array { return ascii(s.length % 2 ? `${s} ` : s); }
function us(n: number): Uint8Array { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, n, true); return b; }
function ul(n: number): Uint8Array { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return b; }
