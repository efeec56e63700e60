import { describe, expect, it } from 'vitest';
import { combineOutputs, removeSmallComponents, thresholdMask } from './postprocess.ts';

const roles = (combine: 'mean' | 'first') => ({
  combine,
  outputs: [{ name: 'a', role: 'branch-a' }, { name: 'b', role: 'branch-b' }],
});

describe('combineOutputs', () => {
  it('means the branches and reports |pa − pb|', () => {
    const { probability, disagreement } = combineOutputs(roles('mean'), [Float32Array.of(0.9, 0.2, 0.5), Float32Array.of(0.5, 0.4, 0.5)]);
    expect(Array.from(probability)).toEqual([0.7, 0.3, 0.5].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(disagreement!)).toEqual([0.4, 0.2, 0].map((v) => expect.closeTo(v, 6)));
  });

  it("takes the first output for 'first' and has no disagreement without two branches", () => {
    const a = Float32Array.of(0.9, 0.1);
    expect(combineOutputs(roles('first'), [a, Float32Array.of(0, 0)]).probability).toBe(a);
    const single = combineOutputs({ combine: 'mean', outputs: [{ name: 'p', role: 'fused' }] }, [a]);
    expect(single.probability).toBe(a);
    expect(single.disagreement).toBeNull();
  });
});

describe('thresholdMask', () => {
  it('is 1 at or above the threshold', () => {
    expect(Array.from(thresholdMask(Float32Array.of(0.49, 0.5, 0.51), 0.5))).toEqual([0, 1, 1]);
  });
});

describe('removeSmallComponents', () => {
  it('drops islands below the size, keeps the rest, joins diagonal neighbours (26-connectivity)', () => {
    const size = [6, 6, 3] as const;
    const m = new Uint8Array(6 * 6 * 3);
    const at = (x: number, y: number, z: number) => x + 6 * (y + 6 * z);
    // A 2×2×2 block (8 voxels) plus one voxel touching it only by a corner → one 9-voxel object.
    for (const z of [0, 1]) for (const y of [0, 1]) for (const x of [0, 1]) m[at(x, y, z)] = 1;
    m[at(2, 2, 2)] = 1;
    // An isolated pair far away.
    m[at(5, 5, 0)] = m[at(5, 4, 0)] = 1;
    const report = removeSmallComponents(m, size, 3);
    expect(report).toEqual({ kept: [9], removed: [2] });
    expect(m[at(5, 5, 0)]).toBe(0);
    expect(m[at(2, 2, 2)]).toBe(1);
    expect(m.reduce((a, b) => a + b, 0)).toBe(9);
  });
});
