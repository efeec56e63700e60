/**
 * Headers parsed by the last scans, kept by path so that loading a series need not parse each
 * file's header a second time (the worker still checks the SOP Instance UID in the bytes).
 * Bounded: the oldest entries go first.
 */
import type { FileHeader } from './header.ts';

const MAX_ENTRIES = 200_000;
const cache = new Map<string, FileHeader>();

/** Remember a scanned header. */
export function rememberHeader(h: FileHeader): void {
  cache.delete(h.path);
  cache.set(h.path, h);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** The header scanned for this path and instance, if any. */
export function recallHeader(path: string, sopInstanceUID: string): FileHeader | undefined {
  const h = cache.get(path);
  return h && h.sopInstanceUID === sopInstanceUID ? h : undefined;
}
