import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { PipelineError } from '../errors.ts';
import { loadCodec } from './codecs/wasm.ts';
import { decodeFrame, isDecodableSyntax, type DecodedFrame, type PixelModule } from './pixels.ts';

const ts = (name: string) => sharedData('transfer-syntaxes', name);
const ct = (suffix: string) => ts(`CTImage.dcm_${suffix}.dcm`);

async function decodeFile(path: string, frame = 0): Promise<{ image: TestImage; values: DecodedFrame }> {
  const image = readTestImage(path);
  return { image, values: await decodeFrame(image.transferSyntaxUID, image.pixel, image.frames[frame]) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let sa = 0, sb = 0;
  for (let i = 0; i < n; i++) { sa += a[i]; sb += b[i]; }
  const ma = sa / n, mb = sb / n;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < n; i++) { const da = a[i] - ma, db = b[i] - mb; cov += da * db; va += da * da; vb += db * db; }
  return cov / Math.sqrt(va * vb);
}

const hu = (values: ArrayLike<number>, slope: number, intercept: number) => Float64Array.from(values, (v) => v * slope + intercept);

let reference: DecodedFrame;
let referenceHu: Float64Array;
beforeAll(async () => {
  const r = await decodeFile(ct('LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1'));
  reference = r.values;
  referenceHu = hu(reference, r.image.rescaleSlope, r.image.rescaleIntercept);
});

describe('decodeFrame: reference CT (Explicit VR LE, 512×512, 16-bit signed)', () => {
  it('is a signed 16-bit frame with CT-like values', () => {
    expect(reference).toBeInstanceOf(Int16Array);
    expect(reference.length).toBe(512 * 512);
    // Values checked against dcmdump of the same file: first pixels and the range.
    let min = Infinity, max = -Infinity;
    for (const v of reference) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBeLessThan(0);
    expect(max).toBeGreaterThan(1000);
  });
});

describe('decodeFrame: EXPECTED.md lossless syntaxes decode to exactly the reference', () => {
  const lossless: [string, string][] = [
    ['1.2.840.10008.1.2 (Implicit VR LE)', 'LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2'],
    ['1.2.840.10008.1.2.1 (Explicit VR LE)', 'LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1'],
    ['1.2.840.10008.1.2.2 (Explicit VR BE)', 'BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2'],
    ['1.2.840.10008.1.2.1.99 (Deflate, inflated by the parser)', 'DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99'],
    ['1.2.840.10008.1.2.4.57 (JPEG lossless P14)', 'JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57'],
    ['1.2.840.10008.1.2.4.70 (JPEG lossless SV1)', 'JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70'],
    ['1.2.840.10008.1.2.4.80 (JPEG-LS lossless)', 'JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80'],
    ['1.2.840.10008.1.2.4.90 (JPEG 2000 lossless)', 'JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90'],
    ['1.2.840.10008.1.2.5 (RLE)', 'RLELosslessTransferSyntax_1.2.840.10008.1.2.5'],
  ];
  for (const [label, suffix] of lossless) {
    it(label, async () => {
      const { values } = await decodeFile(ct(suffix));
      expect(values).toBeInstanceOf(Int16Array);
      expect(maxAbsDiff(values, reference)).toBe(0);
    });
  }
  it('the untouched original CTImage.dcm (Implicit VR LE) too', async () => {
    expect(maxAbsDiff((await decodeFile(ts('CTImage.dcm'))).values, reference)).toBe(0);
  });
});

