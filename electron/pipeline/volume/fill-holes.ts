/** Filling the holes a mask encloses, slice by slice. */

/**
 * Whether to leave one hole open: its pixels (indices within the slice, i fastest) and the
 * index of the slice's first voxel in the volume.
 */
export type KeepOpen = (pixels: Int32Array, sliceBase: number) => boolean;

/**
 * In each slice (k plane), set every 0 not 4-connected to the slice's border to 1, in place,
 * hole by hole (4-connected), skipping the holes `keepOpen` asks to keep. Slices are the planes
 * contours are drawn on, so afterwards no contour has an inner ring but those kept.
 * Returns the number of voxels set.
 */
export function fillHolesPerSlice(mask: Uint8Array, size: readonly number[], keepOpen?: KeepOpen): number {
  const [nx, ny, nz] = size;
  const sxy = nx * ny;
  let filled = 0;
  const reached = new Uint8Array(sxy);
  // A pixel can be queued by up to four neighbours before it is reached, plus the border seeds.
  const queue = new Int32Array(4 * sxy + 2 * (nx + ny));
  const members = new Int32Array(sxy);
  let base = 0;
  /** Reach every background pixel 4-connected to the queued seeds; returns how many, listed in `members`. */
  const grow = (tail: number): number => {
    let count = 0;
    for (let head = 0; head < tail; head++) {
      const q = queue[head];
      if (reached[q] || mask[base + q]) continue; // border seeds inside the mask are skipped here
      reached[q] = 1;
      members[count++] = q;
      const j = (q / nx) | 0, i = q - j * nx;
      if (i > 0 && !reached[q - 1] && !mask[base + q - 1]) queue[tail++] = q - 1;
      if (i < nx - 1 && !reached[q + 1] && !mask[base + q + 1]) queue[tail++] = q + 1;
      if (j > 0 && !reached[q - nx] && !mask[base + q - nx]) queue[tail++] = q - nx;
      if (j < ny - 1 && !reached[q + nx] && !mask[base + q + nx]) queue[tail++] = q + nx;
    }
    return count;
  };
  for (let k = 0; k < nz; k++) {
    base = k * sxy;
    reached.fill(0);
    let tail = 0;
    for (let i = 0; i < nx; i++) { queue[tail++] = i; queue[tail++] = i + nx * (ny - 1); }
    for (let j = 0; j < ny; j++) { queue[tail++] = nx * j; queue[tail++] = nx * j + nx - 1; }
    grow(tail); // the outside
    for (let q = 0; q < sxy; q++) {
      if (reached[q] || mask[base + q]) continue;
      queue[0] = q;
      const n = grow(1);
      if (keepOpen?.(members.subarray(0, n), base)) continue;
      for (let m = 0; m < n; m++) mask[base + members[m]] = 1;
      filled += n;
    }
  }
  return filled;
}
