/** Filling the holes a mask encloses, slice by slice. */

/**
 * In each slice (k plane), set every 0 not 4-connected to the slice's border to 1, in place.
 * Slices are the planes contours are drawn on, so afterwards no contour has an inner ring.
 * Returns the number of voxels set.
 */
export function fillHolesPerSlice(mask: Uint8Array, size: readonly number[]): number {
  const [nx, ny, nz] = size;
  const sxy = nx * ny;
  let filled = 0;
  const outside = new Uint8Array(sxy);
  // A voxel can be queued by up to four neighbours before it is marked, plus the border seeds.
  const queue = new Int32Array(4 * sxy + 2 * (nx + ny));
  for (let k = 0; k < nz; k++) {
    const base = k * sxy;
    outside.fill(0);
    let tail = 0;
    for (let i = 0; i < nx; i++) { queue[tail++] = i; queue[tail++] = i + nx * (ny - 1); }
    for (let j = 0; j < ny; j++) { queue[tail++] = nx * j; queue[tail++] = nx * j + nx - 1; }
    // Border seeds that are inside the mask are skipped when popped.
    for (let head = 0; head < tail; head++) {
      const q = queue[head];
      if (outside[q] || mask[base + q]) continue;
      outside[q] = 1;
      const j = (q / nx) | 0, i = q - j * nx;
      if (i > 0 && !outside[q - 1] && !mask[base + q - 1]) queue[tail++] = q - 1;
      if (i < nx - 1 && !outside[q + 1] && !mask[base + q + 1]) queue[tail++] = q + 1;
      if (j > 0 && !outside[q - nx] && !mask[base + q - nx]) queue[tail++] = q - nx;
      if (j < ny - 1 && !outside[q + nx] && !mask[base + q + nx]) queue[tail++] = q + nx;
    }
    for (let q = 0; q < sxy; q++) {
      if (outside[q] || mask[base + q]) continue;
      mask[base + q] = 1;
      filled++;
    }
  }
  return filled;
}