describe('decodeFrame: EXPECTED.md near-lossless and lossy syntaxes', () => {
  it('1.2.840.10008.1.2.4.81 (JPEG-LS near-lossless): max |Δ| ≤ 8', async () => {
    const d = maxAbsDiff((await decodeFile(ct('JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81'))).values, reference);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(8);
  });
  it('1.2.840.10008.1.2.4.91 (JPEG 2000): max |Δ| ≤ 8', async () => {
    expect(maxAbsDiff((await decodeFile(ct('JPEG2000TransferSyntax_1.2.840.10008.1.2.4.91'))).values, reference)).toBeLessThanOrEqual(8);
  });
  const lossy: [string, string, number][] = [
    ['1.2.840.10008.1.2.4.50 (8-bit baseline)', 'JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50', 8],
    ['1.2.840.10008.1.2.4.51 (12-bit extended)', 'JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51', 12],
    ['1.2.840.10008.1.2.4.53 (12-bit spectral selection)', 'JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53', 12],
    ['1.2.840.10008.1.2.4.55 (12-bit progressive)', 'JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55', 12],
  ];
  for (const [label, suffix, bits] of lossy) {
    it(`${label}: HU correlate with the reference, r ≥ 0.999`, async () => {
      const { image, values } = await decodeFile(ct(suffix));
      expect(values.length).toBe(512 * 512);
      let max = 0;
      for (const v of values) max = Math.max(max, v);
      expect(max).toBeLessThan(2 ** bits);
      const r = pearson(hu(values, image.rescaleSlope, image.rescaleIntercept), referenceHu);
      expect(r).toBeGreaterThanOrEqual(0.999);
    }, 30_000);
  }
});

