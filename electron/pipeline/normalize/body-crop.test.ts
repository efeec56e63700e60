import { describe, expect, it } from 'vitest';
import { affineFrom, spacingOf, transformPoint, type Volume } from '../volume/index.ts';
import { bodyBox, gridAtSpacing } from './body-crop.ts';

function ct(size: [number, number, number], spacing: [number, number, number], fill: (i: number, j: number, k: number) => number): Volume<Int16Array> {
  const data = new Int16Array(size[0] * size[1] * size[2]);
  let v = 0;
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) data[v++] = fill(i, j, k);
  return { data, size, affine: affineFrom([-50, -40, 100], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], spacing), frameOfReferenceUID: '1.2', modality: 'CT', units: 'HU', sopInstanceUIDs: new Array(size[2]).fill(''), seriesInstanceUID: '3' };
}

describe('bodyBox', () => {
  const vol = ct([50, 40, 20], [1, 1, 2.5], (i, j, k) => (i >= 10 && i <= 30 && j >= 5 && j <= 25 && k >= 4 && k <= 15 ? 40 : -1000));

  it('bounds the voxels above −500 HU and grows by the margin in mm per axis, clipped to the grid', () => {
    expect(bodyBox(vol, -500, 0)).toEqual({ min: [10, 5, 4], max: [30, 25, 15] });
    // 10 mm = 10 voxels in x/y, ceil(10/2.5) = 4 slices in z; j clips at 0.
    expect(bodyBox(vol, -500, 10)).toEqual({ min: [0, 0, 0], max: [40, 35, 19] });
    expect(bodyBox(vol, -500, 3)).toEqual({ min: [7, 2, 2], max: [33, 28, 17] });
  });

  it('is null on air only', () => {
    expect(bodyBox(ct([4, 4, 4], [1, 1, 1], () => -1000))).toBeNull();
  });
});

describe('gridAtSpacing', () => {
  it('covers the box faces exactly at the new spacing, first centre half a voxel in', () => {
    const vol = ct([50, 40, 20], [1, 1, 2.5], () => 0);
    const grid = gridAtSpacing(vol, { min: [10, 5, 4], max: [29, 24, 15] }, [2, 2, 3]);
    // Extents 20 mm, 20 mm, 30 mm → 10, 10, 10 voxels.
    expect(grid.size).toEqual([10, 10, 10]);
    expect(spacingOf(grid.affine).map((s) => +s.toFixed(9))).toEqual([2, 2, 3]);
    // Box face in x: CT index 9.5 → x = −50 + 9.5 = −40.5; first new centre 1 mm further.
    const first = transformPoint(grid.affine, [0, 0, 0]);
    expect(first[0]).toBeCloseTo(-39.5, 9);
    expect(first[1]).toBeCloseTo(-40 + 4.5 + 1, 9);
    expect(first[2]).toBeCloseTo(100 + 3.5 * 2.5 + 1.5, 9);
    // Last centre half a new voxel inside the far face (CT index 29.5 → −20.5).
    expect(transformPoint(grid.affine, [9, 0, 0])[0]).toBeCloseTo(-21.5, 9);
    expect(grid.frameOfReferenceUID).toBe('1.2');
  });

  it('centres voxels that do not tile the extent exactly', () => {
    const vol = ct([10, 10, 10], [1, 1, 1], () => 0);
    const grid = gridAtSpacing(vol, { min: [0, 0, 0], max: [9, 9, 9] }, [3, 3, 3]);
    expect(grid.size).toEqual([3, 3, 3]); // round(10/3)
    // 9 mm used of 10: 0.5 mm slack each side → first centre at face + 0.5 + 1.5 = −50 − 0.5 + 2.
    expect(transformPoint(grid.affine, [0, 0, 0])[0]).toBeCloseTo(-48.5, 9);
  });
});
