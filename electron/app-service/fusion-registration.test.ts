/**
 * Fusion across frames of reference: the demo's MR given a frame of its own (as an MR from
 * another day would have) is aligned to the planning CT before it is shown over it, and the
 * result matches the MR in its true shared frame.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInfo, ImageHandle } from '../ipc/contract.ts';
import { AppService } from './app-service.ts';

const run = promisify(execFile);
const DEMO = path.resolve(import.meta.dirname, '../../demo/sts-002');
const INFO: AppInfo = { name: 'Delineo', version: 'test', apiVersion: '0.1.0', researchBuild: true, notForClinicalUse: 'NOT FOR CLINICAL USE', demo: null };

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The MR fused onto the planning CT of the study found in `folder`. */
async function fusedMr(folder: string, dataDir: string): Promise<{ handle: ImageHandle; data: Float32Array }> {
  const svc = new AppService({ volumeUrlBase: 'test://volume/', dataDir, appInfo: INFO });
  const { studies } = await ok(svc.invoke('study:open', { paths: [folder] }));
  const study = studies[0];
  const mr = study.series.find((s) => s.modality === 'MR')!;
  const handle = await ok(svc.invoke('study:load-series', { studyId: study.studyId, seriesKey: mr.seriesKey, onGridOf: study.planningSeriesKey! }));
  const bytes = svc.volumes.bytes(handle.id)!;
  return { handle, data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
}

describe('fusion of a series in another frame of reference', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'delineo-fusion-'));
    await cp(path.join(DEMO, 'CT', 'image'), path.join(work, 'study', 'CT'), { recursive: true });
    await cp(path.join(DEMO, 'MR_T1', 'image'), path.join(work, 'study', 'MR'), { recursive: true });
    const mrFiles = (await readdir(path.join(work, 'study', 'MR'))).map((f) => path.join(work, 'study', 'MR', f));
    await run('dcmodify', ['-nb', '-m', '(0020,0052)=2.25.123456789012345678901234567890', ...mrFiles]);
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('registers the MR to the CT, says how, and shows it where the shared frame puts it', async () => {
    const moved = await fusedMr(path.join(work, 'study'), path.join(work, 'data-moved'));
    const truth = await fusedMr(DEMO, path.join(work, 'data-truth'));
    expect(moved.handle.size).toEqual(truth.handle.size);
    expect(moved.handle.resampledTo).not.toBeNull();
    expect(moved.handle.warnings.join('\n')).toMatch(/^aligned to the planning frame by rigid-mi \(/m);
    expect(truth.handle.warnings.join('\n')).not.toMatch(/aligned to the planning frame/);
    // Pearson correlation over voxels where both show MR signal.
    let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (let i = 0; i < truth.data.length; i++) {
      const a = truth.data[i], b = moved.data[i];
      if (a <= 0 || b <= 0) continue;
      n++; sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b;
    }
    const r = (n * sab - sa * sb) / Math.sqrt((n * saa - sa * sa) * (n * sbb - sb * sb));
    expect(n).toBeGreaterThan(0.5 * truth.data.filter((v) => v > 0).length);
    expect(r).toBeGreaterThan(0.8);
  });
});
