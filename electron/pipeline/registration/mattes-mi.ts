/**
 * Mattes mutual information between fixed samples and the moving image under a rigid
 * transform, with its analytic gradient (Mattes et al., IEEE TMI 22(1) 2003, eqs. 5–12; the
 * formulation ITK's MattesMutualInformationImageToImageMetric uses).
 *
 * Fixed intensities fall in bins with a zero-order (box) Parzen window, moving intensities
 * with a cubic B-spline window, so the joint histogram — and the metric — is a smooth
 * function of the transform parameters. Since the fixed marginal does not depend on them,
 *   ∂MI/∂μ = Σ_ικ ∂p(ι,κ)/∂μ · log(p(ι,κ) / p_M(κ)),
 * and ∂p/∂μ is a sum over samples of β₃′ times the moving image's gradient times the
 * transform's Jacobian. Samples that map outside the moving image are left out.
 */
import { invert4, type Mat4 } from '../volume/geometry.ts';
import { rotationDerivatives, rotationOf, type RigidParameters } from './euler.ts';
import type { LevelImage } from './pyramid.ts';
import type { FixedSamples } from './sampler.ts';

/** What one evaluation yields. */
export interface MetricValue {
  /** Mutual information in nats (higher is better). */
  readonly mi: number;
  /** Normalised MI (H_F + H_M) / H_FM: 1 for independent images, 2 for identical ones. */
  readonly nmi: number;
  /** ∂MI/∂μ for [α, β, γ, tx, ty, tz]; zeros when not asked for. */
  readonly gradient: Float64Array;
  /** Fraction of the samples that fell inside the moving image. */
  readonly overlap: number;
}

/** The metric for one pyramid level: samples binned once, moving image prepared once. */
export class MattesMI {
  readonly bins: number;
  private readonly samples: FixedSamples;
  private readonly fixedBin: Int32Array;
  private readonly moving: LevelImage;
  private readonly toIndex: Mat4;
  private readonly movingLo: number;
  private readonly movingScale: number;
  private readonly joint: Float64Array;
  private readonly eta: Float64Array;
  private readonly iota: Int32Array;
  private readonly dm: Float64Array;

  /**
   * @param fixedRange [lo, hi] of fixed intensities mapped onto the bins (values outside clip).
   * @param movingRange [lo, hi] of moving intensities likewise.
   */
  constructor(samples: FixedSamples, moving: LevelImage, fixedRange: readonly [number, number], movingRange: readonly [number, number], bins = 32) {
    this.bins = bins;
    this.samples = samples;
    this.moving = moving;
    this.toIndex = invert4(moving.affine);
    const [flo, fhi] = fixedRange;
    const hf = (fhi - flo) / bins || 1;
    this.fixedBin = new Int32Array(samples.count);
    for (let s = 0; s < samples.count; s++) {
      const b = Math.floor((Math.min(fhi, Math.max(flo, samples.values[s])) - flo) / hf);
      this.fixedBin[s] = b < 0 ? 0 : b >= bins ? bins - 1 : b;
    }
    // Moving values map onto [2, bins−3] so the 4-bin B-spline window stays inside [0, bins).
    this.movingLo = movingRange[0];
    this.movingScale = (bins - 5) / (movingRange[1] - movingRange[0] || 1);
    this.joint = new Float64Array(bins * bins);
    this.eta = new Float64Array(samples.count);
    this.iota = new Int32Array(samples.count);
    this.dm = new Float64Array(6 * samples.count);
  }

