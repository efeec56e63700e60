/**
 * Douglas–Peucker simplification of closed 2-D loops: drops vertices while every removed
 * vertex stays within `tolerance` of the simplified polygon's edge that replaces it.
 */
import type { IndexLoop } from './marching-squares.ts';
import { signedArea } from './marching-squares.ts';

/**
 * Simplify a closed loop (x0, y0, x1, y1, …; first point not repeated).
 *
 * The loop is split at its first vertex and the vertex farthest from it, and each half is
 * simplified as an open polyline, so the result keeps both anchors. A loop that would fall
 * below 3 vertices or lose its area (a one-pixel diamond at tolerance 0.5) is returned as is.
 *
 * @param tolerance maximum distance, in the loop's units, of a dropped vertex from the result.
 */
export function simplifyLoop(loop: IndexLoop, tolerance: number): IndexLoop {
  const n = loop.length / 2;
  if (n <= 4 || tolerance <= 0) return loop;
  let far = 0, best = -1;
  for (let p = 1; p < n; p++) {
    const d = (loop[2 * p] - loop[0]) ** 2 + (loop[2 * p + 1] - loop[1]) ** 2;
    if (d > best) { best = d; far = p; }
  }
  const keep = new Uint8Array(n);
  keep[0] = keep[far] = 1;
  markRange(loop, 0, far, tolerance, keep);
  markRange(loop, far, n, tolerance, keep); // index n wraps to 0
  const out: number[] = [];
  for (let p = 0; p < n; p++) if (keep[p]) out.push(loop[2 * p], loop[2 * p + 1]);
  const result = Float64Array.from(out);
  if (result.length < 6 || Math.abs(signedArea(result)) < 1e-9) return loop;
  return result;
}

/** Iterative DP between anchor vertices `first` and `last` (last may equal n: the wrap to 0). */
function markRange(loop: IndexLoop, first: number, last: number, tol: number, keep: Uint8Array): void {
  const n = loop.length / 2;
  const stack: number[] = [first, last];
  while (stack.length) {
    const b = stack.pop()!, a = stack.pop()!;
    if (b - a < 2) continue;
    const ax = loop[2 * a], ay = loop[2 * a + 1];
    const bx = loop[2 * (b % n)], by = loop[2 * (b % n) + 1];
    const dx = bx - ax, dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = -1, at = -1;
    for (let p = a + 1; p < b; p++) {
      const px = loop[2 * p] - ax, py = loop[2 * p + 1] - ay;
      // Distance to the segment (not the infinite line), so spikes folding back are kept.
      let d: number;
      const t = len > 0 ? (px * dx + py * dy) / (len * len) : 0;
      if (t <= 0) d = Math.hypot(px, py);
      else if (t >= 1) d = Math.hypot(px - dx, py - dy);
      else d = Math.abs(px * dy - py * dx) / len;
      if (d > worst) { worst = d; at = p; }
    }
    if (worst > tol) {
      keep[at] = 1;
      stack.push(a, at, at, b);
    }
  }
}
