/**
 * Resampling a volume onto another voxel grid through patient coordinates.
 *
 * The work is done in index space: one 4×4 matrix maps an output voxel index to a
 * (fractional) input voxel index, built once per call, and the inner loop only adds the
 * matrix's first column while stepping along i — no per-voxel matrix products or inversions.
 */
import { identity4, invert4, multiply4, type GridGeometry, type Mat4 } from './geometry.ts';
import { voxelCount, type Volume, type VolumeUnits, type VoxelArray } from './volume.ts';

/** How voxel values are read between voxel centres. */
export type Interpolation = 'linear' | 'nearest';

/** The grid to resample onto; a Volume fits, so does a bare {size, affine}. */
export interface TargetGrid extends GridGeometry {
  /** Frame of reference of the target grid (the output carries it); defaults to the input's. */
  readonly frameOfReferenceUID?: string;
  /** Source SOP Instance UIDs per target slice, carried to the output when given. */
  readonly sopInstanceUIDs?: readonly string[];
}

export interface ResampleOptions {
  /** 'linear' (trilinear, images) or 'nearest' (labels and masks: values are never mixed). */
  readonly interpolation: Interpolation;
  /** Value outside the input's extent; defaults to {@link defaultPadValue} of the input's units. */
  readonly padValue?: number;
}

/** Padding that reads as "nothing there" in each unit: air for CT, zero activity or signal otherwise. */
export function defaultPadValue(units: VolumeUnits): number {
  return units === 'HU' ? -1024 : 0;
}

/**
 * Index→index matrix of a resampling: output voxel (i, j, k) → input voxel (fractional).
 *
 * @param movingToFixed 4×4 from the input's patient coordinates to the target's patient coordinates.
 */
export function indexToIndexMatrix(input: GridGeometry, target: GridGeometry, movingToFixed: Mat4): Mat4 {
  // out index → fixed patient → moving patient → moving index
  return multiply4(invert4(input.affine), multiply4(invert4(movingToFixed), target.affine));
}

/**
 * Resample `moving` onto `grid`.
 *
 * @param moving the volume to read.
 * @param grid the output grid (size + index→LPS affine), usually the planning CT.
 * @param movingToFixed 4×4 (row-major) from the moving volume's patient coordinates to the grid's
 *   patient coordinates; the identity when both share a Frame of Reference.
 * @returns a volume on `grid`: Float32 for linear interpolation, the input's array type for nearest
 *   (so a Uint8 mask stays a Uint8 mask), padded outside the input's extent.
 *   Output voxels whose centre lies within half a voxel outside the input's outermost centres read
 *   the edge value (as ITK does); further out they get the pad value.
 */
export function resampleToGrid<T extends VoxelArray>(
  moving: Volume<T>,
  grid: TargetGrid,
  movingToFixed: Mat4 = identity4(),
  options: ResampleOptions = { interpolation: 'linear' },
): Volume<T | Float32Array> {
  const pad = options.padValue ?? defaultPadValue(moving.units);
  const n = voxelCount(grid.size);
  const nearest = options.interpolation === 'nearest';
  const out: VoxelArray = nearest ? new (moving.data.constructor as new (n: number) => T)(n) : new Float32Array(n);
  const m = indexToIndexMatrix(moving, grid, movingToFixed);
  if (sameGridExactly(m, moving.size, grid.size)) out.set(moving.data);
  else if (rowsRunAlongX(m, grid.size[0])) {
    if (nearest) sampleNearestRows(moving.data, moving.size, grid.size, m, pad, out);
    else sampleLinearRows(moving.data, moving.size, grid.size, m, pad, out as Float32Array);
  } else if (nearest) sampleNearest(moving.data, moving.size, grid.size, m, pad, out);
  else sampleLinear(moving.data, moving.size, grid.size, m, pad, out as Float32Array);
  return {
    data: out as T | Float32Array,
    size: [grid.size[0], grid.size[1], grid.size[2]],
    affine: Float64Array.from(grid.affine),
    frameOfReferenceUID: grid.frameOfReferenceUID ?? moving.frameOfReferenceUID,
    modality: moving.modality,
    units: moving.units,
    sopInstanceUIDs: grid.sopInstanceUIDs ?? new Array<string>(grid.size[2]).fill(''),
    seriesInstanceUID: moving.seriesInstanceUID,
  };
}

/**
 * The inverse direction, for display: bring a volume on the fixed grid (a CT-grid mask) onto a
 * secondary series' grid, given the same moving→fixed matrix the registration produced.
 */
