/**
 * Even-odd scanline filling of planar polygons onto one slice of a pixel grid.
 *
 * A pixel is inside when a ray from its centre crosses the polygons' edges an odd number
 * of times, counting all polygons of the slice together: a contour nested in another is a
 * hole, one nested in a hole an island again, as DICOM RT structure sets mean it.
 */

/**
 * Fill polygons (index coordinates x0, y0, x1, y1, …) into `out` (nx × ny, i fastest).
 *
 * Pixel (i, j) is set to `value` when its centre is inside by the even-odd rule; a centre
 * exactly on a left edge counts as inside and on a right edge as outside, so two polygons
 * sharing an edge never both claim a pixel.
 */
export function fillEvenOdd(polygons: readonly ArrayLike<number>[], nx: number, ny: number, out: Uint8Array, value = 1): void {
  // Flatten edges once: x0, y0, x1, y1 with y0 < y1 (horizontal edges never cross a row).
  const edges: number[] = [];
  let minY = Infinity, maxY = -Infinity;
  for (const poly of polygons) {
    const n = poly.length / 2;
    for (let p = 0, q = n - 1; p < n; q = p++) {
      let x0 = poly[2 * q], y0 = poly[2 * q + 1], x1 = poly[2 * p], y1 = poly[2 * p + 1];
      if (y0 === y1) continue;
      if (y0 > y1) [x0, y0, x1, y1] = [x1, y1, x0, y0];
      edges.push(x0, y0, x1, y1);
      if (y0 < minY) minY = y0;
      if (y1 > maxY) maxY = y1;
    }
  }
  if (edges.length === 0) return;
  const j0 = Math.max(0, Math.ceil(minY)), j1 = Math.min(ny - 1, Math.floor(maxY));
  const xs: number[] = [];
  for (let j = j0; j <= j1; j++) {
    xs.length = 0;
    for (let e = 0; e < edges.length; e += 4) {
      // Half-open [y0, y1): a vertex on the row is counted once, by the edge leaving upward.
      if (j < edges[e + 1] || j >= edges[e + 3]) continue;
      const t = (j - edges[e + 1]) / (edges[e + 3] - edges[e + 1]);
      xs.push(edges[e] + t * (edges[e + 2] - edges[e]));
    }
    if (xs.length < 2) continue;
    xs.sort((a, b) => a - b);
    const row = nx * j;
    for (let s = 0; s + 1 < xs.length; s += 2) {
      const from = Math.max(0, Math.ceil(xs[s])), to = Math.min(nx - 1, Math.ceil(xs[s + 1]) - 1);
      for (let i = from; i <= to; i++) out[row + i] = value;
    }
  }
}
