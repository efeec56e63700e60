/**
 * A CT whose HU are whole numbers loads as an exact Int16 volume (half the memory, no
 * conversion pass); anything else about the series keeps it Float32.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cat, ex, part10, us } from '../../../test/dicom-bytes.ts';
import { sharedData } from '../../../test/paths.ts';
import { EXPLICIT_LE } from './file-layout.ts';
import { allSeries, loadSeries, scanPaths } from './index.ts';
import { isSimdVolume } from './int16-rescale.ts';
import { readNative16Into } from './read-file.ts';
import { runTask } from './tasks.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'delineo-int16-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One axial CT slice, Explicit VR Little Endian; 2×2 signed 16-bit stored values unless told. */
function ctSlice(file: string, k: number, stored: number[], intercept: string, slope = '1',
  { size = 2, unsigned = false, bitsStored = 16 } = {}): string {
  const pixels = Buffer.alloc(2 * size * size + ((size * size) % 2) * 2); // Pixel Data has an even length
  stored.forEach((v, i) => (unsigned ? pixels.writeUInt16LE(v, 2 * i) : pixels.writeInt16LE(v, 2 * i)));
  const bytes = part10(EXPLICIT_LE, cat(
    ex(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    ex(0x0008, 0x0018, 'UI', `1.2.826.0.1.99.${k + 1}`),
    ex(0x0008, 0x0060, 'CS', 'CT'),
    ex(0x0010, 0x0020, 'LO', 'INT16'),
    ex(0x0020, 0x000d, 'UI', '1.2.826.0.1.99.100'),
    ex(0x0020, 0x000e, 'UI', '1.2.826.0.1.99.101'),
    ex(0x0020, 0x0013, 'IS', String(k + 1)),
    ex(0x0020, 0x0032, 'DS', `0\\0\\${2 * k}`),
    ex(0x0020, 0x0037, 'DS', '1\\0\\0\\0\\1\\0'),
    ex(0x0020, 0x0052, 'UI', '1.2.826.0.1.99.102'),
    ex(0x0028, 0x0002, 'US', us(1)),
    ex(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    ex(0x0028, 0x0010, 'US', us(size)),
    ex(0x0028, 0x0011, 'US', us(size)),
    ex(0x0028, 0x0030, 'DS', '1\\1'),
    ex(0x0028, 0x0100, 'US', us(16)),
    ex(0x0028, 0x0101, 'US', us(bitsStored)),
    ex(0x0028, 0x0102, 'US', us(bitsStored - 1)),
    ex(0x0028, 0x0103, 'US', us(unsigned ? 0 : 1)),
    ex(0x0028, 0x1052, 'DS', intercept),
    ex(0x0028, 0x1053, 'DS', slope),
    ex(0x7fe0, 0x0010, 'OW', pixels),
  ), false);
  const p = path.join(dir, file);
  writeFileSync(p, bytes);
  return p;
}

async function loadFolder(folder: string) {
  const scan = await scanPaths([folder]);
  expect(scan.errors).toEqual([]);
  return (await loadSeries(allSeries(scan)[0])).volume;
}

describe('CT in whole HU as Int16', () => {
  it('loads the real Philips CT as Int16, equal to the float values of every slice', async () => {
    const folder = sharedData('ct-lung-philips');
    const volume = await loadFolder(folder);
    expect(volume.data).toBeInstanceOf(Int16Array);
    expect(isSimdVolume(volume.data as Int16Array)).toBe(true); // rescaled in place by the SIMD kernels
    // Two slices against the general (worker) path, which converts to floats.
    const file = readdirSync(folder).filter((n) => n.endsWith('.dcm')).sort()[10];
    const scanned = await runTask({ op: 'header', path: path.join(folder, file) });
    if (!scanned.ok) throw new Error(scanned.message);
    const k = volume.sopInstanceUIDs.indexOf(scanned.header.sopInstanceUID);
    const full = await runTask({ op: 'frames', path: path.join(folder, file), frames: [1], scale: 1, expect: { sopInstanceUID: scanned.header.sopInstanceUID, rows: 512, columns: 512 } });
    if (!full.ok) throw new Error(full.message);
    expect(Float32Array.from(volume.data.subarray(k * 512 * 512, (k + 1) * 512 * 512))).toEqual(full.frames![0]);
  });

  it('clamps stored values beyond ±32767 HU (padding) and keeps every other value exact', async () => {
    const folder = path.join(dir, 'clamp');
    mkdirSync(folder);
    const stored = [-32768, 0, 1000, 32767];
    for (let k = 0; k < 3; k++) ctSlice(path.join('clamp', `${k}.dcm`), k, stored, '-1024');
    const volume = await loadFolder(folder);
    expect(volume.data).toBeInstanceOf(Int16Array);
    expect(Array.from(volume.data.subarray(0, 4))).toEqual([-32768, -1024, -24, 31743]);
    // Read directly: Int16 target vs float target of the same file.
    const file = path.join(folder, '1.dcm');
    const scanned = await runTask({ op: 'header', path: file });
    if (!scanned.ok) throw new Error(scanned.message);
    const asInt = new Int16Array(4), asFloat = new Float32Array(4);
    expect(await readNative16Into(file, scanned.header, scanned.pixelSpan!, 1, asInt)).toBe(true);
    expect(await readNative16Into(file, scanned.header, scanned.pixelSpan!, 1, asFloat)).toBe(true);
    expect(Array.from(asFloat)).toEqual([-33792, -1024, -24, 31743]);
    expect(Array.from(asInt)).toEqual([-32768, -1024, -24, 31743]);
    // A fractional rescale cannot be held as int16: refused.
    expect(await readNative16Into(file, scanned.header, scanned.pixelSpan!, 0.5, asInt)).toBe(false);
  });

  it('unsigned 12 of 16 bits: overlay bits removed on every slice, odd pixel counts and unaligned slices too', async () => {
    // 3×3 slices: the first starts on a 4-byte boundary (pairs of values at once plus a last
    // single one), the second does not (value by value); all must agree.
    const folder = path.join(dir, 'u12');
    mkdirSync(folder);
    const stored = [0, 1, 1023, 1024, 4095, 0xf000 | 5, 0x8000 | 4095, 2048, 0xffff];
    for (let k = 0; k < 3; k++) ctSlice(path.join('u12', `${k}.dcm`), k, stored.map((v, i) => (i === 4 ? v - k : v)), '-1024', '1', { size: 3, unsigned: true, bitsStored: 12 });
    const volume = await loadFolder(folder);
    expect(volume.data).toBeInstanceOf(Int16Array);
    for (let k = 0; k < 3; k++) {
      expect(Array.from(volume.data.subarray(9 * k, 9 * k + 9))).toEqual([-1024, -1023, -1, 0, 3071 - k, -1019, 3071, 1024, 3071]);
    }
  });

  it('signed 16 bits with intercept 0: the stored values are the HU, the whole int16 range kept', async () => {
    const folder = path.join(dir, 's16');
    mkdirSync(folder);
    for (let k = 0; k < 2; k++) ctSlice(path.join('s16', `${k}.dcm`), k, [-32768, -1000, 3071, 32767], '0');
    const volume = await loadFolder(folder);
    expect(volume.data).toBeInstanceOf(Int16Array);
    expect(Array.from(volume.data.subarray(4, 8))).toEqual([-32768, -1000, 3071, 32767]);
  });

  it('unsigned 16 bits with an intercept that can overflow int16: clamped, not wrapped', async () => {
    const folder = path.join(dir, 'u16');
    mkdirSync(folder);
    for (let k = 0; k < 2; k++) ctSlice(path.join('u16', `${k}.dcm`), k, [0, 1024, 33791, 65535], '-1024', '1', { unsigned: true });
    const volume = await loadFolder(folder);
    expect(Array.from(volume.data.subarray(0, 4))).toEqual([-1024, 0, 32767, 32767]);
  });

  it('keeps a CT Float32 when one slice has a fractional intercept or a slope other than 1', async () => {
    for (const [name, intercept, slope] of [['half', '-1024.5', '1'], ['slope', '-1024', '0.5']] as const) {
      mkdirSync(path.join(dir, name));
      for (let k = 0; k < 3; k++) ctSlice(path.join(name, `${k}.dcm`), k, [10, 20, 30, 40], k === 1 ? intercept : '-1024', k === 1 ? slope : '1');
      const volume = await loadFolder(path.join(dir, name));
      expect(volume.data).toBeInstanceOf(Float32Array);
      const expected = name === 'half' ? [-1014.5, -1004.5, -994.5, -984.5] : [-1019, -1014, -1009, -1004];
      expect(Array.from(volume.data.subarray(4, 8))).toEqual(expected);
      expect(Array.from(volume.data.subarray(0, 4))).toEqual([-1014, -1004, -994, -984]);
    }
  });
});
