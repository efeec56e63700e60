/**
 * Colour layout and colour space of decoded samples: Delineo hands every colour frame on
 * as RGB, samples interleaved per pixel (colour-by-pixel). Contouring only needs grey
 * values, but colour secondary captures in a study must load without surprises.
 */
import { PipelineError } from '../../errors.ts';

/** Colour-by-plane (RRR…GGG…BBB…) to colour-by-pixel (RGBRGB…). */
export function planarToInterleaved<T extends Uint8Array | Uint16Array | Int16Array | Int8Array | Uint32Array | Int32Array>(planar: T, pixels: number, samples: number): T {
  const out = new (planar.constructor as new (n: number) => T)(pixels * samples);
  for (let s = 0; s < samples; s++) {
    const base = s * pixels;
    for (let p = 0; p < pixels; p++) out[p * samples + s] = planar[base + p];
  }
  return out;
}

/** YBR_FULL (ITU-R BT.601 full range, PS3.3 C.7.6.3.1.2) to RGB, in place on interleaved 8-bit samples. */
export function ybrFullToRgb(samples: Uint8Array): Uint8Array {
  for (let i = 0; i + 2 < samples.length; i += 3) {
    const [r, g, b] = ybrToRgb(samples[i], samples[i + 1], samples[i + 2]);
    samples[i] = r; samples[i + 1] = g; samples[i + 2] = b;
  }
  return samples;
}

/**
 * Native YBR_FULL_422 (Y1 Y2 Cb Cr for each pair of pixels along a row, PS3.3 C.7.6.3.1.2)
 * to interleaved RGB. The chroma of a pair is shared by both pixels.
 */
export function ybrFull422ToRgb(packed: Uint8Array, rows: number, columns: number): Uint8Array {
  if (columns % 2 !== 0) throw new PipelineError('DICOM_DECODE', `YBR_FULL_422 needs an even number of columns, not ${columns}`);
  const needed = rows * columns * 2;
  if (packed.length < needed) throw new PipelineError('DICOM_DECODE', `YBR_FULL_422 frame has ${packed.length} bytes, needs ${needed}`);
  const out = new Uint8Array(rows * columns * 3);
  for (let pair = 0, src = 0; pair < (rows * columns) / 2; pair++, src += 4) {
    const cb = packed[src + 2];
    const cr = packed[src + 3];
    for (let k = 0; k < 2; k++) {
      const [r, g, b] = ybrToRgb(packed[src + k], cb, cr);
      const o = (pair * 2 + k) * 3;
      out[o] = r; out[o + 1] = g; out[o + 2] = b;
    }
  }
  return out;
}

function ybrToRgb(y: number, cb: number, cr: number): [number, number, number] {
  return [
    clamp8(y + 1.402 * (cr - 128)),
    clamp8(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)),
    clamp8(y + 1.772 * (cb - 128)),
  ];
}

function clamp8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
