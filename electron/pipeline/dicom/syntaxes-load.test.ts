/**
 * Every transfer syntax through the whole ingest path (scan → worker → decodeFrame → HU), held
 * to the rules of transfer-syntaxes/EXPECTED.md against the Explicit VR LE reference; and the
 * enhanced multi-frame CT (per-frame functional groups) as a two-slice volume.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/paths.ts';
import { allSeries, loadSeries, scanPaths } from './index.ts';

const dir = sharedData('transfer-syntaxes');
const file = (uid: string, name: string) => path.join(dir, `CTImage.dcm_${name}_${uid}.dcm`);

async function loadOne(p: string) {
  const scan = await scanPaths([p]);
  expect(scan.errors).toEqual([]);
  const [series] = allSeries(scan);
  return loadSeries(series);
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
  ma /= a.length; mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; }
  return sab / Math.sqrt(saa * sbb);
}

describe('transfer syntaxes through loadSeries', async () => {
  const reference = (await loadOne(file('1.2.840.10008.1.2.1', 'LittleEndianExplicitTransferSyntax'))).volume;
  const cases: [string, string, 'exact' | 'near' | 'lossy'][] = [
    ['1.2.840.10008.1.2', 'LittleEndianImplicitTransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.2', 'BigEndianExplicitTransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.1.99', 'DeflatedExplicitVRLittleEndianTransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.4.57', 'JPEGProcess14TransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.4.70', 'JPEGProcess14SV1TransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.4.80', 'JPEGLSLosslessTransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.4.90', 'JPEG2000LosslessOnlyTransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.5', 'RLELosslessTransferSyntax', 'exact'],
    ['1.2.840.10008.1.2.4.81', 'JPEGLSLossyTransferSyntax', 'near'],
    ['1.2.840.10008.1.2.4.91', 'JPEG2000TransferSyntax', 'near'],
    ['1.2.840.10008.1.2.4.50', 'JPEGProcess1TransferSyntax', 'lossy'],
    ['1.2.840.10008.1.2.4.51', 'JPEGProcess2_4TransferSyntax', 'lossy'],
    ['1.2.840.10008.1.2.4.53', 'JPEGProcess6_8TransferSyntax', 'lossy'],
    ['1.2.840.10008.1.2.4.55', 'JPEGProcess10_12TransferSyntax', 'lossy'],
  ];
  for (const [uid, name, rule] of cases) {
    it(`${uid} (${name}) — ${rule}`, async () => {
      const { volume } = await loadOne(file(uid, name));
      expect(volume.size).toEqual([512, 512, 1]);
      expect(Array.from(volume.affine)).toEqual(Array.from(reference.affine));
      if (rule === 'lossy') {
        expect(pearson(volume.data, reference.data)).toBeGreaterThanOrEqual(0.999);
        return;
      }
      let max = 0;
      for (let i = 0; i < volume.data.length; i++) max = Math.max(max, Math.abs(volume.data[i] - reference.data[i]));
      // Both share slope 1, so HU differences are stored-value differences.
      expect(max).toBeLessThanOrEqual(rule === 'exact' ? 0 : 8);
    });
  }

  it('loads the enhanced multi-frame CT (JPEG, fragmented, no offset table) as two slices from its functional groups', async () => {
    const p = path.join(dir, 'CT0012.fragmented_no_bot_jpeg_baseline.51.dcm');
    const scan = await scanPaths([p]);
    const [series] = allSeries(scan);
    // Row (−1,0,0) × column (0,1,0) gives the normal (0,0,−1): frame 2 (z −149) comes first.
    expect(series.instances.map((i) => i.frame)).toEqual([2, 1]);
    expect(series.size).toEqual([512, 512, 2]);
    expect(series.origin).toEqual([99.5, -301.5, -149]);
    expect(series.spacing).toEqual([0.388672, 0.388672, 10]);
    // It is a cerebral blood flow map (Rescale Type US), not an image in HU.
    expect(series.units).toBe('raw');
    expect(series.warnings).toContain('CT values are not Hounsfield units (Rescale Type US): loaded as raw');
    const { volume } = await loadSeries(series);
    expect(volume.affine[11] + volume.affine[10]).toBe(-159); // slice 1 sits at frame 1's z
    // Shared-group rescale (intercept −1024 on 12-bit stored values) applied to every frame.
    let min = Infinity, max = -Infinity;
    for (const v of volume.data) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBeGreaterThanOrEqual(-1024);
    expect(max).toBeLessThanOrEqual(4095 - 1024);
    expect(max - min).toBeGreaterThan(50);
    expect(volume.sopInstanceUIDs[0]).toBe(volume.sopInstanceUIDs[1]);
  });
});
