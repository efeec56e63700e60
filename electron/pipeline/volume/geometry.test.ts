import { describe, expect, it } from 'vitest';
import { affineFrom, directionOf, invert4, multiply4, originOf, spacingOf, transformPoint, worldToIndex } from './geometry.ts';

describe('affine geometry', () => {
  // An oblique grid: axes rotated 30° about z, anisotropic spacing, offset origin.
  const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
  const axes = [[c, s, 0], [-s, c, 0], [0, 0, 1]];
  const A = affineFrom([-100, 50, 20], axes, [0.8, 0.9, 3]);

  it('reads back spacing, origin and direction', () => {
    expect(spacingOf(A)).toEqual([expect.closeTo(0.8, 12), expect.closeTo(0.9, 12), expect.closeTo(3, 12)]);
    expect(originOf(A)).toEqual([-100, 50, 20]);
    const d = directionOf(A);
    expect(d[0]).toBeCloseTo(c, 12); // column i, row x
    expect(d[3]).toBeCloseTo(s, 12); // column i, row y
    expect(d[1]).toBeCloseTo(-s, 12); // column j, row x
  });

  it('maps an index to LPS and back', () => {
    const p = transformPoint(A, [10, 20, 5]);
    expect(p[0]).toBeCloseTo(-100 + 10 * 0.8 * c - 20 * 0.9 * s, 10);
    expect(p[2]).toBeCloseTo(20 + 15, 10);
    const ijk = worldToIndex(A, p);
    expect(ijk.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([10, 20, 5]);
  });

  it('inverts: A·A⁻¹ = I', () => {
    const I = multiply4(A, invert4(A));
    for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) expect(I[r * 4 + k]).toBeCloseTo(r === k ? 1 : 0, 12);
  });

  it('refuses a singular matrix', () => {
    expect(() => invert4(new Float64Array(16))).toThrow(/singular/);
  });
});
