import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileAtomic, replaceFileAtomic } from './atomic-file.ts';

// Everything this file writes goes under one temporary folder, removed at the end.
const TMP = mkdtempSync(path.join(os.tmpdir(), 'delineo-atomic-tests-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('createFileAtomic', () => {
  it('creates the file from bytes, text or chunks and leaves no temporary file', async () => {
    const dir = await mkdtemp(path.join(TMP, 'create-'));
    await createFileAtomic(path.join(dir, 'a.bin'), Uint8Array.from([1, 2, 3]));
    await createFileAtomic(path.join(dir, 'b.txt'), 'text é');
    async function* chunks() { yield Uint8Array.from([4]); yield Uint8Array.from([5, 6]).subarray(1); }
    await createFileAtomic(path.join(dir, 'c.bin'), chunks());
    expect([...(await readFile(path.join(dir, 'a.bin')))]).toEqual([1, 2, 3]);
    expect(await readFile(path.join(dir, 'b.txt'), 'utf8')).toBe('text é');
    expect([...(await readFile(path.join(dir, 'c.bin')))]).toEqual([4, 6]);
    expect((await readdir(dir)).sort()).toEqual(['a.bin', 'b.txt', 'c.bin']);
  });

  it('refuses to overwrite an existing file and keeps its content', async () => {
    const dir = await mkdtemp(path.join(TMP, 'exists-'));
    const file = path.join(dir, 'RS.2.dcm');
    await writeFile(file, 'original');
    const attempt = createFileAtomic(file, Uint8Array.from([9]));
    await expect(attempt).rejects.toThrow(`${file}: already exists; not overwritten`);
    await expect(attempt).rejects.toMatchObject({ code: 'FILE_EXISTS', path: file });
    expect(await readFile(file, 'utf8')).toBe('original');
    expect(await readdir(dir)).toEqual(['RS.2.dcm']);
  });

  it('names the file when the folder does not exist', async () => {
    const file = path.join(TMP, 'no-such-dir', 'RS.3.dcm');
    await expect(createFileAtomic(file, Uint8Array.from([1]))).rejects.toThrow(/RS\.3\.dcm: cannot be written \(ENOENT\)/);
  });
});

describe('replaceFileAtomic', () => {
  it('replaces the content and leaves no temporary file', async () => {
    const dir = await mkdtemp(path.join(TMP, 'replace-'));
    const file = path.join(dir, 'a.json');
    await writeFile(file, 'old');
    await replaceFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('names the file when it cannot be written', async () => {
    const file = path.join(TMP, 'missing-dir', 'settings.json');
    await expect(replaceFileAtomic(file, '{}')).rejects.toMatchObject({ code: 'FILE_WRITE', path: file });
  });
});
