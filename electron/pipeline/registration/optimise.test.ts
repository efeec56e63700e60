import { describe, expect, it } from 'vitest';
import { regularStepAscent } from './optimise.ts';

describe('regular-step gradient ascent', () => {
  // A concave quadratic with its maximum at (3, −2) and very different curvatures.
  const f = (p: Float64Array) => ({ value: -((p[0] - 3) ** 2) - 25 * (p[1] + 2) ** 2, gradient: Float64Array.from([-2 * (p[0] - 3), -50 * (p[1] + 2)]) });

  it('finds the maximum to within the final step', () => {
    const r = regularStepAscent(f, [0, 0], { initialStep: 1, minStep: 1e-4, maxIterations: 500, scales: [1, 1] });
    expect(r.converged).toBe(true);
    expect(r.params[0]).toBeCloseTo(3, 2);
    expect(r.params[1]).toBeCloseTo(-2, 2);
  });

  it('reports running out of iterations, and stops when asked', () => {
    expect(regularStepAscent(f, [0, 0], { initialStep: 0.01, minStep: 1e-4, maxIterations: 10, scales: [1, 1] })).toMatchObject({ converged: false, iterations: 10 });
    const r = regularStepAscent(f, [0, 0], { initialStep: 1, minStep: 1e-4, maxIterations: 500, scales: [1, 1], onIteration: (it) => it === 3 });
    expect(r.iterations).toBe(3);
  });

  it('takes steps in scaled units: a scale of 10 makes a unit step move the parameter by 0.1', () => {
    const lin = () => ({ value: 0, gradient: Float64Array.from([1, 0]) });
    const r = regularStepAscent(lin, [0, 0], { initialStep: 1, minStep: 0.5, maxIterations: 1, scales: [10, 1] });
    expect(r.params[0]).toBeCloseTo(0.1, 12);
  });
});
