import { describe, expect, it } from 'vitest';
import { assessQuality } from './quality.ts';

describe('registration quality flag', () => {
  it('passes a good optimised result and says why', () => {
    expect(assessQuality({ nmi: 1.25, overlap: 0.94, residualMm: 0.3, converged: true })).toEqual({
      ok: true, reason: 'NMI 1.250, 94% body overlap, stable to 0.30 mm', nmi: 1.25, overlap: 0.94, residualMm: 0.3,
    });
  });

  it.each([
    [{ nmi: 1.02, overlap: 0.9, residualMm: 0.2 }, /^low mutual information \(NMI 1\.020 < 1\.03\)/],
    [{ nmi: 1.2, overlap: 0.1, residualMm: 0.2 }, /^only 10% of the fixed body lies inside the moving series$/],
    [{ nmi: 1.2, overlap: 0.9, residualMm: 3.5 }, /^unstable optimum: re-optimising moved the body by up to 3\.5 mm$/],
    [{ nmi: 1.2, overlap: 0.9, residualMm: 3.5, given: true }, /^the images disagree with this alignment: optimising from it moves the body by up to 3\.5 mm$/],
    [{ nmi: 1.2, overlap: 0.9, residualMm: 0.1, converged: false }, /did not converge/],
  ])('flags %o', (evidence, reason) => {
    const q = assessQuality(evidence);
    expect(q.ok).toBe(false);
    expect(q.reason).toMatch(reason);
  });

  it('tolerates a residual up to one voxel of a coarse moving series', () => {
    expect(assessQuality({ nmi: 1.1, overlap: 0.9, residualMm: 4.9, given: true, movingVoxelMm: 5.47 }).ok).toBe(true);
    expect(assessQuality({ nmi: 1.1, overlap: 0.9, residualMm: 4.9, given: true, movingVoxelMm: 3.27 }).ok).toBe(true);
    expect(assessQuality({ nmi: 1.1, overlap: 0.9, residualMm: 5.0, given: true, movingVoxelMm: 3.27 }).ok).toBe(false);
    // A given alignment on a 5.47 mm PET is questioned beyond 1.5 voxels (8.2 mm), an optimised one beyond 1 voxel.
    expect(assessQuality({ nmi: 1.1, overlap: 0.9, residualMm: 6.1, given: true, movingVoxelMm: 5.47 }).ok).toBe(true);
    expect(assessQuality({ nmi: 1.1, overlap: 0.9, residualMm: 8.3, given: true, movingVoxelMm: 5.47 }).ok).toBe(false);
    expect(assessQuality({ nmi: 1.1, overlap: 0.9, residualMm: 6.1, movingVoxelMm: 5.47 }).ok).toBe(false);
  });

  it('lists every problem in one line', () => {
    const q = assessQuality({ nmi: 1.0, overlap: 0.05, residualMm: 9, converged: false });
    expect(q.reason.split('; ')).toHaveLength(4);
    expect(q.reason).not.toContain('\n');
  });
});
