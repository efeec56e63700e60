/**
 * Decoding of one frame of pixel data into stored values, for every transfer syntax Delineo
 * reads. Native (uncompressed) frames are reinterpreted; encapsulated ones go through codec
 * libraries (codecs/): libjpeg-turbo, CharLS, OpenJPEG and OpenJPH as WASM from
 * @cornerstonejs, jpeg-lossless-decoder-js, GDCM (via ITK-Wasm) for 12-bit lossy JPEG, and
 * our own RLE decoder. Callers apply Rescale Slope/Intercept themselves.
 *
 * Output conventions (the same whatever the syntax):
 * - monochrome: one value per pixel, in a typed array as wide as Bits Allocated (the codec's
 *   sample width for compressed data), signed exactly when the values are two's complement;
 *   bits outside Bits Stored are removed and signed values sign-extended from bit
 *   Bits Stored − 1 (PS3.5 8.1.1), so the array holds the true stored values;
 * - colour (Samples per Pixel 3): RGB, samples interleaved per pixel, whatever the stored
 *   Photometric Interpretation (YBR_FULL, YBR_FULL_422, YBR_ICT/RCT) or Planar Configuration;
 * - PALETTE COLOR: the palette indices (the lookup is not applied: contouring never needs it).
 */
import { PipelineError } from '../errors.ts';
import { planarToInterleaved, ybrFull422ToRgb, ybrFullToRgb } from './codecs/colour.ts';
import { decodeJpeg } from './codecs/jpeg.ts';
import { nativeSamples } from './codecs/native.ts';
import { decodeRle } from './codecs/rle.ts';
import { runCodec, type CodecName } from './codecs/wasm.ts';

/** The Image Pixel module attributes a decoder needs. */
export interface PixelModule {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: number;
  readonly photometricInterpretation: string;
  /** 0 colour-by-pixel, 1 colour-by-plane (only when samplesPerPixel > 1). */
  readonly planarConfiguration: number;
}

/** Stored values of one frame, rows × columns × samplesPerPixel, samples interleaved. */
export type DecodedFrame = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array;

/** Transfer syntaxes whose frames are stored uncompressed (Deflate is inflated by the parser). */
export const NATIVE_SYNTAXES: ReadonlySet<string> = new Set([
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR Little Endian: the whole dataset is deflated, so the parser inflates it and frames arrive native
  '1.2.840.10008.1.2.2', // Explicit VR Big Endian (retired)
]);

const EXPLICIT_BIG_ENDIAN = '1.2.840.10008.1.2.2';
const RLE = '1.2.840.10008.1.2.5';
/** ISO 10918 JPEG: .50 baseline … .70 lossless SV1 (the retired processes in between included). */
const JPEG = /^1\.2\.840\.10008\.1\.2\.4\.(5\d|6\d|70)$/;
const WASM_SYNTAXES: Readonly<Record<string, CodecName>> = {
  '1.2.840.10008.1.2.4.80': 'JPEG-LS (CharLS)',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS (CharLS)',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 (OpenJPEG)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000 (OpenJPEG)',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 (OpenJPEG)', // Part 2 multi-component, lossless
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 (OpenJPEG)', // Part 2 multi-component
  '1.2.840.10008.1.2.4.201': 'HTJ2K (OpenJPH)', // HTJ2K lossless
  '1.2.840.10008.1.2.4.202': 'HTJ2K (OpenJPH)', // HTJ2K lossless RPCL
  '1.2.840.10008.1.2.4.203': 'HTJ2K (OpenJPH)', // HTJ2K
};

/** Known syntaxes we deliberately do not decode, so the message can name them. */
const UNSUPPORTED_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.94': 'JPIP referenced', '1.2.840.10008.1.2.4.95': 'JPIP referenced deflate',
  '1.2.840.10008.1.2.4.100': 'MPEG-2 video', '1.2.840.10008.1.2.4.101': 'MPEG-2 video',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 video', '1.2.840.10008.1.2.4.103': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.104': 'MPEG-4 video', '1.2.840.10008.1.2.4.105': 'MPEG-4 video', '1.2.840.10008.1.2.4.106': 'MPEG-4 video',
  '1.2.840.10008.1.2.4.107': 'HEVC video', '1.2.840.10008.1.2.4.108': 'HEVC video',
  '1.2.840.10008.1.2.4.110': 'JPEG XL', '1.2.840.10008.1.2.4.111': 'JPEG XL', '1.2.840.10008.1.2.4.112': 'JPEG XL',
  '1.2.840.10008.1.2.6.1': 'RFC 2557 MIME', '1.2.840.10008.1.2.6.2': 'XML',
};

/** True for transfer syntaxes {@link decodeFrame} can decode. */
export function isDecodableSyntax(transferSyntaxUID: string): boolean {
  return NATIVE_SYNTAXES.has(transferSyntaxUID) || transferSyntaxUID === RLE || JPEG.test(transferSyntaxUID) || transferSyntaxUID in WASM_SYNTAXES;
}

