/** Creating a small file atomically, never replacing an existing one. */
import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from '../errors.ts';

/**
 * Write `text` so that `file` appears complete or not at all: a temp file in the same folder,
 * fsync, then a hard link to the final name, which fails if the name is taken.
 */
export async function writeNewTextFile(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(tmp, file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') throw new PipelineError('FILE_EXISTS', 'already exists; not overwritten (choose another --out folder)', file);
    throw new PipelineError('FILE_WRITE', `cannot be written (${err.code ?? err.message})`, file);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}