  /**
   * MI (and optionally its gradient) of the transform `params` about `centre` (fixed → moving).
   */
  evaluate(params: RigidParameters, centre: readonly number[], withGradient: boolean): MetricValue {
    const B = this.bins;
    const { size, data } = this.moving;
    const [nx, ny, nz] = size;
    const sxy = nx * ny;
    const W = this.toIndex;
    const R = rotationOf(params);
    const dR = rotationDerivatives(params);
    // Fixed point q = p − c → moving index: idx = (W₃ R) q + W₃ (c + t) + w.
    const M = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) M[r * 3 + c] = W[r * 4] * R[c] + W[r * 4 + 1] * R[3 + c] + W[r * 4 + 2] * R[6 + c];
    const ct = [centre[0] + params[3], centre[1] + params[4], centre[2] + params[5]];
    const b = [0, 1, 2].map((r) => W[r * 4] * ct[0] + W[r * 4 + 1] * ct[1] + W[r * 4 + 2] * ct[2] + W[r * 4 + 3]);
    const joint = this.joint;
    joint.fill(0);
    const { points, count } = this.samples;
    const eta = this.eta, iota = this.iota, dm = this.dm;
    const lo = this.movingLo, scale = this.movingScale, etaMax = B - 3;
    let valid = 0;
    for (let s = 0; s < count; s++) {
      const qx = points[3 * s] - centre[0], qy = points[3 * s + 1] - centre[1], qz = points[3 * s + 2] - centre[2];
      const x = M[0] * qx + M[1] * qy + M[2] * qz + b[0];
      const y = M[3] * qx + M[4] * qy + M[5] * qz + b[1];
      const z = M[6] * qx + M[7] * qy + M[8] * qz + b[2];
      if (!(x >= 0 && y >= 0 && z >= 0 && x <= nx - 1 && y <= ny - 1 && z <= nz - 1)) continue;
      let i0 = x | 0, j0 = y | 0, k0 = z | 0;
      if (i0 === nx - 1) i0--;
      if (j0 === ny - 1) j0--;
      if (k0 === nz - 1) k0--;
      const fx = x - i0, fy = y - j0, fz = z - k0;
      const p = i0 + nx * j0 + sxy * k0;
      const v000 = data[p], v100 = data[p + 1], v010 = data[p + nx], v110 = data[p + nx + 1];
      const v001 = data[p + sxy], v101 = data[p + sxy + 1], v011 = data[p + sxy + nx], v111 = data[p + sxy + nx + 1];
      const a00 = v000 + fx * (v100 - v000), a10 = v010 + fx * (v110 - v010);
      const a01 = v001 + fx * (v101 - v001), a11 = v011 + fx * (v111 - v011);
      const a0 = a00 + fy * (a10 - a00), a1 = a01 + fy * (a11 - a01);
      const value = a0 + fz * (a1 - a0);
      let e = (value - lo) * scale + 2;
      let clipped = false;
      if (e < 2) { e = 2; clipped = true; } else if (e > etaMax) { e = etaMax; clipped = true; }
      const fb = this.fixedBin[s];
      eta[valid] = e;
      iota[valid] = fb;
      const e0 = Math.floor(e);
      const row = fb * B;
      for (let kb = e0 - 1; kb <= e0 + 2; kb++) joint[row + kb] += bspline3(kb - e);
      if (withGradient) {
        const o = 6 * valid;
        if (clipped) {
          dm[o] = dm[o + 1] = dm[o + 2] = dm[o + 3] = dm[o + 4] = dm[o + 5] = 0;
        } else {
          // Gradient of the trilinear interpolant in index space, then in LPS (Wᵀ g).
          const gx = (1 - fz) * ((1 - fy) * (v100 - v000) + fy * (v110 - v010)) + fz * ((1 - fy) * (v101 - v001) + fy * (v111 - v011));
          const gy = a10 - a00 + fz * (a11 - a01 - (a10 - a00));
          const gz = a1 - a0;
          const px = W[0] * gx + W[4] * gy + W[8] * gz;
          const py = W[1] * gx + W[5] * gy + W[9] * gz;
          const pz = W[2] * gx + W[6] * gy + W[10] * gz;
          for (let r = 0; r < 3; r++) {
            const D = dR[r];
            dm[o + r] = px * (D[0] * qx + D[1] * qy + D[2] * qz) + py * (D[3] * qx + D[4] * qy + D[5] * qz) + pz * (D[6] * qx + D[7] * qy + D[8] * qz);
          }
          dm[o + 3] = px; dm[o + 4] = py; dm[o + 5] = pz;
        }
      }
      valid++;
    }
    const gradient = new Float64Array(6);
    if (valid === 0) return { mi: 0, nmi: 1, gradient, overlap: 0 };
    const inv = 1 / valid;
    const pm = new Float64Array(B), pf = new Float64Array(B);
    for (let i = 0; i < B; i++) for (let k = 0; k < B; k++) {
      const v = joint[i * B + k] * inv;
      joint[i * B + k] = v;
      pm[k] += v;
      pf[i] += v;
    }
    let mi = 0, hj = 0, hf = 0, hm = 0;
    for (let i = 0; i < B; i++) {
      if (pf[i] > 0) hf -= pf[i] * Math.log(pf[i]);
      if (pm[i] > 0) hm -= pm[i] * Math.log(pm[i]);
      for (let k = 0; k < B; k++) {
        const v = joint[i * B + k];
        if (v > 1e-16) { mi += v * Math.log(v / (pf[i] * pm[k])); hj -= v * Math.log(v); }
      }
    }
    if (withGradient) {
      // joint now holds L(ι,κ) = log(p / p_M) for the second pass (0 where p is 0).
      for (let i = 0; i < B; i++) for (let k = 0; k < B; k++) {
        const v = joint[i * B + k];
        joint[i * B + k] = v > 1e-16 ? Math.log(v / pm[k]) : 0;
      }
      const g = gradient;
      for (let s = 0; s < valid; s++) {
        const e = eta[s], e0 = Math.floor(e), row = iota[s] * B;
        let w = 0;
        for (let kb = e0 - 1; kb <= e0 + 2; kb++) w += bspline3Derivative(kb - e) * joint[row + kb];
        if (w === 0) continue;
        const o = 6 * s;
        g[0] += w * dm[o]; g[1] += w * dm[o + 1]; g[2] += w * dm[o + 2];
        g[3] += w * dm[o + 3]; g[4] += w * dm[o + 4]; g[5] += w * dm[o + 5];
      }
      const f = -scale * inv; // ∂η/∂m = scale; ∂β₃(κ−η)/∂η = −β₃′(κ−η)
      for (let r = 0; r < 6; r++) g[r] *= f;
    }
    return { mi, nmi: hj > 0 ? (hf + hm) / hj : 1, gradient, overlap: valid / count };
  }
}

/** Cubic B-spline β₃(u). */
export function bspline3(u: number): number {
  const a = Math.abs(u);
  if (a < 1) return 2 / 3 - a * a + 0.5 * a * a * a;
  if (a < 2) { const t = 2 - a; return (t * t * t) / 6; }
  return 0;
}

/** dβ₃/du. */
export function bspline3Derivative(u: number): number {
  const a = Math.abs(u);
  if (a < 1) return -2 * u + 1.5 * u * a;
  if (a < 2) { const t = 2 - a; return -0.5 * t * t * Math.sign(u); }
  return 0;
}
