import { readFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { INT16_RESCALE_WASM, isSimdVolume, newInt16Volume, rescaleInt16InPlace } from './int16-rescale.ts';

/** What one stored value becomes, written out per value. */
function expected(stored: number, signed: boolean, bitsStored: number, intercept: number): number {
  const bits = bitsStored > 0 && bitsStored < 16 ? bitsStored : 16;
  let v = stored & (2 ** bits - 1);
  if (signed && v >= 2 ** (bits - 1)) v -= 2 ** bits;
  return Math.max(-32768, Math.min(32767, v + intercept));
}

/** Stored values with every extreme, then pseudo-random ones (fixed seed). */
function storedValues(n: number): Uint16Array {
  const out = new Uint16Array(n);
  const extremes = [0, 1, 0x7ff, 0x800, 0xfff, 0x1000, 0x7fff, 0x8000, 0xfffe, 0xffff];
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = i < extremes.length ? extremes[i] : seed >>> 16;
  }
  return out;
}

const CASES = [
  { signed: false, bitsStored: 12, intercept: -1024 }, // the usual CT
  { signed: false, bitsStored: 16, intercept: -1024 }, // can pass 32767: clamped (plain loop)
  { signed: false, bitsStored: 15, intercept: 0 },
  { signed: true, bitsStored: 16, intercept: -1024 },
  { signed: true, bitsStored: 12, intercept: -1024 },
  { signed: true, bitsStored: 16, intercept: 32767 },
  { signed: true, bitsStored: 16, intercept: -32768 },
  { signed: true, bitsStored: 16, intercept: 32768 }, // beyond int16: plain loop
  { signed: false, bitsStored: 10, intercept: 30000 },
];

describe('int16 rescale', () => {
  it('embeds exactly int16-rescale.wat as wabt assembles it', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(new URL('./int16-rescale.wat', import.meta.url), 'utf8');
    const { buffer } = wabt.parseWat('int16-rescale.wat', wat).toBinary({});
    expect(Buffer.from(buffer).toString('base64')).toBe(INT16_RESCALE_WASM);
  });

  it('makes zeroed volumes in WebAssembly memory', () => {
    const v = newInt16Volume(3 * 7 * 11);
    expect(v.length).toBe(231);
    expect(v.every((x) => x === 0)).toBe(true);
    expect(isSimdVolume(v)).toBe(true);
    expect(isSimdVolume(new Int16Array(8))).toBe(false);
  });

  // Slices of an odd-sized plane start off any 16-byte boundary and end in a part of 8 values.
  for (const c of CASES) {
    it(`gives every value exactly (${c.signed ? 'signed' : 'unsigned'}, ${c.bitsStored} bits, intercept ${c.intercept})`, () => {
      const plane = 37 * 29;
      const stored = storedValues(3 * plane);
      const want = Array.from(stored, (s) => expected(s, c.signed, c.bitsStored, c.intercept));
      for (const volume of [newInt16Volume(3 * plane), new Int16Array(3 * plane)]) {
        new Uint16Array(volume.buffer, volume.byteOffset, volume.length).set(stored);
        for (let k = 0; k < 3; k++) rescaleInt16InPlace(volume.subarray(k * plane, (k + 1) * plane), c.signed, c.bitsStored, c.intercept);
        expect(Array.from(volume)).toEqual(want);
      }
    });
  }
});
