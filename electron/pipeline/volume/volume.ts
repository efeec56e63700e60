/**
 * The one image type every pipeline stage takes and returns.
 *
 * Voxels are stored in (k, j, i) = (slice, row, column) order, i fastest, and `affine`
 * maps a voxel index (i, j, k, 1) to DICOM patient coordinates (LPS, mm). Geometry is
 * never implicit: spacing, origin and direction are all read from `affine`.
 */
export type VoxelArray = Float32Array | Uint8Array | Int16Array | Uint16Array;

/** Physical meaning of voxel values. */
export type VolumeUnits = 'HU' | 'SUVbw' | 'BQML' | 'CNTS' | 'raw' | 'label' | 'probability';

export interface Volume<T extends VoxelArray = Float32Array> {
  /** Voxel values, length size[0]*size[1]*size[2], index = i + nx*(j + ny*k). */
  readonly data: T;
  /** [columns (i), rows (j), slices (k)]. */
  readonly size: readonly [number, number, number];
  /** Row-major 4×4 matrix from (i, j, k, 1) to LPS mm. */
  readonly affine: Float64Array;
  readonly frameOfReferenceUID: string;
  /** DICOM modality of the source series ('CT', 'PT', 'MR', …); 'SEG' for masks. */
  readonly modality: string;
  readonly units: VolumeUnits;
  /** SOP Instance UID of the source image for each slice k ('' where there is none). */
  readonly sopInstanceUIDs: readonly string[];
  /** Series the voxels came from ('' for derived volumes without one). */
  readonly seriesInstanceUID: string;
}

/** An image in physical units as loaded: float32, or int16 for a CT whose HU are whole numbers. */
export type ImageVolume = Volume<Float32Array | Int16Array>;

/** A binary or label mask on some grid. */
export type MaskVolume = Volume<Uint8Array>;

/** Number of voxels of a grid of this size. */
export function voxelCount(size: readonly [number, number, number]): number {
  return size[0] * size[1] * size[2];
}

/** A new volume on the same grid and frame as `like`, with other data and meaning. */
export function volumeLike<T extends VoxelArray>(
  like: Volume<VoxelArray>,
  data: T,
  fields: Partial<Pick<Volume<T>, 'modality' | 'units' | 'seriesInstanceUID'>> = {},
): Volume<T> {
  if (data.length !== voxelCount(like.size)) {
    throw new RangeError(`volumeLike: ${data.length} values for a ${like.size.join('×')} grid`);
  }
  return {
    data,
    size: like.size,
    affine: like.affine,
    frameOfReferenceUID: like.frameOfReferenceUID,
    modality: fields.modality ?? like.modality,
    units: fields.units ?? like.units,
    sopInstanceUIDs: like.sopInstanceUIDs,
    seriesInstanceUID: fields.seriesInstanceUID ?? like.seriesInstanceUID,
  };
}