/** dcmtk's dcmdjpeg (IJG 8/12-bit) as an independent decoder, when it is installed. */
const hasDcmdjpeg = (() => { try { execFileSync('dcmdjpeg', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

describe.skipIf(!hasDcmdjpeg)('decodeFrame: lossy JPEG equals dcmtk dcmdjpeg (IJG) output', () => {
  const files = [
    'CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm',
    'CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm',
    'CTImage.dcm_JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm',
    'CTImage.dcm_JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm',
    'CT0012.fragmented_no_bot_jpeg_baseline.51.dcm',
    'TestPattern_JPEG-Baseline_YBRFull.dcm',
  ];
  for (const name of files) {
    it(name, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'delineo-dcmdjpeg-'));
      try {
        const out = path.join(dir, 'out.dcm');
        // dcmdjpeg converts YCbCr JPEG to RGB by default (+cp), as libjpeg-turbo does for us.
        execFileSync('dcmdjpeg', [ts(name), out], { stdio: 'ignore' });
        const independent = readTestImage(out);
        const image = readTestImage(ts(name));
        for (let f = 0; f < image.frames.length; f++) {
          const ours = await decodeFrame(image.transferSyntaxUID, image.pixel, image.frames[f]);
          const theirs = await decodeFrame(independent.transferSyntaxUID, independent.pixel, independent.frames[f]);
          // IJG and libjpeg-turbo may round the inverse DCT differently by one level.
          expect(maxAbsDiff(ours, theirs)).toBeLessThanOrEqual(1);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);
  }
});

describe('decodeFrame: other real files', () => {
  it('CT1_J2KR and CT2_J2KR (J2K lossless, signed 16-bit) equal GDCM\'s independent decode', async () => {
    const { gdcmReadImageNode } = (await import('@itk-wasm/image-io')) as unknown as {
      gdcmReadImageNode(path: string): Promise<{ image: { data: ArrayLike<number> } }>;
    };
    for (const name of ['CT1_J2KR', 'CT2_J2KR']) {
      const { image, values } = await decodeFile(ts(name));
      expect(values).toBeInstanceOf(Int16Array);
      const gdcm = (await gdcmReadImageNode(ts(name))).image.data;
      // GDCM applies Rescale Slope/Intercept; compare in the same units.
      expect(maxAbsDiff(hu(values, image.rescaleSlope, image.rescaleIntercept), gdcm)).toBe(0);
    }
  }, 30_000);

  it('fragmented JPEG without offset table (2 frames, 12-bit .51): both frames decode, each equal to GDCM', async () => {
    const path = ts('CT0012.fragmented_no_bot_jpeg_baseline.51.dcm');
    const image = readTestImage(path);
    expect(image.frames).toHaveLength(2);
    const { gdcmReadImageNode } = (await import('@itk-wasm/image-io')) as unknown as {
      gdcmReadImageNode(path: string): Promise<{ image: { data: ArrayLike<number>; size: number[] } }>;
    };
    const gdcm = (await gdcmReadImageNode(path)).image;
    expect(gdcm.size).toEqual([512, 512, 2]);
    for (let f = 0; f < 2; f++) {
      const values = await decodeFrame(image.transferSyntaxUID, image.pixel, image.frames[f]);
      expect(values).toBeInstanceOf(Uint16Array);
      const expected = Array.prototype.slice.call(gdcm.data, f * 512 * 512, (f + 1) * 512 * 512) as number[];
      // Enhanced CT: the rescale (1, −1024) sits in the Pixel Value Transformation functional group.
      expect(maxAbsDiff(hu(values, 1, -1024), expected)).toBe(0);
    }
  }, 30_000);

  it('J2K_pixelrep_mismatch.dcm (unsigned J2K, Pixel Representation 1, 13 bits): sign-extended to CT numbers', async () => {
    const { image, values } = await decodeFile(sharedData('malformed', 'J2K_pixelrep_mismatch.dcm'));
    expect(image.pixel).toMatchObject({ pixelRepresentation: 1, bitsStored: 13 });
    expect(values).toBeInstanceOf(Int16Array);
    let min = Infinity, max = -Infinity;
    for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
    // 13-bit two's complement: −4096…4095; air near −1000 (slope 1, intercept 0), never the
    // unsigned misreading (≈ 7000 for air).
    expect(min).toBeGreaterThanOrEqual(-4096);
    expect(max).toBeLessThanOrEqual(4095);
    expect(values[0]).toBeLessThan(-900);
  });

  it('JPEG2000-embedded-sequence-delimiter.dcm (corrupt codestream): PipelineError, no crash', async () => {
    const image = readTestImage(sharedData('malformed', 'JPEG2000-embedded-sequence-delimiter.dcm'));
    await expect(decodeFrame(image.transferSyntaxUID, image.pixel, image.frames[0])).rejects.toBeInstanceOf(PipelineError);
  });
});

describe('decodeFrame: colour test patterns', () => {
  let rgb: Uint8Array;
  beforeAll(async () => {
    rgb = (await decodeFile(ts('TestPattern_RGB.dcm'))).values as Uint8Array;
  });
  it('native RGB is interleaved 640×400×3 with the pattern\'s colours (counts from pydicom)', () => {
    expect(rgb).toBeInstanceOf(Uint8Array);
    expect(rgb.length).toBe(640 * 400 * 3);
    const count = (r: number, g: number, b: number) => { let n = 0; for (let i = 0; i < rgb.length; i += 3) if (rgb[i] === r && rgb[i + 1] === g && rgb[i + 2] === b) n++; return n; };
    // Pixel counts of the most frequent colours as numpy counts them in pydicom's decode.
    expect(count(128, 128, 128)).toBe(70918);
    expect(count(0, 0, 0)).toBe(36978);
    expect(count(255, 255, 255)).toBe(20755);
    expect(count(192, 192, 0)).toBe(7855);
    expect([rgb[0], rgb[1], rgb[2]]).toEqual([255, 255, 255]);
    const centre = (200 * 640 + 320) * 3;
    expect([rgb[centre], rgb[centre + 1], rgb[centre + 2]]).toEqual([163, 163, 163]);
  });
  it('JPEG-LS lossless RGB and JPEG lossless RGB equal the native RGB exactly', async () => {
    for (const name of ['TestPattern_JPEG-LS-Lossless.dcm', 'TestPattern_JPEG-Lossless_RGB.dcm']) {
      expect(maxAbsDiff((await decodeFile(ts(name))).values, rgb)).toBe(0);
    }
  });
  it('JPEG-LS near-lossless RGB is within its NEAR bound of the native RGB', async () => {
    const d = maxAbsDiff((await decodeFile(ts('TestPattern_JPEG-LS-NearLossless.dcm'))).values, rgb);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(10);
  });
  it('JPEG baseline YBR_FULL and YBR_FULL_422 decode to RGB close to the native RGB', async () => {
    for (const name of ['TestPattern_JPEG-Baseline_YBRFull.dcm', 'TestPattern_JPEG-Baseline_YBR422.dcm']) {
      const { values } = await decodeFile(ts(name));
      expect(values.length).toBe(rgb.length);
      let sum = 0;
      for (let i = 0; i < rgb.length; i++) sum += Math.abs(values[i] - rgb[i]);
      expect(sum / rgb.length).toBeLessThan(4);
      expect(pearson(values, rgb)).toBeGreaterThan(0.99);
    }
  });
  it('PALETTE COLOR (native and RLE) gives one index per pixel', async () => {
    for (const name of ['TestPattern_Palette.dcm', 'TestPattern_Palette_16.dcm', 'no-pixel-spacing.dcm']) {
      const { image, values } = await decodeFile(ts(name));
      expect(values).toBeInstanceOf(Uint8Array);
      expect(values.length).toBe(image.pixel.rows * image.pixel.columns);
    }
  });
  it('native YBR_FULL_422 ultrasound decodes to RGB', async () => {
    const { values } = await decodeFile(ts('US-YBR_FULL_422-EVRLE.dcm'));
    expect(values).toBeInstanceOf(Uint8Array);
    expect(values.length).toBe(800 * 555 * 3);
    // Ultrasound: mostly grey; R, G and B agree within a few levels on most pixels.
    let grey = 0;
    for (let i = 0; i < values.length; i += 3) if (Math.abs(values[i] - values[i + 1]) <= 3 && Math.abs(values[i + 1] - values[i + 2]) <= 3) grey++;
    expect(grey / (values.length / 3)).toBeGreaterThan(0.9);
  });
});

const mono = (over: Partial<PixelModule> = {}): PixelModule => ({
  rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, highBit: 15,
  pixelRepresentation: 0, photometricInterpretation: 'MONOCHROME2', planarConfiguration: 0, ...over,
});
const le16 = (...v: number[]) => new Uint8Array(Uint16Array.from(v).buffer);
const EVRLE = '1.2.840.10008.1.2.1';

describe('decodeFrame: Bits Stored, High Bit and Pixel Representation (PS3.5 8.1.1)', () => {
  it('unsigned 12 of 16 bits: bits above High Bit (overlay, garbage) are removed', async () => {
    const v = await decodeFrame(EVRLE, mono({ bitsStored: 12, highBit: 11 }), le16(0xf123, 0x0fff, 0x1000, 0x8001));
    expect(v).toBeInstanceOf(Uint16Array);
    expect(Array.from(v)).toEqual([0x123, 0xfff, 0, 1]);
  });
  it('signed 12 of 16 bits: sign-extended from bit 11', async () => {
    const v = await decodeFrame(EVRLE, mono({ bitsStored: 12, highBit: 11, pixelRepresentation: 1 }), le16(0x0800, 0x07ff, 0x0fff, 0xfc18));
    expect(v).toBeInstanceOf(Int16Array);
    expect(Array.from(v)).toEqual([-2048, 2047, -1, -1000]);
  });
  it('High Bit above Bits Stored − 1: values are shifted down', async () => {
    const v = await decodeFrame(EVRLE, mono({ bitsStored: 12, highBit: 15 }), le16(0x1230, 0xfff0, 0x000f, 0x8000));
    expect(Array.from(v)).toEqual([0x123, 0xfff, 0, 0x800]);
  });
  it('Explicit VR Big Endian swaps 16-bit samples, not 8-bit ones', async () => {
    const be = new Uint8Array([0xfc, 0x18, 0x00, 0x01, 0x80, 0x00, 0x7f, 0xff]);
    expect(Array.from(await decodeFrame('1.2.840.10008.1.2.2', mono({ pixelRepresentation: 1 }), be))).toEqual([-1000, 1, -32768, 32767]);
    expect(Array.from(await decodeFrame('1.2.840.10008.1.2.2', mono({ bitsAllocated: 8, bitsStored: 8, highBit: 7 }), new Uint8Array([1, 2, 3, 4])))).toEqual([1, 2, 3, 4]);
  });
  it('signed 8-bit and 32-bit frames', async () => {
    expect(Array.from(await decodeFrame(EVRLE, mono({ bitsAllocated: 8, bitsStored: 8, highBit: 7, pixelRepresentation: 1 }), new Uint8Array([0xff, 0x80, 0x7f, 0])))).toEqual([-1, -128, 127, 0]);
    const v32 = await decodeFrame(EVRLE, mono({ bitsAllocated: 32, bitsStored: 32, highBit: 31, pixelRepresentation: 1 }), new Uint8Array(Int32Array.from([-5, 70000, 0, 2 ** 31 - 1]).buffer));
    expect(v32).toBeInstanceOf(Int32Array);
    expect(Array.from(v32)).toEqual([-5, 70000, 0, 2 ** 31 - 1]);
  });
  it('1-bit data is unpacked least significant bit first', async () => {
    const v = await decodeFrame(EVRLE, mono({ rows: 2, columns: 5, bitsAllocated: 1, bitsStored: 1, highBit: 0 }), new Uint8Array([0b10100101, 0b10]));
    expect(Array.from(v)).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
  });
  it('planar RGB (Planar Configuration 1) comes back interleaved', async () => {
    const p = mono({ rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, photometricInterpretation: 'RGB', planarConfiguration: 1 });
    expect(Array.from(await decodeFrame(EVRLE, p, new Uint8Array([10, 11, 20, 21, 30, 31])))).toEqual([10, 20, 30, 11, 21, 31]);
  });
  it('native YBR_FULL converts to RGB (grey stays grey, pure red round-trips)', async () => {
    const p = mono({ rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, photometricInterpretation: 'YBR_FULL' });
    // Red (255,0,0) in YBR_FULL: Y 76.245, Cb 84.972, Cr 255.5 → stored 76, 85, 255.
    expect(Array.from(await decodeFrame(EVRLE, p, new Uint8Array([128, 128, 128, 76, 85, 255])))).toEqual([128, 128, 128, 254, 0, 0]);
  });
});

describe('decodeFrame: RLE (PS3.5 Annex G) on hand-built frames', () => {
  /** An RLE frame from its segments: 64-byte header of offsets, then the segments. */
  function rleFrame(segments: number[][]): Uint8Array {
    const header = new Uint32Array(16);
    header[0] = segments.length;
    let at = 64;
    segments.forEach((seg, i) => { header[i + 1] = at; at += seg.length; });
    const out = new Uint8Array(at);
    out.set(new Uint8Array(header.buffer));
    let o = 64;
    for (const seg of segments) { out.set(seg, o); o += seg.length; }
    return out;
  }
  it('RGB: one segment per colour, replicate runs, literal runs and the −128 no-op', async () => {
    const p = mono({ samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, photometricInterpretation: 'RGB' });
    const frame = rleFrame([
      [0xfd, 200], // R: run of 4 × 200 (−3 → 4 copies)
      [0x80, 0x03, 1, 2, 3, 4], // G: no-op, then literal of 4
      [0x01, 9, 8, 0xff, 7], // B: literal 2, run 2 × 7
    ]);
    expect(Array.from(await decodeFrame('1.2.840.10008.1.2.5', p, frame))).toEqual([200, 1, 9, 200, 2, 8, 200, 3, 7, 200, 4, 7]);
  });
  it('16-bit signed: the first segment holds the high bytes', async () => {
    const p = mono({ pixelRepresentation: 1 });
    const frame = rleFrame([[0x03, 0xfc, 0x00, 0x7f, 0x80], [0x03, 0x18, 0x01, 0xff, 0x00]]);
    expect(Array.from(await decodeFrame('1.2.840.10008.1.2.5', p, frame))).toEqual([-1000, 1, 32767, -32768]);
  });
  it('a segment that decodes short is an error naming it', async () => {
    const p = mono({ bitsAllocated: 8, bitsStored: 8, highBit: 7 });
    await expect(decodeFrame('1.2.840.10008.1.2.5', p, rleFrame([[0x01, 5, 6]]))).rejects.toThrow('RLE segment 1 decodes to 2 of 4 bytes (truncated or corrupt)');
  });
});

describe('decodeFrame: HTJ2K (1.2.840.10008.1.2.4.201–203) round trip through OpenJPH', () => {
  it('the reference CT encoded losslessly with OpenJPH decodes to exactly the reference', async () => {
    const require = createRequire(import.meta.url);
    const factory = require('@cornerstonejs/codec-openjph/wasmjs') as () => Promise<Record<string, new () => {
      getDecodedBuffer(info: object): Uint8Array; getEncodedBuffer(): Uint8Array; encode(): void; setQuality(lossless: boolean, q: number): void; delete(): void;
    }>>;
    const module = await factory();
    const encoder = new module.HTJ2KEncoder();
    const info = { width: 512, height: 512, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false };
    encoder.getDecodedBuffer(info).set(new Uint8Array(reference.buffer, reference.byteOffset, reference.byteLength));
    encoder.setQuality(true, 0);
    encoder.encode();
    const encoded = encoder.getEncodedBuffer().slice();
    encoder.delete();
    expect(encoded.length).toBeLessThan(reference.byteLength / 2);
    const pixel = readTestImage(ct('LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1')).pixel;
    for (const uid of ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203']) {
      const values = await decodeFrame(uid, pixel, encoded);
      expect(values).toBeInstanceOf(Int16Array);
      expect(maxAbsDiff(values, reference)).toBe(0);
    }
  });
});

describe('decodeFrame: codecs are loaded once and reused', () => {
  it('the same module instance every time', async () => {
    expect(await loadCodec('JPEG 2000 (OpenJPEG)')).toBe(await loadCodec('JPEG 2000 (OpenJPEG)'));
  });
  it('concurrent decodes of one file give identical frames', async () => {
    const image = readTestImage(ct('JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90'));
    const all = await Promise.all([0, 1, 2, 3].map(() => decodeFrame(image.transferSyntaxUID, image.pixel, image.frames[0])));
    for (const v of all) expect(maxAbsDiff(v, reference)).toBe(0);
  });
});

describe('decodeFrame: clear errors, never a crash', () => {
  const ctPixel = () => readTestImage(ct('LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1')).pixel;
  async function failure(p: Promise<unknown>): Promise<PipelineError> {
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(PipelineError);
    expect((e as Error).message).not.toContain('\n');
    return e as PipelineError;
  }
  it('unsupported syntaxes are named', async () => {
    const e = await failure(decodeFrame('1.2.840.10008.1.2.4.102', ctPixel(), new Uint8Array(10)));
    expect(e.code).toBe('DICOM_UNSUPPORTED_SYNTAX');
    expect(e.message).toBe('transfer syntax 1.2.840.10008.1.2.4.102 (MPEG-4 video) is not supported');
    expect((await failure(decodeFrame('', ctPixel(), new Uint8Array(10)))).message).toBe('transfer syntax (missing) is not supported');
    expect(isDecodableSyntax('1.2.840.10008.1.2.4.102')).toBe(false);
    expect(isDecodableSyntax('1.2.840.10008.1.2.4.201')).toBe(true);
  });
  it('a truncated native frame says how many bytes it has and needs', async () => {
    const e = await failure(decodeFrame(EVRLE, ctPixel(), new Uint8Array(1000)));
    expect(e).toMatchObject({ code: 'DICOM_DECODE', message: 'pixel data has 1000 bytes, the frame needs 524288' });
  });
  it('impossible pixel modules are refused before any allocation', async () => {
    expect((await failure(decodeFrame(EVRLE, mono({ bitsStored: 17 }), le16(1, 2, 3, 4)))).message).toBe('Bits Stored 17 does not fit Bits Allocated 16');
    expect((await failure(decodeFrame(EVRLE, mono({ rows: 0 }), le16()))).message).toBe('image size 2×0 is not valid');
    expect((await failure(decodeFrame(EVRLE, mono({ bitsAllocated: 12 }), le16()))).message).toMatch(/Bits Allocated 12 is not supported/);
    expect((await failure(decodeFrame(EVRLE, mono({ samplesPerPixel: 4 }), le16()))).message).toMatch(/Samples per Pixel 4/);
  });
  const compressed: [string, string][] = [
    ['JPEG baseline', 'JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50'],
    ['JPEG 12-bit', 'JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51'],
    ['JPEG lossless', 'JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70'],
    ['JPEG-LS', 'JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80'],
    ['JPEG 2000', 'JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90'],
    ['RLE', 'RLELosslessTransferSyntax_1.2.840.10008.1.2.5'],
  ];
  for (const [what, suffix] of compressed) {
    it(`${what}: garbage and truncated frames give DICOM_DECODE`, async () => {
      const image = readTestImage(ct(suffix));
      const frame = image.frames[0];
      const garbage = frame.slice();
      for (let i = 0; i < garbage.length; i += 7) garbage[i] = (garbage[i] * 31 + 17) & 0xff;
      for (const broken of [new Uint8Array(0), frame.subarray(0, 40), garbage]) {
        const e = await decodeFrame(image.transferSyntaxUID, image.pixel, broken).then(() => undefined, (x: unknown) => x);
        // A corrupted entropy-coded segment may still decode to (wrong) pixels; it must never crash or hang.
        if (e !== undefined) {
          expect(e).toBeInstanceOf(PipelineError);
          expect((e as PipelineError).code).toBe('DICOM_DECODE');
        }
      }
      expect(await decodeFrame(image.transferSyntaxUID, image.pixel, new Uint8Array(0)).then(() => 'decoded', (x: PipelineError) => x.code)).toBe('DICOM_DECODE');
    }, 30_000);
  }
  it('a codestream whose size disagrees with the header is refused', async () => {
    const image = readTestImage(ct('JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90'));
    const e = await failure(decodeFrame(image.transferSyntaxUID, { ...image.pixel, rows: 256 }, image.frames[0]));
    expect(e.message).toBe('JPEG 2000 (OpenJPEG) codestream is 512×512×1, the header says 512×256×1');
  });
  it('RLE with the wrong segment count says so', async () => {
    const image = readTestImage(ct('RLELosslessTransferSyntax_1.2.840.10008.1.2.5'));
    const e = await failure(decodeFrame(image.transferSyntaxUID, { ...image.pixel, bitsAllocated: 8, bitsStored: 8, highBit: 7 }, image.frames[0]));
    expect(e.message).toBe('RLE frame has 2 segments, 1 sample(s) of 8 bits need 1');
  });
});

// ---- test support: read a file with dcmjs, independently of the ingest parser ----
interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer, options: Record<string, unknown>): { dict: Record<string, { Value?: unknown[] }>; meta: Record<string, { Value?: unknown[] }> } };
}
const data = (dcmjs as unknown as { data: DcmjsData }).data;
(dcmjs as unknown as { log: { setLevel(l: string): void } }).log.setLevel('silent');

/** What a test needs from one file. */
export interface TestImage {
  readonly transferSyntaxUID: string;
  readonly pixel: PixelModule;
  readonly frames: Uint8Array[];
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
}

/** Read `path` with dcmjs (lenient about character sets, as the files come from pydicom's suite). */
export function readTestImage(path: string): TestImage {
  const file = readFileSync(path);
  const message = data.DicomMessage.readFile(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength), { ignoreErrors: true });
  const d = message.dict;
  const value = (tag: string): unknown => d[tag]?.Value?.[0];
  const num = (tag: string, fallback: number): number => {
    const v = value(tag);
    return v === undefined || v === null || v === '' ? fallback : Number(v);
  };
  const transferSyntaxUID = String(message.meta['00020010']?.Value?.[0] ?? '');
  const pixel: PixelModule = {
    rows: num('00280010', 0),
    columns: num('00280011', 0),
    samplesPerPixel: num('00280002', 1),
    bitsAllocated: num('00280100', 0),
    bitsStored: num('00280101', 0),
    highBit: num('00280102', 0),
    pixelRepresentation: num('00280103', 0),
    photometricInterpretation: String(value('00280004') ?? ''),
    planarConfiguration: num('00280006', 0),
  };
  const numberOfFrames = num('00280008', 1);
  const items = (d['7FE00010']?.Value ?? []) as ArrayBuffer[];
  const parts = items.map((b) => new Uint8Array(b));
  let frames: Uint8Array[];
  const native = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2'].includes(transferSyntaxUID);
  if (native) {
    const whole = concat(parts);
    const size = (pixel.rows * pixel.columns * pixel.samplesPerPixel * pixel.bitsAllocated) / 8;
    const frameSize = pixel.photometricInterpretation === 'YBR_FULL_422' ? (size * 2) / 3 : size;
    frames = Array.from({ length: numberOfFrames }, (_, f) => whole.subarray(f * frameSize, (f + 1) * frameSize));
  } else if (parts.length === numberOfFrames) {
    frames = parts;
  } else if (numberOfFrames === 1) {
    frames = [concat(parts)];
  } else {
    const starts = parts.flatMap((p, i) => (p[0] === 0xff && (p[1] === 0xd8 || p[1] === 0x4f) ? [i] : []));
    frames = starts.map((s, k) => concat(parts.slice(s, starts[k + 1] ?? parts.length)));
  }
  return { transferSyntaxUID, pixel, frames, rescaleSlope: num('00281053', 1), rescaleIntercept: num('00281052', 0) };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
