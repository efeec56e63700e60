/**
 * Atomic file writes, the one place for them. The bytes go to a temporary file in the target
 * folder and are fsynced before they take the final name, so a crash or a full disk leaves the
 * old state or the new one, never half a file.
 * - {@link createFileAtomic} (exports: RTSTRUCT, NIfTI, reports) never replaces an existing file:
 *   the final name is made with a hard link, which fails with EEXIST instead.
 * - {@link replaceFileAtomic} (our own state files: settings, edit journal) replaces with a rename.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from './errors.ts';

/** What can be written: bytes, text (UTF-8), or chunks written in order without copying them. */
export type FileContent = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Create `file` with `content`, atomically, refusing to overwrite.
 * @throws PipelineError('FILE_EXISTS') when `file` exists, ('FILE_WRITE') when it cannot be
 *   written; no temporary file is left behind either way.
 */
export async function createFileAtomic(file: string, content: FileContent): Promise<void> {
  const temp = await writeTemp(file, content);
  try {
    await link(temp, file);
  } catch (e) {
    throw writeError(e, file);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDir(path.dirname(file));
}

/**
 * Write `file` with `content`, atomically replacing what was there.
 * @throws PipelineError('FILE_WRITE') naming the file.
 */
export async function replaceFileAtomic(file: string, content: FileContent): Promise<void> {
  const temp = await writeTemp(file, content);
  try {
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw writeError(e, file);
  }
  await syncDir(path.dirname(file));
}

async function writeTemp(file: string, content: FileContent): Promise<string> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      if (typeof content === 'string' || content instanceof Uint8Array) await handle.writeFile(content);
      else {
        // FileHandle.write takes views as they are (writeFile would copy each chunk).
        for await (const part of content) {
          for (let done = 0; done < part.length; ) done += (await handle.write(part, done, part.length - done)).bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw writeError(e, file);
  }
  return temp;
}

function writeError(e: unknown, file: string): PipelineError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EEXIST') return new PipelineError('FILE_EXISTS', 'already exists; not overwritten', file);
  return new PipelineError('FILE_WRITE', `cannot be written (${err.code ?? err.message})`, file);
}

/** Fsync a folder so a new name survives a power cut (folders cannot be opened on Windows). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  } catch { /* the link or rename is still atomic */ }
}
