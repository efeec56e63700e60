/**
 * Robustness on pydicom's malformed files: every file is loaded or reported with its path and
 * a one-line reason, nothing crashes or hangs, and the good files of the folder still load.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { sharedData } from '../../../test/paths.ts';
import { allSeries, loadSeries, scanPaths } from './index.ts';
import { IngestPool } from './pool.ts';

const dir = sharedData('malformed');

describe('malformed/', async () => {
  const scan = await scanPaths([dir]);
  const used = new Set(scan.studies.flatMap((st) => [...st.series.flatMap((s) => s.instances.map((i) => i.path)), ...st.structureSets.map((r) => r.path)]));
  const reported = new Map(scan.errors.map((e) => [e.path, e.message]));

  it('accounts for every DICOM file: used or reported, never both', () => {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.dcm'))) {
      const p = path.join(dir, name);
      expect(used.has(p) !== reported.has(p), name).toBe(true);
    }
    // The text files beside them are not DICOM and, found by walking, are skipped silently.
    expect(reported.has(path.join(dir, 'README.txt'))).toBe(false);
  });

  it('reports each bad file with its path and the reason in one line', () => {
    const expectations: Record<string, RegExp> = {
      'MR_truncated.dcm': /Pixel Data declares 8192 bytes but only 8130 are in the file \(truncated\)/,
      'rtplan_truncated.dcm': /declares 976 bytes but only 711 remain/,
      'meta_missing_tsyntax.dcm': /no Transfer Syntax UID/,
      'no_meta_group_length.dcm': /no SOP Instance UID/,
      'JPEG2000-embedded-sequence-delimiter.dcm': /no Image Position\/Orientation/,
    };
    for (const [name, re] of Object.entries(expectations)) {
      const message = reported.get(path.join(dir, name));
      expect(message, name).toMatch(re);
      expect(message!.startsWith(path.join(dir, name) + ': ')).toBe(true);
      expect(message).not.toContain('\n');
    }
  });

  it('still loads the good images of the folder (CT_small, MR_small, badVR RTDOSE, J2K via decodeFrame when available)', async () => {
    const names = allSeries(scan).flatMap((s) => s.instances.map((i) => path.basename(i.path)));
    expect(names).toEqual(expect.arrayContaining(['CT_small.dcm', 'MR_small.dcm', 'badVR.dcm']));
    const ct = allSeries(scan).find((s) => s.instances[0].path.endsWith('CT_small.dcm'))!;
    const { volume } = await loadSeries(ct);
    expect(volume.size).toEqual([128, 128, 1]);
    expect(volume.units).toBe('HU');
    // pydicom's reference values for CT_small: stored [175, 1130] with intercept −1024.
    let min = Infinity, max = -Infinity;
    for (const v of volume.data) { min = Math.min(min, v); max = Math.max(max, v); }
    expect([min, max]).toEqual([-896, 1167]);
    const mr = allSeries(scan).find((s) => s.instances[0].path.endsWith('MR_small.dcm'))!;
    expect((await loadSeries(mr)).volume.size).toEqual([64, 64, 1]);
  });

  it('reports a non-DICOM file named explicitly, and a missing path', async () => {
    const r = await scanPaths([path.join(dir, 'README.txt'), path.join(dir, 'nope.dcm')]);
    expect(r.studies).toEqual([]);
    expect(r.errors.map((e) => e.message)).toEqual([
      `${path.join(dir, 'README.txt')}: not a DICOM file (no "DICM" marker and no recognisable first element)`,
      `${path.join(dir, 'nope.dcm')}: no such file or folder`,
    ]);
  });
});

describe('ingest pool time limit', () => {
  it('abandons a task that runs too long, reports the file, and keeps working', async () => {
    const pool = new IngestPool(1);
    const big = sharedData('ct-lung-philips', '1-01.dcm');
    const slow = await pool.run({ op: 'frames', path: big, frames: [1], scale: 1, expect: { sopInstanceUID: 'x', rows: 512, columns: 512 } }, undefined, 1);
    expect(slow).toMatchObject({ ok: false, code: 'DICOM_TIMEOUT', path: big });
    expect(slow.ok ? '' : slow.message).toMatch(/reading took longer than 0 s; skipped/);
    const next = await pool.run({ op: 'header', path: big });
    expect(next.ok && next.header.modality).toBe('CT');
    await pool.close();
  });

  it('stops waiting when the caller aborts', async () => {
    const pool = new IngestPool(1);
    const controller = new AbortController();
    const pending = pool.run({ op: 'header', path: sharedData('ct-lung-philips', '1-02.dcm') }, controller.signal);
    controller.abort(new DOMException('cancelled by the user', 'AbortError'));
    await expect(pending).rejects.toThrow(/cancelled by the user/);
    await pool.close();
  });
});

describe('readDicomDataset (non-image objects through the guarded parser)', () => {
  it('reads an RTSTRUCT, and reports a truncated RTPLAN in one line naming it', async () => {
    const { readDicomDataset } = await import('./index.ts');
    const rs = await readDicomDataset(path.join(dir, 'rtstruct.dcm'));
    expect(rs.Modality).toBe('RTSTRUCT');
    expect(Array.isArray(rs.StructureSetROISequence)).toBe(true);
    const bad = path.join(dir, 'rtplan_truncated.dcm');
    await expect(readDicomDataset(bad)).rejects.toThrow(`${bad}: element (300A,00B0) declares 976 bytes but only 711 remain (truncated or corrupt)`);
    await expect(readDicomDataset(path.join(dir, 'rtstruct.dcm'), 1000)).rejects.toThrow(/rtstruct\.dcm: file is 2534 bytes, more than the 1000-byte limit/);
  });
});

describe('ingest pool without a usable worker script', () => {
  it('falls back to the caller\'s thread instead of failing every file', async () => {
    const pool = new IngestPool(1, new URL('./no-such-worker.ts', import.meta.url));
    const r = await pool.run({ op: 'header', path: sharedData('ct-lung-philips', '1-03.dcm') });
    expect(r.ok && r.header.modality).toBe('CT');
    expect(pool.runsInline).toBe(true);
    await pool.close();
  });
});
