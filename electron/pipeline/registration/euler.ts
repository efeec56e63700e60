/**
 * The rigid transform the optimiser works with: three Euler angles and a translation about a
 * fixed centre, mapping FIXED patient points to MOVING patient points (the direction a metric
 * needs: for each fixed sample, where to read the moving image).
 *
 *   p_moving = R (p_fixed − c) + c + t,   R = Rz(γ) · Ry(β) · Rx(α)
 *
 * Parameters are [α, β, γ] in radians then [tx, ty, tz] in mm (LPS).
 */
import { invert4, type Mat4 } from '../volume/geometry.ts';

/** [α, β, γ, tx, ty, tz]: rotations about x, y, z (rad) then translation (mm). */
export type RigidParameters = readonly [number, number, number, number, number, number];

/** Row-major 3×3. */
export type Mat3 = Float64Array;

function rx(a: number): number[] {
  const c = Math.cos(a), s = Math.sin(a);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}
function ry(a: number): number[] {
  const c = Math.cos(a), s = Math.sin(a);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}
function rz(a: number): number[] {
  const c = Math.cos(a), s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}
function drx(a: number): number[] {
  const c = Math.cos(a), s = Math.sin(a);
  return [0, 0, 0, 0, -s, -c, 0, c, -s];
}
function dry(a: number): number[] {
  const c = Math.cos(a), s = Math.sin(a);
  return [-s, 0, c, 0, 0, 0, -c, 0, -s];
}
function drz(a: number): number[] {
  const c = Math.cos(a), s = Math.sin(a);
  return [-s, -c, 0, c, -s, 0, 0, 0, 0];
}

function mul3(a: readonly number[], b: readonly number[]): number[] {
  const o = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) o[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  return o;
}

/** The rotation R = Rz·Ry·Rx of the parameters. */
export function rotationOf(p: RigidParameters): Mat3 {
  return Float64Array.from(mul3(rz(p[2]), mul3(ry(p[1]), rx(p[0]))));
}

/** ∂R/∂α, ∂R/∂β, ∂R/∂γ: what the metric gradient needs per sample. */
export function rotationDerivatives(p: RigidParameters): [Mat3, Mat3, Mat3] {
  const [a, b, g] = p;
  return [
    Float64Array.from(mul3(rz(g), mul3(ry(b), drx(a)))),
    Float64Array.from(mul3(rz(g), mul3(dry(b), rx(a)))),
    Float64Array.from(mul3(drz(g), mul3(ry(b), rx(a)))),
  ];
}

/** 4×4 fixed→moving matrix of the parameters about centre `c`. */
export function fixedToMovingMatrix(p: RigidParameters, c: readonly number[]): Mat4 {
  const R = rotationOf(p);
  const m = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    m[r * 4] = R[r * 3];
    m[r * 4 + 1] = R[r * 3 + 1];
    m[r * 4 + 2] = R[r * 3 + 2];
    m[r * 4 + 3] = c[r] + p[3 + r] - (R[r * 3] * c[0] + R[r * 3 + 1] * c[1] + R[r * 3 + 2] * c[2]);
  }
  m[15] = 1;
  return m;
}

/** 4×4 moving→fixed matrix (what a RegistrationResult records): the inverse of {@link fixedToMovingMatrix}. */
export function movingToFixedMatrix(p: RigidParameters, c: readonly number[]): Mat4 {
  return invert4(fixedToMovingMatrix(p, c));
}

/** Rotation angle (degrees) of the 3×3 part of a 4×4 and the length of its translation (mm). */
export function rigidMagnitude(m: Mat4): { degrees: number; mm: number } {
  const trace = m[0] + m[5] + m[10];
  const cos = Math.min(1, Math.max(-1, (trace - 1) / 2));
  return { degrees: (Math.acos(cos) * 180) / Math.PI, mm: Math.hypot(m[3], m[7], m[11]) };
}

/**
 * How far the 3×3 part of a 4×4 is from a proper rotation: max |(RᵀR − I)ᵢⱼ| and |det R − 1|,
 * plus whether the bottom row is (0, 0, 0, 1). Zero for a rigid matrix.
 */
export function rigidityError(m: Mat4): number {
  let err = Math.abs(m[12]) + Math.abs(m[13]) + Math.abs(m[14]) + Math.abs(m[15] - 1);
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let s = 0;
      for (let r = 0; r < 3; r++) s += m[r * 4 + a] * m[r * 4 + b];
      err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  const det =
    m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
  return Math.max(err, Math.abs(det - 1));
}

/** Euler parameters about centre c of a rigid 4×4 [R | t₀]: R = Rz·Ry·Rx, t = R c + t₀ − c. */
export function eulerAbout(m: Mat4, c: readonly number[]): number[] {
  const beta = -Math.asin(Math.max(-1, Math.min(1, m[8])));
  const alpha = Math.atan2(m[9], m[10]);
  const gamma = Math.atan2(m[4], m[0]);
  const t = [0, 1, 2].map((r) => m[r * 4] * c[0] + m[r * 4 + 1] * c[1] + m[r * 4 + 2] * c[2] + m[r * 4 + 3] - c[r]);
  return [alpha, beta, gamma, t[0], t[1], t[2]];
}
