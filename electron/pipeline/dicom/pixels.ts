/**
 * Decoding of one frame of pixel data into stored values, for every transfer syntax Delineo
 * reads. Native (uncompressed) frames are reinterpreted; encapsulated ones go through the
 * codec libraries named in the README. Callers apply Rescale Slope/Intercept themselves.
 */

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

/**
 * Decode one frame.
 *
 * @param transferSyntaxUID the file's transfer syntax.
 * @param pixel the Image Pixel module.
 * @param frameBytes for native syntaxes: the bytes of this frame exactly as stored (little
 *   endian unless the syntax is Explicit VR Big Endian); for encapsulated syntaxes: the
 *   concatenated fragments of this frame.
 * @throws PipelineError('DICOM_UNSUPPORTED_SYNTAX' | 'DICOM_DECODE', …) with a one-line reason.
 */
export async function decodeFrame(transferSyntaxUID: string, pixel: PixelModule, frameBytes: Uint8Array): Promise<DecodedFrame> {
  void transferSyntaxUID; void pixel; void frameBytes;
  throw new Error('decodeFrame: not implemented yet');
}
