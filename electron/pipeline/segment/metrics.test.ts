import { describe, expect, it } from 'vitest';
import { affineFrom } from '../volume/index.ts';
import { dice, hd95 } from './metrics.ts';

const AXES = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

function box(size: [number, number, number], lo: number[], hi: number[]): Uint8Array {
  const m = new Uint8Array(size[0] * size[1] * size[2]);
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) m[i + size[0] * (j + size[1] * k)] = 1;
  return m;
}

describe('dice', () => {
  it('is 2|A∩B|/(|A|+|B|)', () => {
    const size: [number, number, number] = [10, 10, 10];
    const a = box(size, [0, 0, 0], [3, 3, 3]); // 64
    const b = box(size, [2, 0, 0], [5, 3, 3]); // 64, overlap 32
    expect(dice(a, b)).toBe(0.5);
    expect(dice(a, a)).toBe(1);
    expect(dice(new Uint8Array(8), new Uint8Array(8))).toBe(1);
  });
});

describe('hd95', () => {
  it('is 0 for identical masks and null when one is empty', () => {
    const size: [number, number, number] = [12, 12, 12];
    const a = box(size, [3, 3, 3], [8, 8, 8]);
    expect(hd95(a, a, size, affineFrom([0, 0, 0], AXES, [1, 1, 1]))).toBe(0);
    expect(hd95(a, new Uint8Array(a.length), size, affineFrom([0, 0, 0], AXES, [1, 1, 1]))).toBeNull();
  });

  it('measures a shift in mm with anisotropic spacing', () => {
    const size: [number, number, number] = [30, 30, 20];
    const a = box(size, [5, 5, 5], [14, 14, 14]);
    const shiftedZ = box(size, [5, 5, 8], [14, 14, 17]); // 3 slices along k
    // 3 slices × 2.5 mm: most surface points move 7.5 mm; P95 sits on that.
    expect(hd95(a, shiftedZ, size, affineFrom([0, 0, 0], AXES, [0.8, 0.8, 2.5]))).toBeCloseTo(7.5, 6);
    const shiftedX = box(size, [9, 5, 5], [18, 14, 14]);
    expect(hd95(a, shiftedX, size, affineFrom([0, 0, 0], AXES, [0.8, 0.8, 2.5]))).toBeCloseTo(4 * 0.8, 6);
  });

  it('ignores a far outlier below 5 % of the surface', () => {
    const size: [number, number, number] = [60, 40, 40];
    const a = box(size, [5, 5, 5], [24, 24, 24]);
    const b = Uint8Array.from(a);
    b[55 + 60 * (20 + 40 * 20)] = 1; // one stray voxel 31+ mm away
    expect(hd95(a, b, size, affineFrom([0, 0, 0], AXES, [1, 1, 1]))).toBe(0);
  });
});
