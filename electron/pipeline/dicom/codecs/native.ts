/**
 * Native (uncompressed) pixel data: reinterpret the bytes of one frame as samples of the
 * allocated width, swapping bytes for Explicit VR Big Endian, unpacking 1-bit data.
 */
import { PipelineError } from '../../errors.ts';

/** Raw samples as allocated, before masking or sign extension (always unsigned here). */
export type RawSamples = Uint8Array | Uint16Array | Uint32Array;

/**
 * Samples of one native frame, copied into a fresh, aligned buffer.
 *
 * @param bytes the frame exactly as stored; trailing bytes (padding) are ignored.
 * @param count samples in the frame (rows × columns × samples per pixel).
 * @param bitsAllocated 1, 8, 16 or 32.
 * @param bigEndian true for Explicit VR Big Endian (1.2.840.10008.1.2.2).
 */
export function nativeSamples(bytes: Uint8Array, count: number, bitsAllocated: number, bigEndian: boolean): RawSamples {
  const needed = bitsAllocated === 1 ? Math.ceil(count / 8) : count * (bitsAllocated / 8);
  if (bytes.length < needed) {
    throw new PipelineError('DICOM_DECODE', `pixel data has ${bytes.length} bytes, the frame needs ${needed}`);
  }
  switch (bitsAllocated) {
    case 1: {
      // PS3.5 8.1.1: bit-packed, least significant bit first, no padding between pixels.
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = (bytes[i >> 3] >> (i & 7)) & 1;
      return out;
    }
    case 8:
      return bytes.slice(0, count);
    case 16: {
      const out = new Uint16Array(count);
      const view = new DataView(bytes.buffer, bytes.byteOffset, needed);
      if (!bigEndian && isLittleEndianHost) new Uint8Array(out.buffer).set(bytes.subarray(0, needed));
      else for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, !bigEndian);
      return out;
    }
    case 32: {
      const out = new Uint32Array(count);
      const view = new DataView(bytes.buffer, bytes.byteOffset, needed);
      if (!bigEndian && isLittleEndianHost) new Uint8Array(out.buffer).set(bytes.subarray(0, needed));
      else for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, !bigEndian);
      return out;
    }
    default:
      throw new PipelineError('DICOM_DECODE', `BitsAllocated ${bitsAllocated} is not supported (1, 8, 16 or 32)`);
  }
}

const isLittleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
