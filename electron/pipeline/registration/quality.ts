/**
 * The quality flag the app shows beside a registration. Thresholds are deliberately simple
 * and each maps to one sentence a user can act on.
 */
import type { RegistrationQuality } from './types.ts';

/**
 * Below this NMI the two images share too little structure to trust the alignment (on a CT
 * and an MR-like copy: 1.25 aligned, 1.06 at 10 mm off, 1.02 at 20 mm; a real 5 cm PET/CT
 * crop of one hybrid scan: 1.05 aligned).
 */
export const MIN_NMI = 1.03;
/** Below this fraction of the fixed body inside the moving field of view, little was compared. */
export const MIN_OVERLAP = 0.25;
/**
 * A re-optimisation moving the body further than this (mm), or than one voxel of the moving
 * series if that is larger, means a shaky optimum or an alignment the images contradict.
 * Sub-voxel agreement cannot be asked of a 5 mm PET.
 */
export const MAX_RESIDUAL_MM = 2;
/**
 * For an alignment that was given (same frame, REG object) the re-optimisation is only a check,
 * and on a coarse secondary it wanders by about a voxel on its own (a 5.5 mm PET crop of one
 * hybrid scan: 6.1 mm); only disagreement beyond this many moving voxels is reported.
 */
export const GIVEN_RESIDUAL_VOXELS = 1.5;

/** Facts about a finished alignment. */
export interface QualityEvidence {
  readonly nmi: number;
  readonly overlap: number;
  readonly residualMm: number | null;
  /** Largest voxel dimension of the moving series (mm): the residual tolerance is at least this. */
  readonly movingVoxelMm?: number;
  /** True when the alignment was given (identity, REG) and the residual is a re-optimisation's disagreement with it. */
  readonly given?: boolean;
  /** False when the optimiser ran out of iterations; undefined when nothing was optimised. */
  readonly converged?: boolean;
}

/** Judge an alignment: ok, with a one-line reason either way. */
export function assessQuality(e: QualityEvidence): RegistrationQuality {
  const problems: string[] = [];
  if (e.nmi < MIN_NMI) problems.push(`low mutual information (NMI ${e.nmi.toFixed(3)} < ${MIN_NMI}): the images may not show the same anatomy or the alignment failed`);
  if (e.overlap < MIN_OVERLAP) problems.push(`only ${(100 * e.overlap).toFixed(0)}% of the fixed body lies inside the moving series`);
  const tolerance = Math.max(MAX_RESIDUAL_MM, (e.given ? GIVEN_RESIDUAL_VOXELS : 1) * (e.movingVoxelMm ?? 0));
  if (e.residualMm !== null && e.residualMm > tolerance) {
    problems.push(e.given
      ? `the images disagree with this alignment: optimising from it moves the body by up to ${e.residualMm.toFixed(1)} mm`
      : `unstable optimum: re-optimising moved the body by up to ${e.residualMm.toFixed(1)} mm`);
  }
  if (e.converged === false) problems.push('the optimiser did not converge within its iteration limit');
  const evidence = `NMI ${e.nmi.toFixed(3)}, ${(100 * e.overlap).toFixed(0)}% body overlap` + (e.residualMm !== null ? `, ${e.given ? 'images agree' : 'stable'} to ${e.residualMm.toFixed(2)} mm` : '');
  return {
    ok: problems.length === 0,
    reason: problems.length ? problems.join('; ') : evidence,
    nmi: e.nmi,
    overlap: e.overlap,
    residualMm: e.residualMm,
  };
}
