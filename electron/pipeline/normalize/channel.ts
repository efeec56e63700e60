/**
 * Intensity normalisation of one channel per the model card's ChannelNormalization — the same
 * arithmetic as the Python side (`delineo_models.data.normalize`), so the network sees at
 * inference exactly what it saw in training. Every method is one affine map after a clip:
 *
 *   out = (clip(v, lo, hi) − offset) · scale
 *
 * - window {min, max}:               lo = min, hi = max, offset = min, scale = 1/(max − min)  → [0, 1]
 * - zscore-fixed {mean, std}:        no clip, offset = mean, scale = 1/std
 * - zscore-foreground {threshold}:   no clip, offset = μ, scale = 1/σ, with μ, σ the population
 *                                    mean and standard deviation (ddof 0) of the voxels v > threshold
 *                                    (all voxels when none is above; σ < 1e-8 → σ = 1)
 * - minmax-percentile {lower, upper}: lo = P_lower, hi = P_upper (percentiles in 0–100 over all
 *                                    voxels, linear interpolation between order statistics as numpy's
 *                                    default: rank = q/100·(n − 1)), offset = lo, scale = 1/(hi − lo) → [0, 1]
 *                                    (hi − lo < 1e-8 → all zeros)
 */
import type { ChannelNormalization } from '../inference/model-card.ts';

/** The clip and affine map a normalisation resolved to on one volume. */
export interface NormalizationMap {
  readonly lo: number;
  readonly hi: number;
  readonly offset: number;
  readonly scale: number;
  /** Set when the statistics were degenerate and a fallback was used (one line). */
  readonly warning: string | null;
}

/** Resolve `norm` on `values` (statistics are computed here for the per-volume methods). */
export function normalizationMap(values: Float32Array, norm: ChannelNormalization): NormalizationMap {
  switch (norm.method) {
    case 'window':
      return { lo: norm.min, hi: norm.max, offset: norm.min, scale: 1 / (norm.max - norm.min), warning: null };
    case 'zscore-fixed':
      return { lo: -Infinity, hi: Infinity, offset: norm.mean, scale: 1 / norm.std, warning: null };
    case 'zscore-foreground': {
      let n = 0, sum = 0;
      for (const v of values) if (v > norm.threshold) { n++; sum += v; }
      // Python's rule: an empty foreground means "all voxels".
      const all = n === 0;
      if (all) for (const v of values) { n++; sum += v; }
      const mean = sum / n;
      let ss = 0;
      for (const v of values) if (all || v > norm.threshold) ss += (v - mean) ** 2;
      const std = Math.sqrt(ss / n);
      const warning = all ? `no voxel above ${norm.threshold}: z-scored over all voxels` : null;
      if (std < 1e-8) return { lo: -Infinity, hi: Infinity, offset: mean, scale: 1, warning: 'foreground is constant: centred but not scaled' };
      return { lo: -Infinity, hi: Infinity, offset: mean, scale: 1 / std, warning };
    }
    case 'minmax-percentile': {
      const lo = percentile(values, norm.lower), hi = percentile(values, norm.upper);
      if (hi - lo < 1e-8) return { lo, hi: lo, offset: lo, scale: 0, warning: `percentiles ${norm.lower}–${norm.upper} coincide: channel set to 0` };
      return { lo, hi, offset: lo, scale: 1 / (hi - lo), warning: null };
    }
  }
}

/** Apply a resolved map to one value (used for the pad value of windows outside the volume). */
export function applyMap(m: NormalizationMap, v: number): number {
  const c = v < m.lo ? m.lo : v > m.hi ? m.hi : v;
  return (c - m.offset) * m.scale;
}

/** Normalise `values` in place and return the map used. */
export function normalizeChannel(values: Float32Array, norm: ChannelNormalization): NormalizationMap {
  const m = normalizationMap(values, norm);
  const { lo, hi, offset, scale } = m;
  for (let v = 0; v < values.length; v++) {
    const x = values[v];
    values[v] = ((x < lo ? lo : x > hi ? hi : x) - offset) * scale;
  }
  return m;
}

/** q-th percentile (0–100) with numpy's default linear interpolation. */
export function percentile(values: Float32Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float32Array.from(values).sort();
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
}
