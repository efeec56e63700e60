import { describe, expect, it } from 'vitest';
import { spacingOf, transformPoint } from '../volume/geometry.ts';
import { stackGeometry, type StackSlice } from './stack-geometry.ts';

const AXIAL = [1, 0, 0, 0, 1, 0];
const slice = (z: number, key = `sop${z}`, x = 0, y = 0, instanceNumber: number | null = null): StackSlice => ({ position: [x, y, z], key, instanceNumber });

describe('stackGeometry', () => {
  it('sorts along the normal, not by Instance Number', () => {
    // Instance numbers run backwards (a feet-first export); positions decide.
    const g = stackGeometry([slice(10, 'a', 0, 0, 1), slice(0, 'b', 0, 0, 3), slice(5, 'c', 0, 0, 2)], AXIAL, [0.5, 0.7], 1);
    expect(g.slices.map((s) => s.key)).toEqual(['b', 'c', 'a']);
    expect(g.gridSlices).toBe(3);
    expect(spacingOf(g.affine)).toEqual([0.7, 0.5, 5]); // x = column spacing, y = row spacing
    expect(g.warnings).toEqual([]);
    expect(g.refusal).toBeUndefined();
  });

  it('sorts a coronal stack along its normal (−y for row x, column −z)', () => {
    const coronal = [1, 0, 0, 0, 0, -1]; // normal = row × col = (0, 1, 0)
    const g = stackGeometry([{ position: [0, 4, 0], key: 'a', instanceNumber: 1 }, { position: [0, 2, 0], key: 'b', instanceNumber: 2 }], coronal, [1, 1], 1);
    expect(g.slices.map((s) => s.key)).toEqual(['b', 'a']);
    expect(transformPoint(g.affine, [0, 0, 1])).toEqual([0, 4, 0]);
  });

  it('keeps one copy of the same image twice, refuses two different images at one position', () => {
    const dup = stackGeometry([slice(0), slice(0), slice(2)], AXIAL, [1, 1], 1);
    expect(dup.slices).toHaveLength(2);
    expect(dup.warnings[0]).toMatch(/same image appears twice/);
    const clash = stackGeometry([slice(0, 'a'), slice(0, 'b'), slice(2)], AXIAL, [1, 1], 1);
    expect(clash.refusal).toMatch(/two different images at the same position \(0 mm along the normal\)/);
  });

  it('interpolates one missing slice with a warning, refuses a gap of two or more', () => {
    const one = stackGeometry([0, 2, 4, 8, 10].map((z) => slice(z)), AXIAL, [1, 1], 1);
    expect(one.refusal).toBeUndefined();
    expect(one.gridSlices).toBe(6);
    expect(one.sliceOffsets).toEqual([0, 2, 4, 8, 10]);
    expect(one.warnings[0]).toMatch(/^1 missing slice \(largest gap 4 mm between 4 and 8 mm along the normal\); interpolated onto a uniform 2 mm grid$/);
    const two = stackGeometry([0, 2, 4, 10, 12].map((z) => slice(z)), AXIAL, [1, 1], 1);
    expect(two.refusal).toMatch(/2 consecutive slices missing between 4 and 10 mm along the normal \(gap 6 mm\); refusing/);
  });

  it('resamples truly non-uniform spacing onto a uniform grid near the smallest step', () => {
    const g = stackGeometry([0, 3, 5.5, 8, 10.5, 13].map((z) => slice(z)), AXIAL, [1, 1], 1);
    expect(g.refusal).toBeUndefined();
    expect(g.warnings[0]).toMatch(/^non-uniform slice spacing \(2\.5–3 mm\): resampled linearly along the slice axis onto a uniform 2\.6 mm grid$/);
    expect(g.gridSlices).toBe(6); // 13 mm in 5 equal steps: first and last slice kept exactly
    expect(spacingOf(g.affine)[2]).toBeCloseTo(2.6, 12);
    expect(g.sliceOffsets).toEqual([0, 3, 5.5, 8, 10.5, 13]);
  });

  it('reads steps of exactly twice the usual as missing slices, not as non-uniform spacing', () => {
    const g = stackGeometry([0, 5, 7.5, 10, 12.5, 17.5].map((z) => slice(z)), AXIAL, [1, 1], 1);
    expect(g.warnings[0]).toMatch(/^2 missing slices/);
    expect(g.gridSlices).toBe(8);
  });

  it('accepts positions with floating-point noise as uniform', () => {
    const g = stackGeometry([0, 3.2700001, 6.5399997, 9.81].map((z) => slice(z)), AXIAL, [1, 1], 1);
    expect(g.warnings).toEqual([]);
    expect(g.sliceOffsets).toBeUndefined();
    expect(spacingOf(g.affine)[2]).toBeCloseTo(3.27, 6);
  });

  it('keeps a gantry-tilted stack on its sheared grid: every slice origin is exact', () => {
    const tilt = (20 * Math.PI) / 180;
    const zs = [0, 1, 2, 3].map((k) => k * 2.5);
    // Each slice moves 2.5 mm along z and 2.5·tan(20°) along y (the tilt).
    const slices = zs.map((z, k) => slice(z, `t${k}`, 0, z * Math.tan(tilt)));
    const g = stackGeometry(slices, AXIAL, [1, 1], 1);
    expect(g.warnings[0]).toMatch(/gantry tilt of 20(\.0)?°/);
    for (let k = 0; k < 4; k++) {
      const p = transformPoint(g.affine, [0, 0, k]);
      expect(p[1]).toBeCloseTo(slices[k].position[1], 9);
      expect(p[2]).toBeCloseTo(slices[k].position[2], 9);
    }
  });

  it('refuses positions that do not lie on one line', () => {
    const g = stackGeometry([slice(0), slice(1, 'b', 5, 0), slice(2)], AXIAL, [1, 1], 1);
    expect(g.refusal).toMatch(/do not lie on one line/);
  });

  it('gives a single slice the slice thickness along the normal', () => {
    const g = stackGeometry([slice(7)], AXIAL, [0.5, 0.5], 3);
    expect(spacingOf(g.affine)).toEqual([0.5, 0.5, 3]);
  });
});
