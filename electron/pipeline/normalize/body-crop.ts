/**
 * The region the model looks at: the bounding box of the body on the planning CT (voxels
 * above −500 HU, i.e. tissue, not air or couch foam) plus a margin, as a new grid at the
 * model's voxel spacing with the CT's orientation. Cropping first keeps the sliding window
 * off empty air, which is most of a CT's field of view.
 */
import type { TargetGrid } from '../volume/index.ts';
import { spacingOf, type Volume, type VoxelArray } from '../volume/index.ts';

/** Inclusive voxel index box on a grid. */
export interface IndexBox {
  readonly min: readonly [number, number, number];
  readonly max: readonly [number, number, number];
}

/**
 * Bounding box of voxels > thresholdHu, grown by marginMm on every side and clipped to the
 * grid. Null when no voxel is above the threshold.
 */
export function bodyBox(ct: Volume<VoxelArray>, thresholdHu = -500, marginMm = 10): IndexBox | null {
  const [nx, ny, nz] = ct.size;
  const min = [nx, ny, nz], max = [-1, -1, -1];
  let v = 0;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) {
    if (ct.data[v] > thresholdHu) {
      if (i < min[0]) min[0] = i;
      if (i > max[0]) max[0] = i;
      if (j < min[1]) min[1] = j;
      if (j > max[1]) max[1] = j;
      if (k < min[2]) min[2] = k;
      if (k > max[2]) max[2] = k;
    }
  }
  if (max[0] < 0) return null;
  const s = spacingOf(ct.affine);
  const grow = s.map((sp) => Math.ceil(marginMm / sp));
  return {
    min: [0, 1, 2].map((a) => Math.max(0, min[a] - grow[a])) as [number, number, number],
    max: [0, 1, 2].map((a) => Math.min(ct.size[a] - 1, max[a] + grow[a])) as [number, number, number],
  };
}

/**
 * A grid covering exactly the physical extent of `box` on `ct` (voxel faces, not centres)
 * at `spacing` [x, y, z] mm, axes along the CT's: n = max(1, round(extent / spacing)) voxels
 * per axis, the first centre half a voxel inside the box's first face.
 */
export function gridAtSpacing(ct: Volume<VoxelArray>, box: IndexBox, spacing: readonly [number, number, number]): TargetGrid {
  const s = spacingOf(ct.affine);
  const size = [0, 0, 0] as [number, number, number];
  const affine = new Float64Array(16);
  affine[15] = 1;
  // Start of the box (face of its first voxel) in CT index units, then shifted by half a new voxel.
  const startIndex = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const extent = (box.max[a] - box.min[a] + 1) * s[a];
    size[a] = Math.max(1, Math.round(extent / spacing[a]));
    // The new voxels may not tile the extent exactly: centre them on it.
    const used = size[a] * spacing[a];
    startIndex[a] = box.min[a] - 0.5 + ((extent - used) / 2 + spacing[a] / 2) / s[a];
  }
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) affine[r * 4 + c] = (ct.affine[r * 4 + c] / s[c]) * spacing[c];
    affine[r * 4 + 3] = ct.affine[r * 4 + 3] + ct.affine[r * 4] * startIndex[0] + ct.affine[r * 4 + 1] * startIndex[1] + ct.affine[r * 4 + 2] * startIndex[2];
  }
  return { size, affine, frameOfReferenceUID: ct.frameOfReferenceUID };
}
