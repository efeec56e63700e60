/**
 * What every pipeline stage receives besides its input: a way to be cancelled and a way
 * to report progress. Each stage has one entry function `runX(input, ctx)`.
 */
export interface StageProgress {
  /** Stable stage name shown to users: 'load', 'register', 'infer', 'contour', 'export'. */
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  /** Short human text, e.g. the file being read. */
  readonly message?: string;
}

export interface StageContext {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: StageProgress) => void;
}

/** Throws the signal's reason (an AbortError) if the work was cancelled. */
export function throwIfAborted(ctx: StageContext | undefined): void {
  ctx?.signal?.throwIfAborted();
}
