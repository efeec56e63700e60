/** Where tests find the real data (../shared/data beside the checkout) and write artifacts. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED_DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** Absolute path of a file or folder inside ../shared/data. */
export function sharedData(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts);
}
