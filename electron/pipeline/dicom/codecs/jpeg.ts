/**
 * ISO 10918 JPEG frames (DICOM 1.2.840.10008.1.2.4.50–.70): read the frame header to learn
 * the process and precision, then route to the decoder that handles it. The codestream,
 * not the transfer syntax, decides: files labelled .51 often hold 8-bit baseline data and
 * lossless data sometimes hides behind a lossy UID.
 *
 * - SOF3 lossless (Process 14, .57/.70), 2–16 bit: jpeg-lossless-decoder-js.
 * - SOF0/1/2 with 8-bit precision: libjpeg-turbo (WASM), which also converts YCbCr to RGB.
 * - SOF1/2 with 12-bit precision: GDCM via ITK-Wasm (see jpeg12.ts).
 * - Hierarchical (SOF5–7) and arithmetic-coded (SOF9–15) frames are refused.
 */
import { createRequire } from 'node:module';
import { PipelineError } from '../../errors.ts';
import { runCodec } from './wasm.ts';
import { decodeJpeg12 } from './jpeg12.ts';

const require = createRequire(import.meta.url);

/** What the SOF marker says about a JPEG frame. */
export interface JpegFrameHeader {
  /** SOF index n of the SOFn marker (0 baseline, 1 extended, 2 progressive, 3 lossless …). */
  readonly process: number;
  readonly precision: number;
  readonly rows: number;
  readonly columns: number;
  readonly components: number;
}

/** Samples decoded from a JPEG frame: interleaved, unsigned, colour already RGB for DCT processes. */
export interface JpegDecoded {
  readonly samples: Uint8Array | Uint16Array;
  readonly header: JpegFrameHeader;
  /** True when the decoder converted YCbCr to RGB itself. */
  readonly colourConverted: boolean;
}

/** Find the frame header (SOFn) by walking the marker segments; throws when there is none. */
export function readJpegFrameHeader(frame: Uint8Array): JpegFrameHeader {
  if (frame.length < 4 || frame[0] !== 0xff || frame[1] !== 0xd8) {
    throw new PipelineError('DICOM_DECODE', 'JPEG frame does not start with an SOI marker');
  }
  let i = 2;
  while (i + 4 <= frame.length) {
    if (frame[i] !== 0xff) throw new PipelineError('DICOM_DECODE', `JPEG marker expected at byte ${i}`);
    const marker = frame[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    const length = (frame[i + 2] << 8) | frame[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 10 > frame.length) break;
      return {
        process: marker - 0xc0,
        precision: frame[i + 4],
        rows: (frame[i + 5] << 8) | frame[i + 6],
        columns: (frame[i + 7] << 8) | frame[i + 8],
        components: frame[i + 9],
      };
    }
    if (marker === 0xda) break; // start of scan before any frame header
    i += 2 + length;
  }
  throw new PipelineError('DICOM_DECODE', 'JPEG frame has no frame header (SOF marker)');
}

/** Decode one JPEG frame; `photometric` and `transferSyntaxUID` are only passed on to GDCM for 12-bit data. */
export async function decodeJpeg(frame: Uint8Array, photometric: string, transferSyntaxUID: string): Promise<JpegDecoded> {
  const header = readJpegFrameHeader(frame);
  if (header.process === 3) return { samples: decodeLossless(frame, header), header, colourConverted: false };
  if (header.process > 2) {
    throw new PipelineError('DICOM_UNSUPPORTED_SYNTAX', `JPEG process SOF${header.process} (hierarchical or arithmetic-coded) is not supported`);
  }
  if (header.precision === 8) {
    const { bytes, info } = await runCodec('JPEG baseline (libjpeg-turbo)', frame);
    if (info.width !== header.columns || info.height !== header.rows) {
      throw new PipelineError('DICOM_DECODE', `libjpeg-turbo decoded ${info.width}×${info.height}, the frame header says ${header.columns}×${header.rows}`);
    }
    return { samples: bytes, header, colourConverted: header.components === 3 };
  }
  if (header.precision === 12) {
    const samples = await decodeJpeg12(frame, { rows: header.rows, columns: header.columns, samplesPerPixel: header.components, photometricInterpretation: photometric, precision: 12 }, transferSyntaxUID);
    return { samples, header, colourConverted: header.components === 3 };
  }
  throw new PipelineError('DICOM_DECODE', `JPEG DCT precision ${header.precision} is not valid (8 or 12)`);
}

interface LosslessDecoder { decode(buffer: ArrayBuffer, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array }
let losslessModule: { Decoder: new () => LosslessDecoder } | undefined;

function decodeLossless(frame: Uint8Array, header: JpegFrameHeader): Uint8Array | Uint16Array {
  losslessModule ??= require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  const bytesPerSample = header.precision > 8 ? 2 : 1;
  let out: Uint8Array | Uint16Array;
  try {
    const input = withFillerBeforeEoi(frame);
    out = new losslessModule.Decoder().decode(input.buffer as ArrayBuffer, input.byteOffset, input.length, bytesPerSample);
  } catch (e) {
    throw new PipelineError('DICOM_DECODE', `JPEG lossless frame could not be decoded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const expected = header.rows * header.columns * header.components;
  if (!out || out.length < expected) {
    throw new PipelineError('DICOM_DECODE', `JPEG lossless frame decoded to ${out?.length ?? 0} of ${expected} samples`);
  }
  return out.length === expected ? out : out.subarray(0, expected);
}

/**
 * jpeg-lossless-decoder-js 2.1.2 takes the EOI marker for the end of the scan while it still
 * holds the bits of the last pixel, whose Huffman code then is lost (the last value comes out
 * 0; seen on CTImage .4.70). Bytes of zeros between the entropy-coded data and EOI give it
 * bits to look ahead into; the decoder stops after the last pixel, so they are never decoded.
 */
function withFillerBeforeEoi(frame: Uint8Array): Uint8Array {
  let end = frame.length;
  while (end > 2 && frame[end - 1] === 0x00) end--; // DICOM even-length padding after EOI
  if (end < 4 || frame[end - 2] !== 0xff || frame[end - 1] !== 0xd9) return frame;
  const FILLER = 4;
  const out = new Uint8Array(end + FILLER);
  out.set(frame.subarray(0, end - 2));
  out[end - 2 + FILLER] = 0xff;
  out[end - 1 + FILLER] = 0xd9;
  return out;
}
