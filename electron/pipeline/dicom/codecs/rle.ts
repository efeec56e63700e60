/**
 * DICOM RLE Lossless (1.2.840.10008.1.2.5), PS3.5 Annex G: a 64-byte header of segment
 * offsets, then one PackBits segment per byte plane (most significant byte of each sample
 * first, samples in order). Tiny enough that a library would only add risk.
 */
import { PipelineError } from '../../errors.ts';

/**
 * Decode one RLE frame into native little-endian bytes, samples interleaved per pixel
 * (colour-by-pixel), ready for {@link nativeSamples}.
 *
 * @param frame the frame's concatenated fragments (RLE header first).
 * @param pixels rows × columns.
 * @param samplesPerPixel 1 or 3.
 * @param bitsAllocated 8, 16 or 32.
 */
export function decodeRle(frame: Uint8Array, pixels: number, samplesPerPixel: number, bitsAllocated: number): Uint8Array {
  if (bitsAllocated % 8 !== 0) throw new PipelineError('DICOM_DECODE', `RLE with BitsAllocated ${bitsAllocated} is not supported`);
  const bytesPerSample = bitsAllocated / 8;
  const expected = samplesPerPixel * bytesPerSample;
  if (frame.length < 64) throw new PipelineError('DICOM_DECODE', `RLE frame of ${frame.length} bytes is shorter than its 64-byte header`);
  const header = new DataView(frame.buffer, frame.byteOffset, 64);
  const segments = header.getUint32(0, true);
  if (segments !== expected) {
    throw new PipelineError('DICOM_DECODE', `RLE frame has ${segments} segments, ${samplesPerPixel} sample(s) of ${bitsAllocated} bits need ${expected}`);
  }
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(header.getUint32(4 + 4 * s, true));

  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = offsets[s];
    const end = s + 1 < segments ? offsets[s + 1] : frame.length;
    if (start < 64 || end > frame.length || end < start) {
      throw new PipelineError('DICOM_DECODE', `RLE segment ${s + 1} offset ${start} lies outside the frame (${frame.length} bytes)`);
    }
    // Segment s holds byte (s mod bytesPerSample) — counted from the most significant — of sample ⌊s / bytesPerSample⌋.
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const written = unpackBits(frame, start, end, out, sample * bytesPerSample + byteInSample, expected, pixels);
    if (written < pixels) {
      throw new PipelineError('DICOM_DECODE', `RLE segment ${s + 1} decodes to ${written} of ${pixels} bytes (truncated or corrupt)`);
    }
  }
  return out;
}

/**
 * PackBits: a header byte n; 0…127 copies the next n+1 bytes, −1…−127 repeats the next byte
 * 1−n times, −128 is a no-op. Writes at out[first + k·stride] for k < limit; output beyond
 * the limit (encoder padding) is dropped. Returns how many bytes were produced.
 */
function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, first: number, stride: number, limit: number): number {
  let i = start;
  let k = 0;
  while (i < end && k < limit) {
    const n = src[i++];
    if (n < 128) {
      const run = Math.min(n + 1, end - i, limit - k);
      for (let r = 0; r < run; r++) out[first + (k + r) * stride] = src[i + r];
      i += n + 1;
      k += run;
    } else if (n > 128) {
      if (i >= end) break;
      const value = src[i++];
      const run = Math.min(257 - n, limit - k);
      for (let r = 0; r < run; r++) out[first + (k + r) * stride] = value;
      k += run;
    }
  }
  return k;
}
