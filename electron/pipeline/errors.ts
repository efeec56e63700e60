/**
 * Errors a user can see. Every failure that reaches the CLI or the app is a PipelineError
 * with a stable code and a one-line message that names the file where there is one.
 */
export class PipelineError extends Error {
  override readonly name: string = 'PipelineError';
  readonly code: string;
  /** The file or folder concerned, if any. */
  readonly path: string | undefined;

  constructor(code: string, message: string, path?: string) {
    super(path ? `${path}: ${message}` : message);
    this.code = code;
    this.path = path;
  }
}

/** True for cancellation by an AbortSignal. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError');
}

/** One line for a user, whatever was thrown (never a stack trace). */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].trim() || 'unknown error';
}
