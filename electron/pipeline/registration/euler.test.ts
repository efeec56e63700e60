import { describe, expect, it } from 'vitest';
import { invert4, multiply4, transformPoint } from '../volume/geometry.ts';
import { eulerAbout, fixedToMovingMatrix, movingToFixedMatrix, rigidityError, rigidMagnitude, rotationDerivatives, rotationOf, type RigidParameters } from './euler.ts';

describe('rigid Euler transform', () => {
  const p: RigidParameters = [0.1, -0.2, 0.3, 5, -7, 11];
  const c = [10, -20, 30];

  it('rotates about the centre: the centre moves by exactly t', () => {
    expect(transformPoint(fixedToMovingMatrix(p, c), c).map((v, r) => v - c[r])).toEqual([expect.closeTo(5, 12), expect.closeTo(-7, 12), expect.closeTo(11, 12)]);
  });

  it('composes Rz·Ry·Rx: a pure z rotation of 90° sends x to y', () => {
    const R = rotationOf([0, 0, Math.PI / 2, 0, 0, 0]);
    expect([R[0], R[3], R[6]].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0, 1, 0]);
  });

  it('gives moving→fixed as the exact inverse of fixed→moving', () => {
    const I = multiply4(movingToFixedMatrix(p, c), fixedToMovingMatrix(p, c));
    for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) expect(I[r * 4 + k]).toBeCloseTo(r === k ? 1 : 0, 12);
  });

  it('has rotation derivatives that match finite differences', () => {
    const d = rotationDerivatives(p);
    const h = 1e-6;
    for (let a = 0; a < 3; a++) {
      const plus = [...p] as number[], minus = [...p] as number[];
      plus[a] += h; minus[a] -= h;
      const Rp = rotationOf(plus as unknown as RigidParameters), Rm = rotationOf(minus as unknown as RigidParameters);
      for (let e = 0; e < 9; e++) expect(d[a][e]).toBeCloseTo((Rp[e] - Rm[e]) / (2 * h), 7);
    }
  });

  it('recovers the parameters of a rigid matrix about any centre (eulerAbout)', () => {
    const m = fixedToMovingMatrix(p, c);
    const other = [100, 50, -600];
    const q = eulerAbout(m, other) as unknown as RigidParameters;
    const back = fixedToMovingMatrix(q, other);
    for (let e = 0; e < 16; e++) expect(back[e]).toBeCloseTo(m[e], 10);
    expect(Array.from(eulerAbout(m, c))).toEqual(p.map((v) => expect.closeTo(v, 10)));
  });

  it('measures rotation angle, translation and rigidity', () => {
    const m = fixedToMovingMatrix([0, 0, (10 * Math.PI) / 180, 3, 4, 0], [0, 0, 0]);
    expect(rigidMagnitude(m).degrees).toBeCloseTo(10, 10);
    expect(rigidMagnitude(m).mm).toBeCloseTo(5, 10);
    expect(rigidityError(m)).toBeLessThan(1e-12);
    const scaled = Float64Array.from(m);
    scaled[0] *= 1.1;
    expect(rigidityError(scaled)).toBeGreaterThan(0.05);
    expect(rigidityError(invert4(m))).toBeLessThan(1e-12);
  });
});
