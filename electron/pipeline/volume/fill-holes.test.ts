import { describe, expect, it } from 'vitest';
import { fillHolesPerSlice } from './fill-holes.ts';

/** A slice from rows of '#' (inside) and '.' (outside). */
function slice(rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
}
const text = (mask: Uint8Array, nx: number) => Array.from({ length: mask.length / nx }, (_, j) => Array.from(mask.subarray(j * nx, (j + 1) * nx), (v) => (v ? '#' : '.')).join(''));

describe('fillHolesPerSlice', () => {
  it('fills what a ring encloses and counts it, leaving bays open to the border alone', () => {
    const rows = [
      '........',
      '.#####..',
      '.#...#..',
      '.#.#.#..',
      '.#####..',
      '......#.',
      '.####.#.',
      '.#..#...',
    ];
    const m = slice(rows);
    expect(fillHolesPerSlice(m, [8, 8, 1])).toBe(5);
    expect(text(m, 8)).toEqual([
      '........',
      '.#####..',
      '.#####..',
      '.#####..',
      '.#####..',
      '......#.',
      '.####.#.',
      '.#..#...', // open to the bottom border: a bay, not a hole
    ]);
  });

  it('treats a hole touching the outside only at a corner as enclosed (contours join diagonal pixels)', () => {
    const m = slice(['.....', '.##..', '.#.#.', '..##.', '.....']);
    expect(fillHolesPerSlice(m, [5, 5, 1])).toBe(1);
    expect(m[2 * 5 + 2]).toBe(1);
  });

  it('fills each slice on its own: a hole is not closed by the slices above and below', () => {
    const ring = ['.....', '.###.', '.#.#.', '.###.', '.....'];
    const cup = ['.....', '.###.', '.#.#.', '.#.#.', '.#.#.'];
    const m = Uint8Array.from([...slice(ring), ...slice(cup), ...slice(ring)]);
    expect(fillHolesPerSlice(m, [5, 5, 3])).toBe(2);
    expect(m[12]).toBe(1);
    expect(m[25 + 12]).toBe(0);
    expect(m[50 + 12]).toBe(1);
  });

  it('asks about each hole on its own and leaves the ones it is told to keep', () => {
    const m = slice(['.........', '.#######.', '.#..#..#.', '.#..#..#.', '.#######.', '.........']);
    const seen: number[][] = [];
    const keepRight = (pixels: Int32Array, base: number) => {
      seen.push([base, ...pixels]);
      return pixels[0] % 9 > 4;
    };
    expect(fillHolesPerSlice(m, [9, 6, 1], keepRight)).toBe(4);
    expect(seen.map((h) => h.slice(1).sort((a, b) => a - b))).toEqual([[20, 21, 29, 30], [23, 24, 32, 33]]);
    expect(seen.every((h) => h[0] === 0)).toBe(true);
    expect(text(m, 9)).toEqual(['.........', '.#######.', '.####..#.', '.####..#.', '.#######.', '.........']);
  });
});
