import { describe, expect, it } from 'vitest';
import { affineFrom, invert4, transformPoint, type Mat4 } from '../volume/geometry.ts';
import type { MaskVolume } from '../volume/volume.ts';
import { maskToContours } from './to-contours.ts';
import { fillContours } from './to-mask.ts';

const AXIAL = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

function maskOf(size: [number, number, number], affine: Mat4, inside: (i: number, j: number, k: number) => boolean): MaskVolume {
  const data = new Uint8Array(size[0] * size[1] * size[2]);
  let o = 0;
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) data[o++] = inside(i, j, k) ? 1 : 0;
  return { data, size, affine, frameOfReferenceUID: '1.2.3', modality: 'SEG', units: 'label', sopInstanceUIDs: new Array(size[2]).fill(''), seriesInstanceUID: '' };
}

function dice(a: Uint8Array, b: Uint8Array): number {
  let both = 0, na = 0, nb = 0;
  for (let v = 0; v < a.length; v++) { if (a[v]) na++; if (b[v]) nb++; if (a[v] && b[v]) both++; }
  return (2 * both) / (na + nb);
}

function roundTrip(mask: MaskVolume, tolerancePx?: number): Uint8Array {
  const back = new Uint8Array(mask.data.length);
  const stats = fillContours(mask, maskToContours(mask, { tolerancePx }), back);
  expect(stats.outside).toBe(0);
  expect(stats.maxOffPlaneMm).toBeLessThan(1e-9);
  return back;
}

