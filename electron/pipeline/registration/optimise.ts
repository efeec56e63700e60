/**
 * Regular-step gradient ascent (ITK's RegularStepGradientDescentOptimizer, maximising):
 * move a fixed step along the normalised gradient; when the gradient turns back (the step
 * overshot a maximum) halve the step; stop when the step is below the tolerance. Parameters
 * are scaled so one unit of each moves a typical sample point about 1 mm, which makes the
 * step a distance and lets rotations and translations share it.
 */

/** A function to maximise: value and gradient at a point. */
export type Objective = (params: Float64Array) => { value: number; gradient: Float64Array };

/** Step sizes, limits and parameter scales of {@link regularStepAscent}. */
export interface StepOptions {
  /** First step, in scaled units (≈ mm). */
  readonly initialStep: number;
  /** Stop when the step falls below this (≈ mm). */
  readonly minStep: number;
  readonly maxIterations: number;
  /** Divide parameter r by scales[r] to get scaled units. */
  readonly scales: readonly number[];
  /** Called after each iteration; return true to stop early (cancellation). */
  readonly onIteration?: (iteration: number, value: number, step: number) => boolean | void;
}

/** Where the ascent stopped and why. */
export interface StepResult {
  readonly params: Float64Array;
  readonly value: number;
  readonly iterations: number;
  /** True when the step shrank below minStep (as opposed to running out of iterations). */
  readonly converged: boolean;
}

/** Maximise `f` from `start`. */
export function regularStepAscent(f: Objective, start: ArrayLike<number>, opts: StepOptions): StepResult {
  const n = start.length;
  const params = Float64Array.from(start);
  let step = opts.initialStep;
  let prev: Float64Array | null = null;
  let { value, gradient } = f(params);
  let iterations = 0;
  let converged = false;
  while (iterations < opts.maxIterations) {
    // Gradient with respect to scaled parameters u = μ·scale is ∂f/∂μ / scale.
    const g = new Float64Array(n);
    let norm = 0;
    for (let r = 0; r < n; r++) { g[r] = gradient[r] / opts.scales[r]; norm += g[r] * g[r]; }
    norm = Math.sqrt(norm);
    if (norm === 0) { converged = true; break; }
    if (prev) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += g[r] * prev[r];
      if (dot < 0) step *= 0.5;
    }
    if (step < opts.minStep) { converged = true; break; }
    for (let r = 0; r < n; r++) params[r] += (step * g[r]) / norm / opts.scales[r];
    prev = g;
    ({ value, gradient } = f(params));
    iterations++;
    if (opts.onIteration?.(iterations, value, step)) break;
  }
  return { params, value, iterations, converged };
}