/**
 * Decode one frame.
 *
 * @param transferSyntaxUID the file's transfer syntax.
 * @param pixel the Image Pixel module.
 * @param frameBytes for native syntaxes: the bytes of this frame exactly as stored (little
 *   endian unless the syntax is Explicit VR Big Endian; for Deflated Explicit VR Little
 *   Endian, as inflated by the parser — deflate wraps the whole dataset, not the frames);
 *   for encapsulated syntaxes: the concatenated fragments of this frame.
 * @returns the stored values, see the module comment for types and colour layout.
 * @throws PipelineError('DICOM_UNSUPPORTED_SYNTAX' | 'DICOM_DECODE', …) with a one-line reason.
 */
export async function decodeFrame(transferSyntaxUID: string, pixel: PixelModule, frameBytes: Uint8Array): Promise<DecodedFrame> {
  const ts = transferSyntaxUID.replace(/\0/g, '').trim();
  checkPixelModule(pixel);
  const pixels = pixel.rows * pixel.columns;
  const spp = pixel.samplesPerPixel;
  const pi = pixel.photometricInterpretation.trim().toUpperCase();

  if (NATIVE_SYNTAXES.has(ts)) {
    if (pi === 'YBR_FULL_422' && spp === 3 && pixel.bitsAllocated === 8) {
      return ybrFull422ToRgb(frameBytes, pixel.rows, pixel.columns);
    }
    const raw = nativeSamples(frameBytes, pixels * spp, pixel.bitsAllocated, ts === EXPLICIT_BIG_ENDIAN);
    return toColourLayout(storedValues(raw, false, pixel, true), pixel, pi, pixel.planarConfiguration === 1, false);
  }
  if (ts === RLE) {
    // RLE keeps each sample in its own segments, which decodeRle interleaves: colour-by-pixel.
    const bytes = decodeRle(frameBytes, pixels, spp, pixel.bitsAllocated);
    const raw = nativeSamples(bytes, pixels * spp, pixel.bitsAllocated, false);
    return toColourLayout(storedValues(raw, false, pixel, true), pixel, pi, false, false);
  }
  if (JPEG.test(ts)) {
    const { samples, header, colourConverted } = await decodeJpeg(frameBytes, pi, ts);
    checkDecodedSize(header.columns, header.rows, header.components, pixel, 'JPEG');
    return toColourLayout(storedValues(samples, false, pixel, false), pixel, pi, false, colourConverted);
  }
  const codec = WASM_SYNTAXES[ts];
  if (codec) {
    const { bytes, info } = await runCodec(codec, frameBytes);
    checkDecodedSize(info.width, info.height, info.componentCount, pixel, codec);
    const wide = info.bitsPerSample > 8;
    const count = pixels * spp;
    if (bytes.length < count * (wide ? 2 : 1)) {
      throw new PipelineError('DICOM_DECODE', `${codec} returned ${bytes.length} bytes for ${count} samples of ${info.bitsPerSample} bits`);
    }
    const samples = wide ? new Uint16Array(bytes.buffer, bytes.byteOffset, count) : bytes.subarray(0, count);
    // OpenJPEG hands back ICT/RCT colour already as RGB; CharLS interleave mode 'none' is planar.
    const planar = codec === 'JPEG-LS (CharLS)' && spp > 1 && isCharlsPlanar(frameBytes);
    const converted = codec.startsWith('JPEG 2000') || codec.startsWith('HTJ2K') ? pi !== 'YBR_FULL' : false;
    return toColourLayout(storedValues(samples, info.isSigned === true, pixel, false), pixel, pi, planar, converted);
  }
  const name = UNSUPPORTED_NAMES[ts];
  throw new PipelineError('DICOM_UNSUPPORTED_SYNTAX', `transfer syntax ${ts || '(missing)'}${name ? ` (${name})` : ''} is not supported`);
}

/** Refuse pixel modules no decoder could honour, before any allocation. */
function checkPixelModule(p: PixelModule): void {
  const bad = (why: string): never => { throw new PipelineError('DICOM_DECODE', why); };
  const int = (v: number) => Number.isInteger(v);
  if (!int(p.rows) || !int(p.columns) || p.rows < 1 || p.columns < 1 || p.rows > 65535 || p.columns > 65535) bad(`image size ${p.columns}×${p.rows} is not valid`);
  if (p.samplesPerPixel !== 1 && p.samplesPerPixel !== 3) bad(`Samples per Pixel ${p.samplesPerPixel} is not supported (1 or 3)`);
  if (![1, 8, 16, 32].includes(p.bitsAllocated)) bad(`Bits Allocated ${p.bitsAllocated} is not supported (1, 8, 16 or 32)`);
  if (!int(p.bitsStored) || p.bitsStored < 1 || p.bitsStored > p.bitsAllocated) bad(`Bits Stored ${p.bitsStored} does not fit Bits Allocated ${p.bitsAllocated}`);
  if (!int(p.highBit) || p.highBit < p.bitsStored - 1 || p.highBit >= p.bitsAllocated) bad(`High Bit ${p.highBit} does not fit Bits Stored ${p.bitsStored} in Bits Allocated ${p.bitsAllocated}`);
  if (p.pixelRepresentation !== 0 && p.pixelRepresentation !== 1) bad(`Pixel Representation ${p.pixelRepresentation} is not 0 or 1`);
}

