import { describe, expect, it } from 'vitest';
import { sliceOutline } from './slice-outline.ts';

function segs(s: Float32Array): number[][] {
  const out: number[][] = [];
  for (let n = 0; n < s.length; n += 6) out.push(Array.from(s.slice(n, n + 6)));
  return out;
}

describe('sliceOutline', () => {
  it('a 2×3 rectangle on an axial slice has 4 merged edges on voxel boundaries', () => {
    const size = [5, 5, 2] as const;
    const m = new Uint8Array(50);
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 2; i++) m[i + 5 * j + 25] = 1;
    const s = segs(sliceOutline(m, size, 2, 1));
    expect(s).toHaveLength(4);
    expect(s).toContainEqual([0.5, 0.5, 1, 2.5, 0.5, 1]); // top edge, i from 0.5 to 2.5
    expect(s).toContainEqual([0.5, 3.5, 1, 2.5, 3.5, 1]);
    expect(s).toContainEqual([0.5, 0.5, 1, 0.5, 3.5, 1]);
    expect(s).toContainEqual([2.5, 0.5, 1, 2.5, 3.5, 1]);
    expect(sliceOutline(m, size, 2, 0).length).toBe(0);
  });

  it('a hole gives its own edges; edges at the grid border close the outline', () => {
    const size = [3, 3, 1] as const;
    const m = new Uint8Array(9).fill(1);
    m[4] = 0;
    const s = segs(sliceOutline(m, size, 2, 0));
    // Outer square (4 merged edges) + hole (4 unit edges).
    expect(s).toHaveLength(8);
    expect(s).toContainEqual([-0.5, -0.5, 0, 2.5, -0.5, 0]);
    expect(s).toContainEqual([0.5, 0.5, 0, 1.5, 0.5, 0]);
  });

  it('a sagittal slice lies in the j–k plane at the slice index', () => {
    const size = [4, 3, 3] as const;
    const m = new Uint8Array(36);
    m[2 + 4 * 1 + 12 * 1] = 1; // voxel (2, 1, 1)
    const s = segs(sliceOutline(m, size, 0, 2));
    expect(s).toHaveLength(4);
    for (const seg of s) expect(seg[0]).toBe(2);
    expect(s).toContainEqual([2, 0.5, 0.5, 2, 1.5, 0.5]);
  });
});
