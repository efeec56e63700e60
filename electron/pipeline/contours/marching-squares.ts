/**
 * Boundary tracing of one binary slice by marching squares on pixel centres.
 *
 * Cells join four neighbouring pixel centres; a boundary crosses a cell edge at its midpoint,
 * half-way between an inside and an outside centre. The slice is treated as padded with
 * background so every loop closes. Loops are oriented with the foreground on their left in
 * (i, j) index coordinates, so outer boundaries have positive shoelace area and holes negative.
 * Diagonal touches (saddles) are joined: two pixels meeting at a corner are one region, as a
 * user who paints a diagonal stroke expects.
 */

/** A closed loop in index coordinates: x0, y0, x1, y1, … (first point not repeated). */
export type IndexLoop = Float64Array;

// Edges of a cell by name; the cell's corners are a=(i,j), b=(i+1,j), c=(i+1,j+1), d=(i,j+1).
const TOP = 0, RIGHT = 1, BOTTOM = 2, LEFT = 3;

// Unordered boundary segments per case (bit 1 = a, 2 = b, 4 = c, 8 = d); saddles 5 and 10 are joined.
const SEGMENTS: readonly (readonly [number, number][])[] = [
  [], [[TOP, LEFT]], [[TOP, RIGHT]], [[LEFT, RIGHT]],
  [[RIGHT, BOTTOM]], [[TOP, RIGHT], [LEFT, BOTTOM]], [[TOP, BOTTOM]], [[LEFT, BOTTOM]],
  [[LEFT, BOTTOM]], [[TOP, BOTTOM]], [[TOP, LEFT], [RIGHT, BOTTOM]], [[RIGHT, BOTTOM]],
  [[LEFT, RIGHT]], [[TOP, RIGHT]], [[TOP, LEFT]], [],
];

/**
 * All boundary loops of the pixels where `slice[i + nx*j] === label`.
 *
 * @param slice one slice of a mask, i fastest (nx × ny).
 * @returns loops in index coordinates, foreground on the left; each has at least 4 points.
 */
export function traceLoops(slice: ArrayLike<number>, nx: number, ny: number, label = 1): IndexLoop[] {
  const W = nx + 2, H = ny + 2;
  // Point ids: horizontal-edge midpoints first, then vertical-edge midpoints, on the padded grid.
  const next = new Int32Array(2 * W * H).fill(-1);
  const inside = (i: number, j: number) => i >= 0 && j >= 0 && i < nx && j < ny && slice[i + nx * j] === label;
  const edgeId = (edge: number, ci: number, cj: number): number => {
    switch (edge) {
      case TOP: return ci + 1 + W * (cj + 1);
      case BOTTOM: return ci + 1 + W * (cj + 2);
      case LEFT: return W * H + ci + 1 + W * (cj + 1);
      default: return W * H + ci + 2 + W * (cj + 1);
    }
  };
  let any = false;
  for (let cj = -1; cj < ny; cj++) {
    for (let ci = -1; ci < nx; ci++) {
      const code = (inside(ci, cj) ? 1 : 0) | (inside(ci + 1, cj) ? 2 : 0) | (inside(ci + 1, cj + 1) ? 4 : 0) | (inside(ci, cj + 1) ? 8 : 0);
      if (code === 0 || code === 15) continue;
      any = true;
      const saddle = code === 5 || code === 10;
      for (const [e1, e2] of SEGMENTS[code]) {
        const p = edgePoint(e1, ci, cj), q = edgePoint(e2, ci, cj);
        // A point known to be on the foreground side: the joined centre of a saddle, else the
        // mean of the foreground corners (on the far side of the segment from the background).
        const ref = saddle ? [ci + 0.5, cj + 0.5] : foregroundMean(code, ci, cj);
        const cross = (q[0] - p[0]) * (ref[1] - p[1]) - (q[1] - p[1]) * (ref[0] - p[0]);
        const a = edgeId(e1, ci, cj), b = edgeId(e2, ci, cj);
        if (cross > 0) next[a] = b;
        else next[b] = a;
      }
    }
  }
  if (!any) return [];
  return chain(next, W, H);
}

function edgePoint(edge: number, ci: number, cj: number): [number, number] {
  switch (edge) {
    case TOP: return [ci + 0.5, cj];
    case BOTTOM: return [ci + 0.5, cj + 1];
    case LEFT: return [ci, cj + 0.5];
    default: return [ci + 1, cj + 0.5];
  }
}

function foregroundMean(code: number, ci: number, cj: number): [number, number] {
  let x = 0, y = 0, n = 0;
  if (code & 1) { x += ci; y += cj; n++; }
  if (code & 2) { x += ci + 1; y += cj; n++; }
  if (code & 4) { x += ci + 1; y += cj + 1; n++; }
  if (code & 8) { x += ci; y += cj + 1; n++; }
  return [x / n, y / n];
}

/** Follow the successor links into closed loops and turn point ids back into coordinates. */
function chain(next: Int32Array, W: number, H: number): IndexLoop[] {
  const loops: IndexLoop[] = [];
  const seen = new Uint8Array(next.length);
  const coords: number[] = [];
  for (let start = 0; start < next.length; start++) {
    if (next[start] < 0 || seen[start]) continue;
    coords.length = 0;
    let id = start;
    while (!seen[id]) {
      seen[id] = 1;
      if (id < W * H) coords.push((id % W) - 1 + 0.5, Math.floor(id / W) - 1);
      else {
        const v = id - W * H;
        coords.push((v % W) - 1, Math.floor(v / W) - 1 + 0.5);
      }
      id = next[id];
      if (id < 0) throw new Error('traceLoops: open boundary (internal error)');
    }
    loops.push(Float64Array.from(coords));
  }
  return loops;
}

/** Shoelace area of a loop in index units: positive for an outer boundary, negative for a hole. */
export function signedArea(loop: ArrayLike<number>): number {
  const n = loop.length / 2;
  let s = 0;
  for (let p = 0, q = n - 1; p < n; q = p++) s += loop[2 * q] * loop[2 * p + 1] - loop[2 * p] * loop[2 * q + 1];
  return s / 2;
}
