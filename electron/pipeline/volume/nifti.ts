/**
 * NIfTI-1 reading and writing (.nii and .nii.gz). NIfTI world space is RAS; Volumes are LPS,
 * so the first two rows of the affine change sign on the way in and out.
 */
import type { Volume, VoxelArray } from './volume.ts';

/** Read a NIfTI-1 file as a Volume (LPS affine from sform, else qform). */
export async function readNifti(file: string): Promise<Volume<VoxelArray>> {
  void file;
  throw new Error('readNifti: not implemented yet');
}

/** Write a Volume as NIfTI-1 with sform and qform set (LPS→RAS), atomically. */
export async function writeNifti(volume: Volume<VoxelArray>, file: string): Promise<void> {
  void volume; void file;
  throw new Error('writeNifti: not implemented yet');
}
