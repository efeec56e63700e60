/**
 * Atomic file writes: the bytes go to a temporary file in the same folder, are fsynced, and
 * only then take the final name, so a crash leaves either the old file or the new one —
 * never half of one.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

async function writeTemp(file: string, data: Uint8Array | string): Promise<string> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Fsync a folder so a rename inside it survives a power cut (no-op where folders cannot be opened). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  } catch { /* Windows cannot open folders; the rename is still atomic there */ }
}

/** Write `data` to `file`, replacing an existing file atomically (for our own state files). */
export async function replaceFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temp = await writeTemp(file, data);
  try {
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
  await syncDir(path.dirname(file));
}

/**
 * Write `data` to `file` atomically and never over an existing file: the final name is
 * created with a hard link, which fails with EEXIST instead of replacing (for exports).
 */
export async function createFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temp = await writeTemp(file, data);
  try {
    await link(temp, file);
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncDir(path.dirname(file));
}
