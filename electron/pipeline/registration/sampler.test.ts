import { describe, expect, it } from 'vitest';
import { affineFrom, transformPoint, worldToIndex } from '../volume/geometry.ts';
import { downsample } from './pyramid.ts';
import { sampleFixed, seededRandom, valueAt } from './sampler.ts';

describe('fixed-image sampler', () => {
  // A linear field: trilinear interpolation reproduces it exactly anywhere inside.
  const affine = affineFrom([-5, 3, 10], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [1.5, 1.5, 3]);
  const size = [16, 12, 8] as const;
  const f = (p: number[]) => 2 * p[0] - p[1] + 0.5 * p[2];
  const data = new Float32Array(16 * 12 * 8);
  let o = 0;
  for (let k = 0; k < 8; k++) for (let j = 0; j < 12; j++) for (let i = 0; i < 16; i++) data[o++] = f(transformPoint(affine, [i, j, k]));
  const level = { data, size, affine };

  it('is reproducible for a seed and differs between seeds', () => {
    const a = seededRandom(5), b = seededRandom(5), c = seededRandom(6);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('interpolates trilinearly', () => {
    expect(valueAt(level, 3.25, 4.5, 2.75)).toBeCloseTo(f(transformPoint(affine, [3.25, 4.5, 2.75])), 3);
  });

  it('takes samples inside the mask only, with the fixed value at each point', () => {
    const mask = new Uint8Array(data.length);
    for (let k = 2; k < 6; k++) for (let j = 3; j < 9; j++) for (let i = 4; i < 12; i++) mask[i + 16 * (j + 12 * k)] = 1;
    const s = sampleFixed(level, mask, 150, 1); // 192 mask voxels: drawn with replacement
    expect(s.count).toBe(150);
    for (let n = 0; n < s.count; n++) {
      const p = [s.points[3 * n], s.points[3 * n + 1], s.points[3 * n + 2]];
      const idx = worldToIndex(affine, p);
      expect(idx[0]).toBeGreaterThanOrEqual(3.5); expect(idx[0]).toBeLessThanOrEqual(11.5);
      expect(idx[2]).toBeGreaterThanOrEqual(1.5); expect(idx[2]).toBeLessThanOrEqual(5.5);
      expect(s.values[n]).toBeCloseTo(f(p), 3);
    }
  });

  it('samples a fine level through a coarser mask grid', () => {
    const coarse = downsample(level, [2, 2, 2]);
    const mask = new Uint8Array(coarse.data.length).fill(0);
    mask[3 + 8 * (2 + 6 * 1)] = 1; // one coarse voxel
    const s = sampleFixed(level, mask, 50, 2, coarse);
    expect(s.count).toBe(1); // without replacement when the mask is small
    const idx = worldToIndex(coarse.affine, [s.points[0], s.points[1], s.points[2]]);
    expect(idx.map((v, a) => Math.abs(v - [3, 2, 1][a]) <= 0.5)).toEqual([true, true, true]);
    expect(s.values[0]).toBeCloseTo(f([s.points[0], s.points[1], s.points[2]]), 3);
  });
});
