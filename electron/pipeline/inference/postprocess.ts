/**
 * From per-output probabilities to what a reviewer sees: one probability (per card.combine),
 * the branch-disagreement map, and a binary mask with small islands removed (and, per card,
 * holes filled unless they hold bone).
 */
import type { KeepOpen } from '../volume/fill-holes.ts';
import type { ModelCard } from './model-card.ts';

/** The combined probability and, for two-branch models, |p_a − p_b|. */
export interface CombinedOutputs {
  readonly probability: Float32Array;
  /** |p(branch-a) − p(branch-b)| per voxel; null when the card has no such pair. */
  readonly disagreement: Float32Array | null;
}

/**
 * combine 'mean' → voxel-wise mean of all outputs; 'first' → the first output. The
 * disagreement map uses the outputs whose roles are 'branch-a' and 'branch-b'.
 */
export function combineOutputs(card: Pick<ModelCard, 'outputs' | 'combine'>, outputs: readonly Float32Array[]): CombinedOutputs {
  let probability: Float32Array;
  if (card.combine === 'first' || outputs.length === 1) probability = outputs[0];
  else {
    probability = new Float32Array(outputs[0].length);
    for (const o of outputs) for (let v = 0; v < o.length; v++) probability[v] += o[v];
    for (let v = 0; v < probability.length; v++) probability[v] /= outputs.length;
  }
  const a = card.outputs.findIndex((o) => o.role === 'branch-a');
  const b = card.outputs.findIndex((o) => o.role === 'branch-b');
  let disagreement: Float32Array | null = null;
  if (a >= 0 && b >= 0) {
    disagreement = new Float32Array(outputs[a].length);
    for (let v = 0; v < disagreement.length; v++) disagreement[v] = Math.abs(outputs[a][v] - outputs[b][v]);
  }
  return { probability, disagreement };
}

/** 1 where p ≥ threshold, else 0. */
export function thresholdMask(probability: Float32Array, threshold: number): Uint8Array {
  const m = new Uint8Array(probability.length);
  for (let v = 0; v < m.length; v++) m[v] = probability[v] >= threshold ? 1 : 0;
  return m;
}

/** Sizes of the components kept and removed by {@link removeSmallComponents}. */
export interface ComponentReport {
  readonly kept: number[];
  readonly removed: number[];
}

/**
 * Remove connected components (26-connectivity: voxels touching by a face, edge or corner
 * are one object, as a contour drawn slice by slice would join them) with fewer than
 * `minVoxels` voxels, in place. minVoxels = card.minComponentMl / voxel volume in ml on the
 * grid the mask lives on, so the rule means the same physical size on any grid.
 */
export function removeSmallComponents(mask: Uint8Array, size: readonly [number, number, number], minVoxels: number): ComponentReport {
  const [nx, ny, nz] = size;
  const sxy = nx * ny;
  const label = new Int32Array(mask.length); // 0 unvisited
  const stack = new Int32Array(mask.length);
  const kept: number[] = [], removed: number[] = [];
  let next = 0;
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || label[seed]) continue;
    const id = ++next;
    let top = 0, count = 0;
    stack[top++] = seed;
    label[seed] = id;
    const members: number[] = [];
    while (top > 0) {
      const v = stack[--top];
      members.push(v);
      count++;
      const x = v % nx, y = ((v / nx) | 0) % ny, z = (v / sxy) | 0;
      for (let dz = -1; dz <= 1; dz++) {
        const zz = z + dz;
        if (zz < 0 || zz >= nz) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= ny) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= nx) continue;
            const u = xx + nx * yy + sxy * zz;
            if (mask[u] && !label[u]) {
              label[u] = id;
              stack[top++] = u;
            }
          }
        }
      }
    }
    if (count < minVoxels) {
      for (const v of members) mask[v] = 0;
      removed.push(count);
    } else kept.push(count);
  }
  return { kept, removed };
}

/** CT at or above this (HU) counts as bone: trabecular bone starts near 300 HU, soft tissue and necrosis stay below 100. */
export const BONE_HU = 300;
/** A hole with at least this fraction of bone voxels holds bone (a calcified speck in necrosis stays far below). */
export const BONE_FRACTION = 0.1;

/**
 * For `fillHolesPerSlice`: keep a hole open when the planning CT (HU, same grid as the mask)
 * shows bone in it — a tumour wrapped around the femur must not take the femur into its GTV,
 * while its necrotic core (soft-tissue values) is filled.
 */
export function holesHoldingBone(ct: ArrayLike<number>, kept: { count: number }): KeepOpen {
  return (pixels, sliceBase) => {
    let bone = 0;
    for (let m = 0; m < pixels.length; m++) if (ct[sliceBase + pixels[m]] >= BONE_HU) bone++;
    const keep = bone >= BONE_FRACTION * pixels.length;
    if (keep) kept.count++;
    return keep;
  };
}