export function resampleToMovingGrid<T extends VoxelArray>(
  onFixed: Volume<T>,
  movingGrid: TargetGrid,
  movingToFixed: Mat4,
  options: ResampleOptions,
): Volume<T | Float32Array> {
  return resampleToGrid(onFixed, movingGrid, invert4(movingToFixed), options);
}

/** True when the index→index map is the identity to rounding error on equal sizes: a plain copy is exact. */
function sameGridExactly(m: Mat4, a: readonly number[], b: readonly number[]): boolean {
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) return false;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) if (Math.abs(m[r * 4 + c] - (r === c ? 1 : 0)) > 1e-9) return false;
  }
  return true;
}

/**
 * True when stepping along an output row moves only along the input's i axis (within 1e-6 of a
 * voxel over the whole row): both grids axial, or any pair sharing the row direction, as
 * nearly every PET/CT and MR/CT pair does. Such rows take the row-wise samplers below.
 */
function rowsRunAlongX(m: Mat4, rowLength: number): boolean {
  return Math.abs(m[4]) * rowLength < 1e-6 && Math.abs(m[8]) * rowLength < 1e-6;
}

function sampleNearest(src: VoxelArray, inSize: readonly number[], outSize: readonly number[], m: Mat4, pad: number, out: VoxelArray): void {
  const [nx, ny, nz] = inSize;
  const [ox, oy, oz] = outSize;
  const sxy = nx * ny;
  let o = 0;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      // Start of this output row in input index space (+0.5 so floor() rounds to nearest).
      let x = m[1] * j + m[2] * k + m[3] + 0.5;
      let y = m[5] * j + m[6] * k + m[7] + 0.5;
      let z = m[9] * j + m[10] * k + m[11] + 0.5;
      for (let i = 0; i < ox; i++, o++, x += m[0], y += m[4], z += m[8]) {
        if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) {
          out[o] = pad;
          continue;
        }
        out[o] = src[(x | 0) + nx * (y | 0) + sxy * (z | 0)];
      }
    }
  }
}

function sampleLinear(src: VoxelArray, inSize: readonly number[], outSize: readonly number[], m: Mat4, pad: number, out: Float32Array): void {
  const [nx, ny, nz] = inSize;
  const [ox, oy, oz] = outSize;
  const sxy = nx * ny;
  // Neighbour offsets, zero along an axis of length 1 (a single slice is constant along it).
  const dx = nx > 1 ? 1 : 0, dy = ny > 1 ? nx : 0, dz = nz > 1 ? sxy : 0;
  const maxX = nx - 1, maxY = ny - 1, maxZ = nz - 1;
  let o = 0;
  for (let k = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++) {
      let x = m[1] * j + m[2] * k + m[3];
      let y = m[5] * j + m[6] * k + m[7];
      let z = m[9] * j + m[10] * k + m[11];
      for (let i = 0; i < ox; i++, o++, x += m[0], y += m[4], z += m[8]) {
        if (x < -0.5 || y < -0.5 || z < -0.5 || x >= nx - 0.5 || y >= ny - 0.5 || z >= nz - 0.5) {
          out[o] = pad;
          continue;
        }
        // Clamp into [0, n-1] (edge replication within the half-voxel border), then split.
        const cx = x < 0 ? 0 : x > maxX ? maxX : x;
        const cy = y < 0 ? 0 : y > maxY ? maxY : y;
        const cz = z < 0 ? 0 : z > maxZ ? maxZ : z;
        let i0 = Math.floor(cx), j0 = Math.floor(cy), k0 = Math.floor(cz);
        // At the last centre use the cell below with weight 1 so i0+1 never leaves the array.
        if (i0 === maxX && i0 > 0) i0--;
        if (j0 === maxY && j0 > 0) j0--;
        if (k0 === maxZ && k0 > 0) k0--;
        const fx = cx - i0, fy = cy - j0, fz = cz - k0;
        const p = i0 + nx * j0 + sxy * k0;
        const c00 = src[p] + fx * (src[p + dx] - src[p]);
        const c10 = src[p + dy] + fx * (src[p + dy + dx] - src[p + dy]);
        const c01 = src[p + dz] + fx * (src[p + dz + dx] - src[p + dz]);
        const c11 = src[p + dz + dy] + fx * (src[p + dz + dy + dx] - src[p + dz + dy]);
        const c0 = c00 + fy * (c10 - c00);
        const c1 = c01 + fy * (c11 - c01);
        out[o] = c0 + fz * (c1 - c0);
      }
    }
  }
}

