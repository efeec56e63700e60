import { describe, expect, it } from 'vitest';
import { fillEvenOdd } from './fill.ts';

function rows(out: Uint8Array, nx: number): string[] {
  const r: string[] = [];
  for (let j = 0; j < out.length / nx; j++) r.push([...out.subarray(j * nx, (j + 1) * nx)].map((v) => (v ? '#' : '.')).join(''));
  return r;
}

describe('fillEvenOdd', () => {
  it('fills the pixel centres inside a square', () => {
    const out = new Uint8Array(25);
    fillEvenOdd([[0.5, 0.5, 3.5, 0.5, 3.5, 3.5, 0.5, 3.5]], 5, 5, out);
    expect(rows(out, 5)).toEqual(['.....', '.###.', '.###.', '.###.', '.....']);
  });

  it('treats a nested contour as a hole and a contour inside the hole as an island (even-odd)', () => {
    const out = new Uint8Array(49);
    const sq = (a: number, b: number) => [a, a, b, a, b, b, a, b];
    fillEvenOdd([sq(0.5, 5.5), sq(1.5, 4.5), sq(2.5, 3.5)], 7, 7, out);
    expect(rows(out, 7)).toEqual(['.......', '.#####.', '.#...#.', '.#.#.#.', '.#...#.', '.#####.', '.......']);
  });

  it('lets two polygons sharing an edge claim each pixel once, and clips to the slice', () => {
    const out = new Uint8Array(16);
    fillEvenOdd([[-3, -3, 2, -3, 2, 10, -3, 10], [2, -3, 9, -3, 9, 10, 2, 10]], 4, 4, out, 7);
    expect([...out]).toEqual(new Array(16).fill(7));
  });

  it('fills a triangle by the centre rule and ignores degenerate input', () => {
    const out = new Uint8Array(25);
    fillEvenOdd([[0, 0, 4, 0, 0, 4]], 5, 5, out);
    // Centres with i + j < 4 are inside; on the hypotenuse (i + j = 4) they fall on a right edge → outside.
    expect(rows(out, 5)).toEqual(['####.', '###..', '##...', '#....', '.....']);
    const none = new Uint8Array(25);
    fillEvenOdd([[1, 1, 3, 1], []], 5, 5, none);
    expect(none.every((v) => v === 0)).toBe(true);
  });
});
