/** Where a mask has voxels, for cropping before marching cubes. */

/** Bounding box [i0, i1, j0, j1, k0, k1] of the non-zero voxels, grown by one voxel; null when empty. */
export function maskBounds(data: Uint8Array, size: readonly [number, number, number]): number[] | null {
  const [nx, ny, nz] = size;
  const b = [nx, -1, ny, -1, nz, -1];
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        if (!data[n]) continue;
        if (i < b[0]) b[0] = i;
        if (i > b[1]) b[1] = i;
        if (j < b[2]) b[2] = j;
        if (j > b[3]) b[3] = j;
        if (k < b[4]) b[4] = k;
        if (k > b[5]) b[5] = k;
      }
    }
  }
  if (b[1] < 0) return null;
  // One voxel of background all round closes the surface at the crop's edges.
  return [b[0] - 1, b[1] + 1, b[2] - 1, b[3] + 1, b[4] - 1, b[5] + 1];
}
