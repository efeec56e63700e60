import { describe, expect, it } from 'vitest';
import { signedArea, traceLoops } from './marching-squares.ts';

function grid(rows: string[]): { data: Uint8Array; nx: number; ny: number } {
  const ny = rows.length, nx = rows[0].length;
  const data = new Uint8Array(nx * ny);
  rows.forEach((r, j) => [...r].forEach((ch, i) => { data[i + nx * j] = ch === '#' ? 1 : 0; }));
  return { data, nx, ny };
}

function points(loop: Float64Array): string[] {
  const out: string[] = [];
  for (let p = 0; p < loop.length; p += 2) out.push(`${loop[p]},${loop[p + 1]}`);
  return out.sort();
}

describe('traceLoops (marching squares on pixel centres)', () => {
  it('traces a single pixel as a diamond through the four edge midpoints', () => {
    const g = grid(['...', '.#.', '...']);
    const loops = traceLoops(g.data, g.nx, g.ny);
    expect(loops).toHaveLength(1);
    expect(points(loops[0])).toEqual(['0.5,1', '1,0.5', '1,1.5', '1.5,1'].sort());
    expect(signedArea(loops[0])).toBeCloseTo(0.5, 12);
  });

  it('traces a 3×3 square half a pixel outside its outer centres with the corners cut', () => {
    const g = grid(['.....', '.###.', '.###.', '.###.', '.....']);
    const loops = traceLoops(g.data, g.nx, g.ny);
    expect(loops).toHaveLength(1);
    // 3×3 pixels: a square from 0.5 to 3.5 with four corner triangles of area 1/8 cut off.
    expect(signedArea(loops[0])).toBeCloseTo(9 - 0.5, 12);
    const xs = [...loops[0]].filter((_, p) => p % 2 === 0);
    expect(Math.min(...xs)).toBe(0.5);
    expect(Math.max(...xs)).toBe(3.5);
  });

  it('gives a ring an outer loop (positive area) and a hole (negative area)', () => {
    const g = grid(['.....', '.###.', '.#.#.', '.###.', '.....']);
    const loops = traceLoops(g.data, g.nx, g.ny);
    expect(loops).toHaveLength(2);
    const areas = loops.map(signedArea).sort((a, b) => a - b);
    expect(areas[0]).toBeCloseTo(-0.5, 12); // the hole: a diamond around the empty centre
    expect(areas[1]).toBeCloseTo(8.5, 12);
  });

  it('separates islands and joins pixels that touch only at a corner', () => {
    const islands = grid(['#...#', '.....', '#....']);
    expect(traceLoops(islands.data, islands.nx, islands.ny)).toHaveLength(3);
    const diagonal = grid(['#..', '.#.', '..#']);
    const loops = traceLoops(diagonal.data, diagonal.nx, diagonal.ny);
    expect(loops).toHaveLength(1);
    expect(signedArea(loops[0])).toBeGreaterThan(0);
  });

  it('traces pixels touching the border of the slice (padding closes the loop)', () => {
    const g = grid(['##', '##']);
    const loops = traceLoops(g.data, g.nx, g.ny);
    expect(loops).toHaveLength(1);
    expect(signedArea(loops[0])).toBeCloseTo(4 - 0.5, 12);
  });

  it('traces only the requested label and nothing on an empty slice', () => {
    const data = Uint8Array.from([0, 2, 0, 1, 2, 0]);
    expect(traceLoops(data, 3, 2, 2)).toHaveLength(1);
    expect(traceLoops(new Uint8Array(9), 3, 3)).toEqual([]);
  });
});
