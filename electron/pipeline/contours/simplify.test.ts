import { describe, expect, it } from 'vitest';
import { simplifyLoop } from './simplify.ts';

describe('simplifyLoop', () => {
  it('drops collinear vertices of a rectangle, keeping its four corners', () => {
    const loop = Float64Array.from([0, 0, 1, 0, 2, 0, 3, 0, 3, 1, 3, 2, 2, 2, 1, 2, 0, 2, 0, 1]);
    const s = simplifyLoop(loop, 0.1);
    const pts = [];
    for (let p = 0; p < s.length; p += 2) pts.push(`${s[p]},${s[p + 1]}`);
    expect(pts.sort()).toEqual(['0,0', '0,2', '3,0', '3,2']);
  });

  it('keeps a vertex farther than the tolerance and drops one within it', () => {
    const bump = (h: number) => Float64Array.from([0, 0, 2, h, 4, 0, 4, 4, 0, 4]);
    expect(simplifyLoop(bump(0.3), 0.35).length / 2).toBe(4);
    expect(simplifyLoop(bump(0.4), 0.35).length / 2).toBe(5);
  });

  it('never collapses a loop below 3 vertices or to zero area', () => {
    const diamond = Float64Array.from([0.5, 1, 1, 0.5, 1.5, 1, 1, 1.5]);
    expect(Array.from(simplifyLoop(diamond, 0.5))).toEqual(Array.from(diamond));
    const thin = Float64Array.from([0, 0, 1, 0.1, 2, 0, 3, 0.1, 4, 0, 2, 0.05]);
    expect(simplifyLoop(thin, 0.5).length / 2).toBeGreaterThanOrEqual(3);
  });
});
