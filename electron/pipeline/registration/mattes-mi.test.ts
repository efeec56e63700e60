import { describe, expect, it } from 'vitest';
import { affineFrom } from '../volume/geometry.ts';
import type { RigidParameters } from './euler.ts';
import { bspline3, bspline3Derivative, MattesMI } from './mattes-mi.ts';
import type { LevelImage } from './pyramid.ts';
import { sampleFixed } from './sampler.ts';

/** A smooth blob image: MI varies smoothly with the transform. */
function blobs(): LevelImage {
  const size = [40, 36, 30] as const;
  const affine = affineFrom([-40, -36, -30], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 2, 2]);
  const data = new Float32Array(40 * 36 * 30);
  let o = 0;
  for (let k = 0; k < 30; k++) for (let j = 0; j < 36; j++) for (let i = 0; i < 40; i++) {
    const x = -40 + 2 * i, y = -36 + 2 * j, z = -30 + 2 * k;
    data[o++] = 100 * Math.exp(-((x - 8) ** 2 + y ** 2 + z ** 2) / 300) + 60 * Math.exp(-((x + 12) ** 2 + (y - 10) ** 2 + (z + 5) ** 2) / 150);
  }
  return { data, size, affine };
}

describe('Mattes mutual information', () => {
  const img = blobs();
  const mask = new Uint8Array(img.data.length);
  // Blob voxels away from the border, so small motions never push samples out of the image
  // (the analytic gradient, like ITK's, ignores samples entering or leaving).
  for (let k = 3; k < 27; k++) for (let j = 3; j < 33; j++) for (let i = 3; i < 37; i++) {
    const p = i + 40 * (j + 36 * k);
    mask[p] = img.data[p] > 2 ? 1 : 0;
  }
  const samples = sampleFixed(img, mask, 5000, 1);
  const metric = new MattesMI(samples, img, [0, 100], [0, 100], 32);
  const c = [0, 0, 0];

  it('is a partition of unity B-spline with the right derivative', () => {
    for (const u of [0.13, 0.5, 0.97]) expect(bspline3(u + 1) + bspline3(u) + bspline3(u - 1) + bspline3(u - 2)).toBeCloseTo(1, 12);
    for (const u of [-1.7, -0.4, 0.2, 1.3]) expect(bspline3Derivative(u)).toBeCloseTo((bspline3(u + 1e-6) - bspline3(u - 1e-6)) / 2e-6, 6);
  });

  it('is highest at alignment and falls with misalignment', () => {
    const at0 = metric.evaluate([0, 0, 0, 0, 0, 0], c, false);
    const off = metric.evaluate([0, 0, 0.1, 3, 0, 0], c, false);
    expect(at0.overlap).toBe(1);
    expect(off.overlap).toBe(1);
    expect(at0.mi).toBeGreaterThan(off.mi + 0.1);
    expect(at0.nmi).toBeGreaterThan(off.nmi);
    expect(at0.nmi).toBeGreaterThan(1.3);
  });

  it('has an analytic gradient that matches central differences', () => {
    const p: RigidParameters = [0.03, -0.02, 0.05, 1.3, -0.7, 0.9];
    const g = metric.evaluate(p, c, true).gradient;
    const steps = [1e-4, 1e-4, 1e-4, 1e-2, 1e-2, 1e-2];
    for (let r = 0; r < 6; r++) {
      const plus = [...p] as number[], minus = [...p] as number[];
      plus[r] += steps[r]; minus[r] -= steps[r];
      const fd = (metric.evaluate(plus as unknown as RigidParameters, c, false).mi - metric.evaluate(minus as unknown as RigidParameters, c, false).mi) / (2 * steps[r]);
      expect(Math.abs(g[r] - fd)).toBeLessThan(0.02 * Math.abs(fd) + 3e-4);
    }
  });

  it('leaves out samples that map outside the moving image', () => {
    const far = metric.evaluate([0, 0, 0, 60, 0, 0], c, false);
    expect(far.overlap).toBeLessThan(0.2);
    expect(metric.evaluate([0, 0, 0, 500, 0, 0], c, true)).toMatchObject({ mi: 0, nmi: 1, overlap: 0 });
  });
});
