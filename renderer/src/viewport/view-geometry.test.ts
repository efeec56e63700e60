import { describe, expect, it } from 'vitest';
import { displayToWorld, indexToWorld, ORIENTATION_LABELS, rightOf, sliceAxis, worldToDisplay, worldToIndex } from './view-geometry.ts';

// A CT-like grid: 0.98 mm pixels, 3.27 mm slices, origin (−250, −200, 100), identity direction.
const affine = [0.98, 0, 0, -250, 0, 0.98, 0, -200, 0, 0, 3.27, 100, 0, 0, 0, 1];

describe('view geometry', () => {
  it('radiological convention: patient left on screen right (axial, coronal), anterior on screen left (sagittal)', () => {
    expect(rightOf('axial')).toEqual([1, 0, 0]); // +x = patient left
    expect(rightOf('coronal')).toEqual([1, 0, 0]);
    expect(rightOf('sagittal')).toEqual([0, 1, 0]); // +y = posterior on the right
    expect(ORIENTATION_LABELS.axial).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(ORIENTATION_LABELS.sagittal.left).toBe('A');
  });

  it('each view slices the index axis nearest its normal, also for a flipped or permuted grid', () => {
    expect([sliceAxis(affine, 'sagittal'), sliceAxis(affine, 'coronal'), sliceAxis(affine, 'axial')]).toEqual([0, 1, 2]);
    // A coronal acquisition: i = x, j = −z, k = y.
    const coronal = [1, 0, 0, 0, 0, 0, 2, 0, 0, -1, 0, 0, 0, 0, 0, 1];
    expect([sliceAxis(coronal, 'sagittal'), sliceAxis(coronal, 'coronal'), sliceAxis(coronal, 'axial')]).toEqual([0, 2, 1]);
  });

  it('index ↔ world round-trips', () => {
    const p = indexToWorld(affine, [10, 20, 3]);
    expect(p[0]).toBeCloseTo(-240.2);
    expect(p[2]).toBeCloseTo(109.81);
    const back = worldToIndex(affine, p);
    expect(back[0]).toBeCloseTo(10);
    expect(back[1]).toBeCloseTo(20);
    expect(back[2]).toBeCloseTo(3);
  });

  it('display ↔ world round-trips and the centre is the focal point', () => {
    const cam = { focal: [0, 0, 50] as [number, number, number], parallelScale: 100, width: 400, height: 200 };
    expect(displayToWorld('axial', cam, 200, 100)).toEqual([0, 0, 50]);
    // 1 px = 1 mm here; 10 px right = 10 mm towards patient left, 10 px up = anterior (−y).
    const p = displayToWorld('axial', cam, 210, 90);
    expect(p).toEqual([10, -10, 50]);
    expect(worldToDisplay('axial', cam, p)).toEqual([210, 90]);
    const s = displayToWorld('sagittal', cam, 190, 80);
    expect(s).toEqual([0, -10, 70]);
    expect(worldToDisplay('sagittal', cam, s)).toEqual([190, 80]);
  });
});
