/**
 * The service against the real pipeline on the real demo study (STS_002): open, load, import
 * the expert GTV, edit, journal and restore, export an RTSTRUCT and read it back.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppInfo, ImageHandle, StructureSummary, StudySummary } from '../ipc/contract.ts';
import { readRtstruct } from '../pipeline/rtstruct/index.ts';
import { AppService } from './app-service.ts';
import { realPipeline } from './pipeline-adapter.ts';
import { PipelineError } from '../pipeline/errors.ts';

const DEMO = path.resolve(import.meta.dirname, '../../demo/sts-002');
const INFO: AppInfo = { name: 'Delineo', version: 'test', apiVersion: '0.1.0', researchBuild: true, notForClinicalUse: 'NOT FOR CLINICAL USE', demo: null };

function service(dataDir: string, folder: string | null = null): AppService {
  return new AppService({
    volumeUrlBase: 'test://volume/', dataDir, appInfo: INFO, journalDelayMs: 50,
    dialogs: { openStudy: async () => [DEMO], chooseFolder: async () => folder },
  });
}

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('AppService on the demo study', () => {
  let dataDir: string;
  let svc: AppService;
  let study: StudySummary;
  let planning: ImageHandle;
  const progress: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'delineo-svc-'));
    svc = service(dataDir);
    svc.on((event, payload) => { if (event === 'job:progress') progress.push((payload as { stage: string }).stage); });
    const opened = await ok(svc.invoke('study:open', { paths: [DEMO], progressToken: 'open-1' }));
    expect(opened.studies).toHaveLength(1);
    study = opened.studies[0];
    const key = study.planningSeriesKey!;
    planning = await ok(svc.invoke('study:load-series', { studyId: study.studyId, seriesKey: key }));
  });

  it('finds CT, PET and MR with the CT as planning series and three expert structure sets', () => {
    expect(study.series.map((s) => s.modality).sort()).toEqual(['CT', 'MR', 'PT']);
    const ct = study.series.find((s) => s.modality === 'CT')!;
    expect(study.planningSeriesKey).toBe(ct.seriesKey);
    expect(ct.slices).toBe(48);
    expect(study.structureSets).toHaveLength(3);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('serves the planning CT as HU int16/float voxels of the right length with CT presets', () => {
    expect(planning.units).toBe('HU');
    expect(planning.size[2]).toBe(48);
    const bytes = svc.volumes.bytes(planning.id)!;
    expect(bytes.byteLength).toBe(planning.byteLength);
    expect(planning.windowPresets.map((p) => p.name)).toEqual(['Soft tissue', 'Lung', 'Bone', 'Brain']);
    expect(planning.valueRange[0]).toBeLessThan(-500);
    expect(planning.spacing[2]).toBeCloseTo(3.27, 1);
  });

  it('fuses the PET onto the CT grid in SUV', async () => {
    const pet = study.series.find((s) => s.modality === 'PT')!;
    const fused = await ok(svc.invoke('study:load-series', { studyId: study.studyId, seriesKey: pet.seriesKey, onGridOf: study.planningSeriesKey! }));
    expect(fused.size).toEqual(planning.size);
    expect(fused.resampledTo).toBe(study.planningSeriesKey);
    expect(fused.units).toBe('SUVbw');
    expect(fused.suvScale).toBe(1);
    expect(fused.valueRange[1]).toBeGreaterThan(2);
  });

  let expert: StructureSummary[];
  it('imports each expert GTV onto the planning grid with a plausible volume', async () => {
    expert = [];
    for (const set of study.structureSets) {
      const r = await ok(svc.invoke('structures:import', { studyId: study.studyId, structureSetPath: set.path }));
      expert.push(...r.structures);
    }
    expect(expert.map((s) => s.name).sort()).toEqual(['GTV_Mass_CT', 'GTV_Mass_MR_T1', 'GTV_Mass_PET'].sort());
    for (const s of expert) {
      expect(s.source).toBe('expert');
      expect(s.mask.size).toEqual(planning.size);
      expect(s.volumeMl).toBeGreaterThan(5);
      expect(s.volumeMl).toBeLessThan(2000);
    }
  });

  it('refuses to import a file that is not a structure set of the study', async () => {
    const r = await svc.invoke('structures:import', { studyId: study.studyId, structureSetPath: '/etc/passwd' });
    expect(r).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'not a structure set of this study', path: '/etc/passwd' } });
  });

  it('saves edits, journals them within a second, and restores them in a new session', async () => {
    const created = await ok(svc.invoke('structure:create', { studyId: study.studyId, name: 'GTV_edit', color: [255, 0, 0], interpretedType: 'GTV' }));
    expect(created.generation).toBe('MANUAL');
    expect(created.voxels).toBe(0);
    const mask = new Uint8Array(created.mask.byteLength);
    mask.fill(1, 1000, 1500);
    const saved = await ok(svc.invoke('structure:save-edits', { studyId: study.studyId, structureId: created.structureId, mask: mask.buffer }));
    expect(saved.voxels).toBe(500);
    const wrong = await svc.invoke('structure:save-edits', { studyId: study.studyId, structureId: created.structureId, mask: new ArrayBuffer(3) });
    expect(wrong.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    // A second service on the same data folder plays the app after a crash.
    const after = service(dataDir);
    const list = await ok(after.invoke('journal:list', {}));
    expect(list.entries).toHaveLength(1);
    expect(list.entries[0].restorable).toBe(true);
    expect(list.entries[0].structures.map((s) => s.name)).toContain('GTV_edit');
    const restored = await ok(after.invoke('journal:restore', { journalId: list.entries[0].journalId }));
    const back = restored.structures.find((s) => s.name === 'GTV_edit')!;
    expect(back.voxels).toBe(500);
    expect(back).toMatchObject({ source: 'user', restored: true });
    // The imported expert contours come back as expert contours, so the comparison still finds them.
    expect(restored.structures.filter((s) => s.name.startsWith('GTV_Mass')).every((s) => s.source === 'expert' && s.restored)).toBe(true);
    expect(restored.planning.size).toEqual(planning.size);
    expect(restored.structures.filter((s) => s.name.startsWith('GTV_Mass'))).toHaveLength(3);
  });

  it('exports an RTSTRUCT that dciodvfy accepts and that reads back with the approval', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'delineo-export-'));
    const ct = expert.find((s) => s.name === 'GTV_Mass_CT')!;
    const approval = { reviewer: 'Dr A. Reviewer', approvedAt: '2026-12-04T20:00:00.000Z' };
    const r = await ok(svc.invoke('rtstruct:export', { studyId: study.studyId, structures: [{ structureId: ct.structureId, approval }], folder: out }));
    expect(r.structureCount).toBe(1);
    expect(path.dirname(r.path)).toBe(out);
    expect(await readdir(out)).toEqual([path.basename(r.path)]);
    const set = await readRtstruct(r.path);
    expect(set.rois.map((x) => x.name)).toEqual(['GTV_Mass_CT']);
    expect(set.rois[0].contours.length).toBeGreaterThan(3);
    const { stdout, stderr } = await promisify(execFile)('dciodvfy', [r.path]).catch((e) => e);
    const errors = `${stdout}${stderr}`.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toEqual([]);
  });

  it('cancels a request by its progress token at its first progress event', async () => {
    let cancelled: Promise<unknown> | null = null;
    const off = svc.on((event, payload) => {
      if (event === 'job:progress' && (payload as { jobId: string }).jobId === 'cancel-me' && !cancelled) {
        cancelled = svc.invoke('job:cancel', { jobId: 'cancel-me' });
      }
    });
    const r = await svc.invoke('study:open', { paths: [DEMO], progressToken: 'cancel-me' });
    off();
    expect(await cancelled).toEqual({ ok: true, value: { cancelled: true } });
    expect(r).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } });
  });

  it('runs auto-contouring as a job whose end is an event and a status (no shipped model: said so)', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'delineo-no-models-'));
    const local = new AppService({
      volumeUrlBase: 'test://volume/', dataDir: await mkdtemp(path.join(tmpdir(), 'delineo-svc-')), appInfo: INFO,
      pipeline: realPipeline({ modelsDir: empty }),
    });
    const done = new Promise<unknown>((resolve) => local.on((e, p) => { if (e === 'job:done') resolve(p); }));
    const opened = await ok(local.invoke('study:open', { paths: [DEMO] }));
    const { jobId } = await ok(local.invoke('segment:run', { studyId: opened.studies[0].studyId, device: 'cpu' }));
    const event = await done as { jobId: string; state: string; error: { code: string; message: string } };
    expect(event.jobId).toBe(jobId);
    expect(event.state).toBe('failed');
    expect(event.error.code).toBe('MODEL_NOT_FOUND');
    expect(event.error.message).toContain(empty);
    expect(await ok(local.invoke('job:status', { jobId }))).toEqual(event);
    expect(await local.invoke('job:status', { jobId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('says within the job that the inference process crashed, and the job fails with its reason', async () => {
    const real = realPipeline();
    // The real pipeline, except that segmentation meets a dead worker the way the InferenceHost reports it.
    const crashing = { ...real, segment: async () => { throw new PipelineError('MODEL_PROCESS', 'the inference process stopped (signal SIGKILL); it will be restarted on the next request'); } };
    const local = new AppService({ volumeUrlBase: 'test://volume/', dataDir: await mkdtemp(path.join(tmpdir(), 'delineo-svc-')), appInfo: INFO, pipeline: crashing });
    const statuses: unknown[] = [];
    const done = new Promise<unknown>((resolve) => local.on((e, p) => {
      if (e === 'inference:status') statuses.push(p);
      if (e === 'job:done') resolve(p);
    }));
    const opened = await ok(local.invoke('study:open', { paths: [DEMO] }));
    await ok(local.invoke('segment:run', { studyId: opened.studies[0].studyId }));
    expect(await done).toMatchObject({ state: 'failed', error: { code: 'MODEL_PROCESS' } });
    expect(statuses).toEqual([
      { state: 'busy', message: 'auto-contouring' },
      { state: 'crashed', message: 'the inference process stopped (signal SIGKILL); it will be restarted on the next request' },
    ]);
  });
});
