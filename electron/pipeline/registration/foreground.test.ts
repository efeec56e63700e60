import { describe, expect, it } from 'vitest';
import { affineFrom } from '../volume/geometry.ts';
import { bodyMask, centreOfMass, dilate, largestComponent, lowerOtsuThreshold, percentile } from './foreground.ts';
import type { LevelImage } from './pyramid.ts';

/** 20×20×6 level: a ring-shaped "body" (wall + hollow lung) and a separate "couch" bar. */
function chest(values: { air: number; wall: number; lung: number; couch: number }): LevelImage {
  const size = [20, 20, 6] as const;
  const data = new Float32Array(20 * 20 * 6).fill(values.air);
  for (let k = 0; k < 6; k++) for (let j = 0; j < 20; j++) for (let i = 0; i < 20; i++) {
    const r = Math.hypot(i - 9.5, j - 8.5);
    const o = i + 20 * (j + 20 * k);
    if (r < 7) data[o] = r < 4 ? values.lung : values.wall;
    if (j === 18 && i > 2 && i < 17) data[o] = values.couch;
  }
  return { data, size, affine: affineFrom([0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 2, 2]) };
}

describe('body mask', () => {
  it('keeps the body with its lungs, drops the couch, adds a one-voxel margin (CT)', () => {
    const ct = chest({ air: -1000, wall: 40, lung: -850, couch: 300 });
    const m = bodyMask(ct, true);
    const at = (i: number, j: number) => m[i + 20 * (j + 20 * 3)];
    expect(at(9, 8)).toBe(1); // lung: a hole filled
    expect(at(9, 2)).toBe(1); // wall
    expect(at(9, 18)).toBe(0); // couch: a separate, smaller component
    expect(at(0, 0)).toBe(0); // air
    // Margin: the first air voxel outside the wall along +x is in, the second is not.
    let edge = 19;
    while (ct.data[edge + 20 * (8 + 20 * 3)] <= -500) edge--; // outermost wall voxel of row 8
    expect([at(edge + 1, 8), at(edge + 2, 8)]).toEqual([1, 0]);
  });

  it('finds the body of an MR whose tissue classes differ more than tissue and air (three-class Otsu)', () => {
    // Muscle (dim) fills most of the body; fat (bright) is a thin part: two-class Otsu would
    // split fat from muscle, the lower three-class threshold splits air from body.
    const mr = chest({ air: 5, wall: 300, lung: 30, couch: 5 });
    for (let i = 0; i < mr.data.length; i += 11) if (mr.data[i] === 300) mr.data[i] = 900;
    const t = lowerOtsuThreshold(mr.data, percentile(mr.data, 0.001), percentile(mr.data, 0.995));
    expect(t).toBeGreaterThan(5);
    expect(t).toBeLessThan(300);
    const m = bodyMask(mr, false);
    expect(m[9 + 20 * (2 + 20 * 3)]).toBe(1);
    expect(m[0]).toBe(0);
  });

  it('has building blocks that do what they say', () => {
    const size = [5, 5, 1];
    const bin = Uint8Array.from([1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(largestComponent(bin, size))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const dot = new Uint8Array(27);
    dot[13] = 1;
    expect(Array.from(dilate(dot, [3, 3, 3])).reduce((a, b) => a + b, 0)).toBe(7);
    const level = { data: new Float32Array(27), size: [3, 3, 3] as const, affine: affineFrom([10, 20, 30], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [2, 2, 2]) };
    expect(centreOfMass(dot, level)).toEqual([12, 22, 32]);
    expect(centreOfMass(new Uint8Array(27), level)).toBeNull();
  });
});