// Row-wise samplers: an output row keeps one input (y, z), so its four input rows are blended
// in y and z once into `line` (nx values), and each output voxel is a lerp along x of `line`:
// the same trilinear value as sampleLinear (to rounding), with about a third of the work per
// voxel. The two inner loops are small functions of their own so that V8 optimises each well.
function sampleLinearRows(src: VoxelArray, inSize: readonly number[], outSize: readonly number[], m: Mat4, pad: number, out: Float32Array): void {
  const [nx, ny, nz] = inSize;
  const [ox, oy, oz] = outSize;
  const sxy = nx * ny;
  const dy = ny > 1 ? nx : 0, dz = nz > 1 ? sxy : 0;
  const maxY = ny - 1, maxZ = nz - 1;
  const line = new Float64Array(nx);
  for (let k = 0, o = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++, o += ox) {
      const y = m[5] * j + m[6] * k + m[7];
      const z = m[9] * j + m[10] * k + m[11];
      if (y < -0.5 || z < -0.5 || y >= ny - 0.5 || z >= nz - 0.5) {
        out.fill(pad, o, o + ox);
        continue;
      }
      const cy = y < 0 ? 0 : y > maxY ? maxY : y;
      const cz = z < 0 ? 0 : z > maxZ ? maxZ : z;
      let j0 = Math.floor(cy), k0 = Math.floor(cz);
      if (j0 === maxY && j0 > 0) j0--;
      if (k0 === maxZ && k0 > 0) k0--;
      blendRows(src, nx * j0 + sxy * k0, dy, dz, cy - j0, cz - k0, line);
      lerpAlongRow(line, out, o, ox, m[1] * j + m[2] * k + m[3], m[0], pad);
    }
  }
}

/** line[i] = bilinear blend in (y, z) of the four input rows starting at `row`, `row + dy`, `row + dz`, `row + dy + dz`. */
function blendRows(src: VoxelArray, row: number, dy: number, dz: number, fy: number, fz: number, line: Float64Array): void {
  for (let i = 0, p = row; i < line.length; i++, p++) {
    const c0 = src[p] + fy * (src[p + dy] - src[p]);
    const c1 = src[p + dz] + fy * (src[p + dz + dy] - src[p + dz]);
    line[i] = c0 + fz * (c1 - c0);
  }
}

/** out[o + i] for i < count: `line` read linearly at x, x + step, …; pad beyond half a voxel outside it. */
function lerpAlongRow(line: Float64Array, out: Float32Array, o: number, count: number, x: number, step: number, pad: number): void {
  const nx = line.length, maxX = nx - 1, endX = nx - 0.5, dx = nx > 1 ? 1 : 0;
  for (let i = 0; i < count; i++, x += step) {
    if (x < -0.5 || x >= endX) {
      out[o + i] = pad;
      continue;
    }
    const cx = x < 0 ? 0 : x > maxX ? maxX : x;
    let i0 = cx | 0; // cx ≥ 0: truncation is floor
    if (i0 === maxX && i0 > 0) i0--;
    out[o + i] = line[i0] + (cx - i0) * (line[i0 + dx] - line[i0]);
  }
}

function sampleNearestRows(src: VoxelArray, inSize: readonly number[], outSize: readonly number[], m: Mat4, pad: number, out: VoxelArray): void {
  const [nx, ny, nz] = inSize;
  const [ox, oy, oz] = outSize;
  for (let k = 0, o = 0; k < oz; k++) {
    for (let j = 0; j < oy; j++, o += ox) {
      const y = m[5] * j + m[6] * k + m[7] + 0.5;
      const z = m[9] * j + m[10] * k + m[11] + 0.5;
      if (y < 0 || z < 0 || y >= ny || z >= nz) {
        out.fill(pad, o, o + ox);
        continue;
      }
      pickAlongRow(src, nx * (y | 0) + nx * ny * (z | 0), nx, out, o, ox, m[1] * j + m[2] * k + m[3] + 0.5, m[0], pad);
    }
  }
}

/** out[o + i] for i < count: the input row at `row` (nx values) read at floor(x), floor(x + step), …; pad outside. */
function pickAlongRow(src: VoxelArray, row: number, nx: number, out: VoxelArray, o: number, count: number, x: number, step: number, pad: number): void {
  for (let i = 0; i < count; i++, x += step) out[o + i] = x < 0 || x >= nx ? pad : src[row + (x | 0)];
}