describe('maskToContours', () => {
  const A = affineFrom([-50, -40, 12.5], AXIAL, [0.9, 0.9, 3]);

  it('puts a square on its slice at z of that slice, half a pixel outside the outer centres', () => {
    const m = maskOf([10, 10, 3], A, (i, j, k) => k === 1 && i >= 2 && i <= 5 && j >= 3 && j <= 6);
    const cs = maskToContours(m);
    expect(cs).toHaveLength(1);
    const c = cs[0];
    expect(c.slice).toBe(1);
    expect(c.hole).toBe(false);
    const n = c.points.length / 3;
    expect(n).toBe(8); // four sides and the four corner cuts (0.35 px deep: kept); collinear midpoints removed
    const xs = [], ys = [];
    for (let p = 0; p < n; p++) {
      xs.push(c.points[3 * p]); ys.push(c.points[3 * p + 1]);
      expect(c.points[3 * p + 2]).toBe(12.5 + 3); // exactly the slice's z
    }
    expect(Math.min(...xs)).toBeCloseTo(-50 + 1.5 * 0.9, 10);
    expect(Math.max(...xs)).toBeCloseTo(-50 + 5.5 * 0.9, 10);
    expect(Math.min(...ys)).toBeCloseTo(-40 + 2.5 * 0.9, 10);
    // First point not repeated at the end.
    expect([c.points[0], c.points[1]]).not.toEqual([c.points[3 * n - 3], c.points[3 * n - 2]]);
    expect(Array.from(roundTrip(m))).toEqual(Array.from(m.data));
  });

  it('gives a ring an outer contour and a hole, and fills it back with the hole empty', () => {
    const m = maskOf([20, 20, 1], A, (i, j) => { const r = Math.hypot(i - 9.5, j - 9.5); return r <= 8 && r >= 4; });
    const cs = maskToContours(m);
    expect(cs.map((c) => c.hole).sort()).toEqual([false, true]);
    expect(Array.from(roundTrip(m))).toEqual(Array.from(m.data));
  });

  it('keeps separate islands separate and never emits a contour of fewer than 3 points', () => {
    const m = maskOf([16, 16, 2], A, (i, j, k) => (k === 0 && i < 4 && j < 4) || (k === 0 && i === 10 && j === 10) || (k === 1 && i > 12 && j > 12));
    const cs = maskToContours(m);
    expect(cs.filter((c) => c.slice === 0)).toHaveLength(2);
    expect(cs.filter((c) => c.slice === 1)).toHaveLength(1);
    for (const c of cs) expect(c.points.length / 3).toBeGreaterThanOrEqual(3);
    // The single voxel stays a 4-point diamond (simplifying it would collapse it).
    const single = cs.find((c) => c.slice === 0 && c.points.length === 12)!;
    expect(single).toBeDefined();
    expect(Array.from(roundTrip(m))).toEqual(Array.from(m.data));
  });

  it('simplifies a diagonal staircase to few vertices, all within 0.5 pixel of the traced boundary', () => {
    const m = maskOf([40, 40, 1], A, (i, j) => j >= i && i >= 2 && j <= 37);
    const exact = maskToContours(m, { tolerancePx: 0 })[0];
    const simple = maskToContours(m, { tolerancePx: 0.5 })[0];
    expect(simple.points.length / 3).toBeLessThanOrEqual(8);
    expect(exact.points.length / 3).toBeGreaterThan(70);
    // Every exact vertex lies within 0.5 px (0.45 mm) of the simplified polygon.
    const segDist = (p: number[], a: number[], b: number[]) => {
      const dx = b[0] - a[0], dy = b[1] - a[1];
      const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
      return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
    };
    const sn = simple.points.length / 3;
    for (let p = 0; p < exact.points.length; p += 3) {
      let best = Infinity;
      for (let q = 0; q < sn; q++) {
        const a = [simple.points[3 * q], simple.points[3 * q + 1]], b = [simple.points[3 * ((q + 1) % sn)], simple.points[3 * ((q + 1) % sn) + 1]];
        best = Math.min(best, segDist([exact.points[p], exact.points[p + 1]], a, b));
      }
      expect(best).toBeLessThanOrEqual(0.5 * 0.9 + 1e-9);
    }
    expect(dice(roundTrip(m, 0.5), m.data)).toBeGreaterThan(0.98);
    // At the default tolerance the same staircase fills back exactly.
    expect(Array.from(roundTrip(m))).toEqual(Array.from(m.data));
  });

  it('works on an oblique grid: points lie in each slice plane, round trip ≥ 0.98 Dice on a sphere', () => {
    const c = Math.cos(0.5), s = Math.sin(0.5);
    const axes = [[c, s * 0.8, s * 0.6], [-s, c * 0.8, c * 0.6], [0, -0.6, 0.8]];
    const B = affineFrom([-30, 20, -10], axes, [1.1, 1.1, 2]);
    const m = maskOf([40, 40, 16], B, (i, j, k) => Math.hypot((i - 20) * 1.1, (j - 19) * 1.1, (k - 8) * 2) <= 14);
    const cs = maskToContours(m);
    const inv = invert4(B);
    for (const ct of cs) {
      for (let p = 0; p < ct.points.length; p += 3) {
        const ijk = transformPoint(inv, [ct.points[p], ct.points[p + 1], ct.points[p + 2]]);
        expect(Math.abs(ijk[2] - ct.slice)).toBeLessThan(1e-9);
      }
    }
    expect(dice(roundTrip(m), m.data)).toBeGreaterThanOrEqual(0.98);
  });

  it('round-trips spheres and thick rings with Dice ≥ 0.98 at 0.5 px and exactly at the default', () => {
    const sphere = maskOf([48, 48, 20], A, (i, j, k) => Math.hypot((i - 24) * 0.9, (j - 23) * 0.9, (k - 10) * 3) <= 18);
    expect(dice(roundTrip(sphere, 0.5), sphere.data)).toBeGreaterThanOrEqual(0.98);
    expect(Array.from(roundTrip(sphere))).toEqual(Array.from(sphere.data));
    const ring = maskOf([60, 60, 6], A, (i, j) => { const r = Math.hypot(i - 30, j - 30); return r <= 25 && r >= 12; });
    expect(dice(roundTrip(ring, 0.5), ring.data)).toBeGreaterThanOrEqual(0.98);
    expect(Array.from(roundTrip(ring))).toEqual(Array.from(ring.data));
    const small = maskOf([12, 12, 3], A, (i, j, k) => Math.hypot(i - 6, j - 6, k - 1) <= 2.2);
    expect(dice(roundTrip(small), small.data)).toBeGreaterThanOrEqual(0.9);
  });

  it('reports progress per slice and stops when aborted', () => {
    const m = maskOf([8, 8, 4], A, () => true);
    const seen: number[] = [];
    maskToContours(m, {}, { onProgress: (p) => seen.push(p.done) });
    expect(seen).toEqual([1, 2, 3, 4]);
    const ac = new AbortController();
    ac.abort();
    expect(() => maskToContours(m, {}, { signal: ac.signal })).toThrow(/abort/i);
  });
});
