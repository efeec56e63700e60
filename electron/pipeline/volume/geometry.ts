/**
 * 4×4 affine arithmetic and the geometry of a voxel grid (LPS mm).
 * Matrices are row-major Float64Array(16); points are [x, y, z].
 */
export type Vec3 = [number, number, number];
export type Mat4 = Float64Array;

export interface GridGeometry {
  readonly size: readonly [number, number, number];
  readonly affine: Mat4;
}

export function identity4(): Mat4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** a·b (apply b first, then a). */
export function multiply4(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  }
  return out;
}

/** Inverse of a general 4×4 matrix; throws on a singular one. */
export function invert4(m: Mat4): Mat4 {
  // Gauss–Jordan with partial pivoting: small, exact enough for affine grids.
  const a = Array.from(m);
  const inv = Array.from(identity4());
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r * 4 + col]) > Math.abs(a[pivot * 4 + col])) pivot = r;
    const p = a[pivot * 4 + col];
    if (Math.abs(p) < 1e-12) throw new RangeError('invert4: singular matrix');
    if (pivot !== col) {
      for (let c = 0; c < 4; c++) {
        [a[col * 4 + c], a[pivot * 4 + c]] = [a[pivot * 4 + c], a[col * 4 + c]];
        [inv[col * 4 + c], inv[pivot * 4 + c]] = [inv[pivot * 4 + c], inv[col * 4 + c]];
      }
    }
    for (let c = 0; c < 4; c++) {
      a[col * 4 + c] /= p;
      inv[col * 4 + c] /= p;
    }
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = a[r * 4 + col];
      if (f === 0) continue;
      for (let c = 0; c < 4; c++) {
        a[r * 4 + c] -= f * a[col * 4 + c];
        inv[r * 4 + c] -= f * inv[col * 4 + c];
      }
    }
  }
  return Float64Array.from(inv);
}

/** m·(x, y, z, 1), dropping the homogeneous coordinate. */
export function transformPoint(m: Mat4, p: readonly number[]): Vec3 {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

/** Build the index→LPS affine from origin (centre of voxel 0,0,0), unit axis directions and spacing. */
export function affineFrom(origin: readonly number[], axes: readonly (readonly number[])[], spacing: readonly number[]): Mat4 {
  const m = identity4();
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) m[r * 4 + c] = axes[c][r] * spacing[c];
    m[r * 4 + 3] = origin[r];
  }
  return m;
}

/** Voxel spacing along i, j, k in mm (column norms of the affine). */
export function spacingOf(affine: Mat4): Vec3 {
  const s: Vec3 = [0, 0, 0];
  for (let c = 0; c < 3; c++) s[c] = Math.hypot(affine[c], affine[4 + c], affine[8 + c]);
  return s;
}

/** LPS position of the centre of voxel (0, 0, 0). */
export function originOf(affine: Mat4): Vec3 {
  return [affine[3], affine[7], affine[11]];
}

/** Row-major 3×3 whose columns are the unit i, j, k axes in LPS. */
export function directionOf(affine: Mat4): number[] {
  const s = spacingOf(affine);
  const d: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) d.push(affine[r * 4 + c] / s[c]);
  return d;
}

/** Voxel index (fractional) of an LPS point. */
export function worldToIndex(affine: Mat4, p: readonly number[]): Vec3 {
  return transformPoint(invert4(affine), p);
}
