import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileAtomic, replaceFileAtomic } from './atomic-file.ts';

describe('atomic files', () => {
  it('replaceFileAtomic replaces and leaves no temp file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'delineo-atomic-'));
    const f = path.join(dir, 'a.json');
    await writeFile(f, 'old');
    await replaceFileAtomic(f, 'new');
    expect(await readFile(f, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('createFileAtomic never overwrites', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'delineo-atomic-'));
    const f = path.join(dir, 'RS.dcm');
    await createFileAtomic(f, new Uint8Array([1, 2, 3]));
    await expect(createFileAtomic(f, new Uint8Array([9]))).rejects.toMatchObject({ code: 'EEXIST' });
    expect([...(await readFile(f))]).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['RS.dcm']);
  });
});