function checkDecodedSize(width: number, height: number, components: number, p: PixelModule, codec: string): void {
  if (width !== p.columns || height !== p.rows || components !== p.samplesPerPixel) {
    throw new PipelineError('DICOM_DECODE', `${codec} codestream is ${width}×${height}×${components}, the header says ${p.columns}×${p.rows}×${p.samplesPerPixel}`);
  }
}

/**
 * Turn raw samples into stored values (PS3.5 8.1.1). Native data keeps its stored bits at
 * HighBit; codecs return them at bit 0. Unsigned data is masked to Bits Stored; two's
 * complement data (Pixel Representation 1) is sign-extended from bit Bits Stored − 1.
 *
 * A codestream can disagree with Pixel Representation. An unsigned codestream under
 * Pixel Representation 1 holds the two's complement bit patterns (e.g. pydicom's
 * J2K_pixelrep_mismatch.dcm: 13 bits stored, unsigned J2K): we sign-extend them. A signed
 * codestream under Pixel Representation 0 holds negative values that an unsigned reading
 * would turn into garbage: we keep the codestream's signed values.
 */
function storedValues(raw: Uint8Array | Uint16Array | Uint32Array, codecSigned: boolean, p: PixelModule, native: boolean): DecodedFrame {
  const width = raw.BYTES_PER_ELEMENT * 8;
  if (codecSigned) return asSigned(raw);
  const shift = native ? p.highBit + 1 - p.bitsStored : 0;
  const stored = Math.min(p.bitsStored, width);
  if (p.pixelRepresentation === 1 && p.bitsAllocated > 1) {
    const out = asSigned(raw);
    if (stored === width && shift === 0) return out;
    const up = 32 - stored - shift;
    const down = 32 - stored;
    for (let i = 0; i < raw.length; i++) out[i] = (raw[i] << up) >> down;
    return out;
  }
  if (stored === width && shift === 0) return raw;
  const mask = stored === 32 ? 0xffffffff : (1 << stored) - 1;
  const out = raw.slice();
  for (let i = 0; i < out.length; i++) out[i] = (raw[i] >>> shift) & mask;
  return out;
}

/** The same bits viewed as two's complement (no copy). */
function asSigned(raw: Uint8Array | Uint16Array | Uint32Array): Int8Array | Int16Array | Int32Array {
  if (raw instanceof Uint8Array) return new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  if (raw instanceof Uint16Array) return new Int16Array(raw.buffer, raw.byteOffset, raw.length);
  return new Int32Array(raw.buffer, raw.byteOffset, raw.length);
}

/**
 * Colour frames to interleaved RGB. `planar` says the samples are colour-by-plane;
 * `alreadyRgb` that the codec did the colour transform itself (JPEG DCT, JPEG 2000 MCT).
 */
function toColourLayout(values: DecodedFrame, p: PixelModule, pi: string, planar: boolean, alreadyRgb: boolean): DecodedFrame {
  if (p.samplesPerPixel === 1) return values;
  const pixels = p.rows * p.columns;
  const interleaved = planar ? planarToInterleaved(values as Uint8Array, pixels, 3) : values;
  if (alreadyRgb || pi === 'RGB' || pi === 'YBR_ICT' || pi === 'YBR_RCT') return interleaved;
  if (pi === 'YBR_FULL' && interleaved instanceof Uint8Array) return ybrFullToRgb(interleaved.slice());
  throw new PipelineError('DICOM_DECODE', `Photometric Interpretation ${pi} with ${p.bitsAllocated}-bit samples is not supported here`);
}

/**
 * CharLS reports the interleave mode only after decoding; the SOS segment says it too:
 * ILV 0 (none) means one scan per component, i.e. planar output.
 */
function isCharlsPlanar(frame: Uint8Array): boolean {
  for (let i = 2; i + 4 < frame.length; ) {
    if (frame[i] !== 0xff) return false;
    const marker = frame[i + 1];
    const length = (frame[i + 2] << 8) | frame[i + 3];
    if (marker === 0xda) {
      const components = frame[i + 4];
      const ilv = frame[i + 5 + components * 2 + 1];
      return ilv === 0;
    }
    i += 2 + length;
  }
  return false;
}
