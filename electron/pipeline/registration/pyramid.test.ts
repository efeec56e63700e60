import { describe, expect, it } from 'vitest';
import { affineFrom, transformPoint } from '../volume/geometry.ts';
import { buildPyramid, downsample, shrinkFactors } from './pyramid.ts';

describe('pyramid', () => {
  const affine = affineFrom([-10, 5, 100], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0.8, 0.8, 5]);
  const size = [9, 8, 3] as const;
  const data = Float32Array.from({ length: 9 * 8 * 3 }, (_, n) => n);

  it('chooses integer factors closest to the target spacing', () => {
    expect(shrinkFactors([0.84, 0.84, 5], 8)).toEqual([10, 10, 2]);
    expect(shrinkFactors([0.84, 0.84, 5], 2)).toEqual([2, 2, 1]);
  });

  it('averages full blocks and drops the partial one', () => {
    const l = downsample({ data, size, affine }, [2, 2, 1]);
    expect(l.size).toEqual([4, 4, 3]);
    // Block (0,0,0) = voxels 0, 1, 9, 10.
    expect(l.data[0]).toBeCloseTo((0 + 1 + 9 + 10) / 4, 6);
    // Block (3,1,2): i 6–7, j 2–3, k 2.
    const at = (i: number, j: number, k: number) => i + 9 * (j + 8 * k);
    expect(l.data[3 + 4 * (1 + 4 * 2)]).toBeCloseTo((at(6, 2, 2) + at(7, 2, 2) + at(6, 3, 2) + at(7, 3, 2)) / 4, 6);
  });

  it('puts each coarse voxel centre at the mean of its block centres', () => {
    const l = downsample({ data, size, affine }, [2, 2, 1]);
    const c = transformPoint(l.affine, [1, 0, 2]);
    const a = transformPoint(affine, [2, 0, 2]), b = transformPoint(affine, [3, 1, 2]);
    expect(c).toEqual([expect.closeTo((a[0] + b[0]) / 2, 12), expect.closeTo((a[1] + b[1]) / 2, 12), expect.closeTo(a[2], 12)]);
  });

  it('builds coarse → fine levels', () => {
    expect(buildPyramid({ data, size, affine }, [3.2, 1.6]).map((l) => l.size)).toEqual([[2, 2, 3], [4, 4, 3]]);
  });
});
