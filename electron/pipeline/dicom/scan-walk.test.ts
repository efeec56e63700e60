/**
 * Walking what users drop: DICOMDIR media, symlink loops, the same folder twice; and PET in
 * BQML turned into SUVbw with the factor applied exactly once, per-slice slope included.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { parseFile, readBytes, readFrames, readHead, readHeadSync } from './read-file.ts';
import { allSeries, computeSuvFactors, loadSeries, scanPaths } from './index.ts';
import { HeadPacing } from './scan.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'delineo-walk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('walking folders', () => {
  it('reads DICOMDIR media through the folder walk, without reporting the DICOMDIR itself', async () => {
    const media = path.join(tmp, 'media');
    mkdirSync(path.join(media, 'IMAGES'), { recursive: true });
    copyFileSync(sharedData('malformed', 'CT_small.dcm'), path.join(media, 'IMAGES', 'IM0001'));
    execFileSync('dcmmkdir', ['--general-purpose', '+r', 'IMAGES/IM0001'], { cwd: media, stdio: 'ignore' });
    const r = await scanPaths([media]);
    expect(r.errors).toEqual([]);
    expect(allSeries(r).map((s) => s.size)).toEqual([[128, 128, 1]]);
    // Named explicitly, the DICOMDIR is skipped too (it indexes files; it holds no image).
    expect((await scanPaths([path.join(media, 'DICOMDIR')])).errors).toEqual([]);
  });

  it('survives a symlink loop and counts a folder reached twice once', async () => {
    const root = path.join(tmp, 'loop');
    mkdirSync(root);
    symlinkSync(root, path.join(root, 'self'));
    symlinkSync(sharedData('ct-lung-philips'), path.join(root, 'ct'));
    symlinkSync(sharedData('ct-lung-philips'), path.join(root, 'ct-again'));
    const r = await scanPaths([root, sharedData('ct-lung-philips')]);
    expect(r.errors).toEqual([]);
    expect(allSeries(r)).toHaveLength(1);
    expect(allSeries(r)[0].size[2]).toBe(64);
  });

  it('reports progress per file and honours an abort', async () => {
    const seen: string[] = [];
    await scanPaths([sharedData('pet-slices')], { onProgress: (p) => seen.push(`${p.stage} ${p.done}/${p.total}`) });
    // 2 DICOM slices + LICENSE, SOURCE.txt, data_details.md: every file counts.
    expect(seen).toEqual(['scan 0/5', 'scan 1/5', 'scan 2/5', 'scan 3/5', 'scan 4/5', 'scan 5/5']);
    const controller = new AbortController();
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(scanPaths([sharedData('ct-lung-philips')], { signal: controller.signal })).rejects.toThrow('stop');
  });
});

describe('reading heads while scanning', () => {
  it('reads the same head synchronously as through the pool, and names a missing file', async () => {
    const file = sharedData('ct-lung-philips', '1-01.dcm');
    for (const n of [16 * 1024, 10 ** 7]) {
      const viaPool = await readHead(file, n);
      const here = readHeadSync(file, n, new Uint8Array(n));
      expect(here.size).toBe(viaPool.size);
      expect(Buffer.compare(here.bytes, viaPool.bytes)).toBe(0);
      expect(here.bytes.length).toBe(Math.min(n, viaPool.size));
    }
    const gone = path.join(tmp, 'no-such.dcm');
    expect(() => readHeadSync(gone, 1024)).toThrow(`${gone}: cannot open (ENOENT)`);
  });

  it('probes storage through the pool, then reads synchronously in slices while it stays fast', async () => {
    let clock = 0;
    const pacing = new HeadPacing(() => clock, 4, 10, 3, 4);
    // First files through the pool: the caller's thread never waits on an unknown share.
    for (let n = 0; n < 2; n++) {
      expect(pacing.reader).toBe(readHead);
      pacing.took(1.5, readHead);
    }
    expect(pacing.reader).toBe(readHead);
    pacing.took(3, readHead);
    expect(pacing.reader).toBe(readHeadSync); // three fast heads: local storage
    pacing.took(30, readHead); // a pooled read still under way, queued: not about the storage
    expect(pacing.reader).toBe(readHeadSync);
    let turned = false;
    setImmediate(() => (turned = true));
    clock = 3;
    await pacing.pace();
    expect(turned).toBe(false); // within the slice: no yield
    clock = 5;
    await pacing.pace();
    expect(turned).toBe(true); // slice used up: the loop turned before the next file
    pacing.took(8, readHeadSync);
    expect(pacing.reader).toBe(readHeadSync);
    pacing.took(25, readHeadSync); // storage turned slow: overlap the waits instead, for the rest of the scan
    expect(pacing.reader).toBe(readHead);
    pacing.took(0.1, readHead);
    expect(pacing.reader).toBe(readHead);
  });

  it('stays with the pool when a probe is slow (a network share)', () => {
    const pacing = new HeadPacing(() => 0, 4, 10, 3, 4);
    pacing.took(1, readHead);
    pacing.took(6, readHead);
    for (let n = 0; n < 5; n++) pacing.took(0.5, readHead);
    expect(pacing.reader).toBe(readHead);
  });
});

describe('files that change between scan and load', () => {
  it('refuses the series naming the vanished file, instead of a volume with a hole', async () => {
    const copy = path.join(tmp, 'vanishing');
    mkdirSync(copy);
    for (const f of ['1-01.dcm', '1-02.dcm', '1-03.dcm']) copyFileSync(sharedData('ct-lung-philips', f), path.join(copy, f));
    const [series] = allSeries(await scanPaths([copy]));
    const gone = series.instances[1].path;
    rmSync(gone);
    await expect(loadSeries(series)).rejects.toThrow(`${gone}: cannot open (ENOENT)`);
  });
});

describe('PET in BQML (Siemens FLT slices)', () => {
  it('loads SUVbw = stored × per-slice slope × the series factor', async () => {
    const r = await scanPaths([sharedData('pet-slices')]);
    const [pet] = allSeries(r);
    expect(pet.modality).toBe('PT');
    expect(pet.units).toBe('SUVbw');
    const first = await parseFile(await readBytes(pet.instances[0].path), pet.instances[0].path);
    const expected = computeSuvFactors(first.header.suv!);
    expect(expected.suvbwFactor).not.toBeNull();
    expect(pet.suvbwFactor).toBe(expected.suvbwFactor);
    const { volume } = await loadSeries(pet);
    // Each slice against its own file read in physical units (BQML) times the factor, once.
    for (let k = 0; k < pet.instances.length; k++) {
      const file = await parseFile(await readBytes(pet.instances[k].path), pet.instances[k].path);
      const [bqml] = await readFrames(file, [1], 1);
      const plane = volume.size[0] * volume.size[1];
      let peak = 0;
      for (let i = 0; i < plane; i++) {
        expect(volume.data[k * plane + i]).toBeCloseTo(bqml[i] * pet.suvbwFactor!, 3);
        peak = Math.max(peak, volume.data[k * plane + i]);
      }
      // FDG/FLT SUVs live in single or low double digits, never in Bq/ml's thousands.
      expect(peak).toBeGreaterThan(0.5);
      expect(peak).toBeLessThan(50);
    }
  });
});
