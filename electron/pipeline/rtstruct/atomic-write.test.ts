import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileAtomic } from './atomic-write.ts';

// Everything this file writes goes under one temporary folder, removed at the end.
const TMP = mkdtempSync(path.join(os.tmpdir(), 'delineo-rs-tests-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('createFileAtomic', () => {
  it('creates the file with the bytes and leaves no temporary file', async () => {
    const dir = await mkdtemp(path.join(TMP, 'delineo-atomic-'));
    const file = path.join(dir, 'RS.1.dcm');
    await createFileAtomic(file, Uint8Array.from([1, 2, 3]));
    expect([...(await readFile(file))]).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['RS.1.dcm']);
  });

  it('refuses to overwrite an existing file and keeps its content', async () => {
    const dir = await mkdtemp(path.join(TMP, 'delineo-atomic-'));
    const file = path.join(dir, 'RS.2.dcm');
    await writeFile(file, 'original');
    await expect(createFileAtomic(file, Uint8Array.from([9]))).rejects.toThrow(`${file}: already exists; not overwritten`);
    expect(await readFile(file, 'utf8')).toBe('original');
    expect(await readdir(dir)).toEqual(['RS.2.dcm']);
  });

  it('names the file when the folder does not exist', async () => {
    const file = path.join(TMP, 'delineo-no-such-dir-' + process.pid, 'RS.3.dcm');
    await expect(createFileAtomic(file, Uint8Array.from([1]))).rejects.toThrow(/RS\.3\.dcm: cannot be written \(ENOENT\)/);
  });
});
