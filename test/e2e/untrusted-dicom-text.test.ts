/**
 * User story: a study whose DICOM text holds markup (PatientName `<img onerror=…>`,
 * SeriesDescription `<script>`) is opened; the app shows the text literally and runs nothing.
 * The files are copies of the demo CT with those two attributes changed by dcmtk's dcmodify.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, startHarness, type Harness } from './harness.ts';

const NAME = '<img src onerror><b>Bold</b>';
const DESCRIPTION = '<script>globalThis.__xss=2</script>';

describe('untrusted DICOM text is shown as text', () => {
  let h: Harness | null = null;
  afterAll(async () => { await h?.close(); });

  it('shows markup literally and executes none of it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'delineo-xss-'));
    await cp(path.join(DEMO_DIR, 'CT', 'image'), dir, { recursive: true });
    const files = (await readdir(dir)).map((f) => path.join(dir, f));
    await promisify(execFile)('dcmodify', ['-nb', '-m', `(0010,0010)=${NAME}`, '-m', `(0008,103e)=${DESCRIPTION}`, ...files]);
    h = await startHarness({ openPaths: [dir] });
    await h.page.waitForSelector('text=Open…');
    await h.page.getByRole('button', { name: 'Open…' }).click();
    await h.page.waitForSelector('[data-view=axial]', { timeout: 60_000 });
    await h.page.waitForSelector('header .patient');
    expect(await h.page.locator('header .patient').innerText()).toContain(NAME);
    expect(await h.page.locator('aside').innerText()).toContain('<script>globalThis.__xss=2');
    expect(await h.page.evaluate(() => (globalThis as any).__xss)).toBeUndefined();
    expect(await h.page.locator('main img, header img, aside img').count()).toBe(0);
    expect(await h.page.locator('body script').count()).toBe(0);
    await h.shot('20-untrusted-text');
  });
});
