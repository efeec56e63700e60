/**
 * Turning whatever was thrown into the one-line ApiError the renderer shows.
 */
import type { ApiError } from '../ipc/contract.ts';
import { isAbortError, oneLine, PipelineError } from '../pipeline/errors.ts';

/** An ApiError for anything thrown: PipelineErrors keep their code and file, aborts say CANCELLED. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof PipelineError) return { code: e.code, message: oneLine(e), ...(e.path ? { path: e.path } : {}) };
  if (isAbortError(e)) return { code: 'CANCELLED', message: 'cancelled' };
  if (e instanceof ServiceError) return { code: e.code, message: oneLine(e), ...(e.path ? { path: e.path } : {}) };
  return { code: 'INTERNAL', message: oneLine(e) };
}

/** A failure raised by the service itself (bad argument, unknown id, feature not there yet). */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: string;
  readonly path: string | undefined;

  constructor(code: 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'NOT_AVAILABLE' | 'EXISTS' | 'JOURNAL', message: string, path?: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}
