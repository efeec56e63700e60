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
 * Work is limited to the bounding box of those pixels (a GTV covers a small part of a CT
 * slice), padded by one pixel of background so every loop closes.
 *
 * @param slice one slice of a mask, i fastest (nx × ny).
 * @returns loops in index coordinates, foreground on the left; each has at least 4 points.
 */
export function traceLoops(slice: ArrayLike<number>, nx: number, ny: number, label = 1): IndexLoop[] {
  let i0 = nx, i1 = -1, j0 = ny, j1 = -1;
  for (let j = 0; j < ny; j++) {
    const row = nx * j;
    let first = -1, last = -1;
    for (let i = 0; i < nx; i++) {
      if (slice[row + i] === label) {
        first = i;
        break;
      }
    }
    if (first < 0) continue;
    for (let i = nx - 1; i >= first; i--) {
      if (slice[row + i] === label) {
        last = i;
        break;
      }
    }
    if (first < i0) i0 = first;
    if (last > i1) i1 = last;
    if (j0 === ny) j0 = j;
    j1 = j;
  }
  if (i1 < 0) return [];
  // Binary copy of the bounding box with a one-pixel background border: padded pixel (x, y)
  // is slice pixel (i0 + x − 1, j0 + y − 1).
  const w = i1 - i0 + 3, h = j1 - j0 + 3;
  const bin = new Uint8Array(w * h);
  for (let j = j0; j <= j1; j++) {
    const src = nx * j, dst = w * (j - j0 + 1) + 1 - i0;
    for (let i = i0; i <= i1; i++) if (slice[src + i] === label) bin[dst + i] = 1;
  }
  const loops = traceBinary(bin, w, h);
  const dx = i0 - 1, dy = j0 - 1;
  for (const loop of loops) {
    for (let p = 0; p < loop.length; p += 2) { loop[p] += dx; loop[p + 1] += dy; }
  }
  return loops;
}

/** Marching squares over a binary w × h image whose border pixels are all background. */
function traceBinary(bin: Uint8Array, w: number, h: number): IndexLoop[] {
  // Point ids: midpoints of horizontal cell edges first (x + 0.5, y), then of vertical ones (x, y + 0.5).
  const V = w * h;
  const next = new Int32Array(2 * V).fill(-1);
  const linked: number[] = []; // ids given a successor: the boundary, far fewer than 2V
  for (let cj = 0; cj < h - 1; cj++) {
    const top = w * cj, bottom = top + w;
    for (let ci = 0; ci < w - 1; ci++) {
      const code = bin[top + ci] | (bin[top + ci + 1] << 1) | (bin[bottom + ci + 1] << 2) | (bin[bottom + ci] << 3);
      if (code === 0 || code === 15) continue;
      const saddle = code === 5 || code === 10;
      for (const [e1, e2] of SEGMENTS[code]) {
        const p = edgePoint(e1, ci, cj), q = edgePoint(e2, ci, cj);
        // A point known to be on the foreground side: the joined centre of a saddle, else the
        // mean of the foreground corners (on the far side of the segment from the background).
        const ref = saddle ? [ci + 0.5, cj + 0.5] : foregroundMean(code, ci, cj);
        const cross = (q[0] - p[0]) * (ref[1] - p[1]) - (q[1] - p[1]) * (ref[0] - p[0]);
        const a = edgeId(e1, ci, cj, w, V), b = edgeId(e2, ci, cj, w, V);
        if (cross > 0) {
          next[a] = b;
          linked.push(a);
        } else {
          next[b] = a;
          linked.push(b);
        }
      }
    }
  }
  return chain(next, Int32Array.from(linked).sort(), w, V);
}

function edgeId(edge: number, ci: number, cj: number, w: number, V: number): number {
  switch (edge) {
    case TOP: return ci + w * cj;
    case BOTTOM: return ci + w * (cj + 1);
    case LEFT: return V + ci + w * cj;
    default: return V + ci + 1 + w * cj;
  }
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

/**
 * Follow the successor links into closed loops and turn point ids back into coordinates. Loops
 * start at their smallest id, in increasing order (`starts`: the linked ids, sorted).
 */
function chain(next: Int32Array, starts: Int32Array, w: number, V: number): IndexLoop[] {
  const loops: IndexLoop[] = [];
  const seen = new Uint8Array(next.length);
  const coords: number[] = [];
  for (const start of starts) {
    if (seen[start]) continue;
    coords.length = 0;
    let id = start;
    while (!seen[id]) {
      seen[id] = 1;
      if (id < V) coords.push((id % w) + 0.5, Math.floor(id / w));
      else coords.push((id - V) % w, Math.floor((id - V) / w) + 0.5);
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
