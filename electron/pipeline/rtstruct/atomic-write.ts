/**
 * Exports are written atomically and never over an existing file: the bytes go to a temporary
 * file in the target folder, are fsynced, and the final name is created with a hard link,
 * which fails with EEXIST instead of replacing what is there.
 */
import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from '../errors.ts';

/**
 * Create `file` with `bytes`, atomically, refusing to overwrite.
 *
 * @throws PipelineError('EXPORT_EXISTS') when `file` already exists, ('EXPORT_FAILED') when the
 *   folder cannot be written; no temporary file is left behind either way.
 */
export async function createFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new PipelineError('EXPORT_EXISTS', 'already exists; not overwritten', file);
    throw new PipelineError('EXPORT_FAILED', `cannot be written (${code ?? (e as Error).message})`, file);
  } finally {
    await unlink(temp).catch(() => {});
  }
  // Fsync the folder so the new name survives a power cut (folders cannot be opened on Windows).
  try {
    const dir = await open(path.dirname(file), 'r');
    try { await dir.sync(); } finally { await dir.close(); }
  } catch { /* the link is still atomic */ }
}
