/**
 * Headers parsed by the last scans, kept by path so that loading a series need not parse each
 * file's header a second time (the load still checks the SOP Instance UID in the bytes), with
 * where each file's native pixels lie, so that a load can read them straight into the volume.
 * Bounded: the oldest entries go first.
 */
import type { PixelSpan } from './file-layout.ts';
import type { FileHeader } from './header.ts';

/** What scanning learnt about one file. */
export interface ScannedFile {
  readonly header: FileHeader;
  readonly pixelSpan?: PixelSpan | null;
}

const MAX_ENTRIES = 200_000;
const cache = new Map<string, ScannedFile>();

/** Remember a scanned header. */
export function rememberHeader(header: FileHeader, pixelSpan?: PixelSpan | null): void {
  cache.delete(header.path);
  cache.set(header.path, { header, pixelSpan });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** What was scanned for this path and instance, if any. */
export function recallHeader(path: string, sopInstanceUID: string): ScannedFile | undefined {
  const entry = cache.get(path);
  return entry && entry.header.sopInstanceUID === sopInstanceUID ? entry : undefined;
}
