import { describe, expect, it } from 'vitest';
import { fillHolesPerSlice } from '../volume/fill-holes.ts';
import { BONE_HU, combineOutputs, holesHoldingBone, removeSmallComponents, thresholdMask } from './postprocess.ts';

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

describe('holesHoldingBone', () => {
  // Three slices, each a 7 × 7 ring around a 5 × 5 hole (25 pixels) of soft tissue (40 HU).
  const size = [9, 9, 3] as const;
  const mask = new Uint8Array(243);
  const ct = new Float32Array(243).fill(40);
  const at = (i: number, j: number, k: number) => i + 9 * j + 81 * k;
  for (let k = 0; k < 3; k++) for (let j = 1; j <= 7; j++) for (let i = 1; i <= 7; i++) if (i === 1 || i === 7 || j === 1 || j === 7) mask[at(i, j, k)] = 1;
  ct[at(4, 4, 1)] = 1200; // one calcified pixel in necrosis: 4 % of its hole
  for (let i = 2; i <= 6; i++) { ct[at(i, 3, 2)] = BONE_HU; ct[at(i, 4, 2)] = 900; ct[at(i, 5, 2)] = BONE_HU; } // a bone: 60 %

  it('fills soft tissue and a speck of calcification, keeps a hole holding bone open and counts it', () => {
    const m = Uint8Array.from(mask);
    const kept = { count: 0 };
    expect(fillHolesPerSlice(m, size, holesHoldingBone(ct, kept))).toBe(50);
    expect(kept.count).toBe(1);
    expect([m[at(4, 4, 0)], m[at(4, 4, 1)], m[at(4, 4, 2)], m[at(2, 2, 2)]]).toEqual([1, 1, 0, 0]);
  });

  it('keeps a hole open from 10 % bone on', () => {
    const edge = Float32Array.from(ct);
    for (let i = 2; i <= 6; i++) for (const j of [3, 4, 5]) edge[at(i, j, 2)] = 40;
    edge[at(2, 2, 2)] = edge[at(3, 2, 2)] = BONE_HU; // 2 of 25: 8 %
    const kept = { count: 0 };
    expect(fillHolesPerSlice(Uint8Array.from(mask), size, holesHoldingBone(edge, kept))).toBe(75);
    edge[at(4, 2, 2)] = BONE_HU - 1; // just below: still soft tissue
    expect(fillHolesPerSlice(Uint8Array.from(mask), size, holesHoldingBone(edge, kept))).toBe(75);
    edge[at(4, 2, 2)] = BONE_HU; // 3 of 25: 12 %
    expect(fillHolesPerSlice(Uint8Array.from(mask), size, holesHoldingBone(edge, kept))).toBe(50);
    expect(kept.count).toBe(1);
  });
});
