/**
 * The renderer's state and tools against the real service and pipeline, in process: the
 * DelineoApi here calls AppService.invoke directly and volume URLs resolve to its bytes — the
 * same contract the preload and the HTTP bridge implement, without a browser.
 */
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppService } from '../../../electron/app-service/app-service.ts';
import { appInfo } from '../../../electron/app-service/app-info.ts';
import type { DelineoApi } from '../../../electron/ipc/contract.ts';
import { ApiClient } from '../api/client.ts';
import { Editor } from './editor.svelte.ts';
import { Session } from './session.svelte.ts';

const DEMO = path.resolve(import.meta.dirname, '../../../demo/sts-002');

function inProcessClient(service: AppService): ApiClient {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  service.on((event, payload) => { for (const l of listeners.get(event) ?? []) l(payload); });
  const api: DelineoApi = {
    invoke: ((channel: string, request: unknown) => service.invoke(channel as never, request)) as DelineoApi['invoke'],
    on: ((event: string, listener: (p: unknown) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    }) as DelineoApi['on'],
    pathForFile: () => '',
  };
  const fetcher = (async (url: string) => {
    const bytes = service.volumes.bytes(String(url).replace('mem://volume/', ''));
    return bytes ? new Response(bytes.slice()) : new Response('gone', { status: 404 });
  }) as typeof fetch;
  return new ApiClient(api, fetcher);
}

const until = async (cond: () => boolean, ms = 30_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('Session + Editor on the demo study', () => {
  let session: Session;
  let editor: Editor;
  let service: AppService;

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'delineo-session-'));
    const out = await mkdtemp(path.join(tmpdir(), 'delineo-session-out-'));
    service = new AppService({
      volumeUrlBase: 'mem://volume/', dataDir, appInfo: appInfo('spec', DEMO), journalDelayMs: 50,
      dialogs: { openStudy: async () => [DEMO], chooseFolder: async () => out },
    });
    session = new Session(inProcessClient(service));
    editor = new Editor(session);
    await session.init();
  });

  it('opens the demo: planning CT, fusion PET, three expert GTVs, model state reported', async () => {
    expect(session.info?.demo?.licence).toBe('CC BY 3.0');
    await session.openDemo();
    expect(session.error).toBeNull();
    expect(session.phase).toBe('review');
    expect(session.planning?.handle.modality).toBe('CT');
    expect(session.planning?.values.length).toBe(session.planning!.handle.size.reduce((a, b) => a * b, 1));
    expect(session.structures.map((s) => s.summary.name).sort()).toEqual(['GTV_Mass_CT', 'GTV_Mass_MR_T1', 'GTV_Mass_PET']);
    expect(session.milestones.firstImageMs).toBeGreaterThan(0);
    expect(session.milestones.contoursMs).toBeGreaterThanOrEqual(session.milestones.firstImageMs!);
    await until(() => session.fusion !== null);
    expect(session.fusion?.handle.units).toBe('SUVbw');
    await until(() => session.segment.state !== 'running' && session.segment.state !== 'idle');
    // Whatever the model situation, it is said in words (no shipped model yet → unavailable).
    expect(['done', 'unavailable', 'failed']).toContain(session.segment.state);
    expect(session.segment.message.length).toBeGreaterThan(5);
  });

  it('paints, saves to main, undoes and redoes; approval is cleared by an edit', async () => {
    const gtv = session.structures.find((s) => s.summary.name === 'GTV_Mass_CT')!;
    session.activeId = gtv.id;
    const before = gtv.countVoxels();
    await session.approve(gtv, 'Dr Spec');
    expect(gtv.approval?.reviewer).toBe('Dr Spec');
    expect(session.reviewerName).toBe('Dr Spec');
    editor.tool = 'brush';
    editor.radiusMm = 4;
    expect(editor.beginStroke([10, 10, 5], 2)).toBe(true);
    editor.moveStroke([30, 10, 5]);
    editor.endStroke();
    const painted = gtv.countVoxels();
    expect(painted).toBeGreaterThan(before + 50);
    expect(gtv.approval).toBeNull();
    expect(editor.canUndo).toBe(true);
    await until(() => gtv.summary.voxels === painted, 5000);
    editor.undo();
    expect(gtv.countVoxels()).toBe(before);
    await until(() => gtv.summary.voxels === before, 5000);
    editor.redo();
    expect(gtv.countVoxels()).toBe(painted);
    expect(editor.canRedo).toBe(false);
  });

  it('a new structure filled between two drawn slices, approved and exported into the chosen folder', async () => {
    await session.newStructure('GTV_drawn');
    const drawn = session.active!;
    expect(drawn.summary.name).toBe('GTV_drawn');
    editor.tool = 'brush';
    editor.beginStroke([80, 70, 20], 2); editor.endStroke();
    editor.beginStroke([80, 70, 26], 2); editor.endStroke();
    const slices = (d: Uint8Array) => {
      const [nx, ny, nz] = drawn.summary.mask.size;
      const out: number[] = [];
      for (let k = 0; k < nz; k++) if (d.subarray(nx * ny * k, nx * ny * (k + 1)).some((v) => v)) out.push(k);
      return out;
    };
    expect(slices(drawn.mask)).toEqual([20, 26]);
    expect(editor.interpolate()).toBe(5);
    expect(slices(drawn.mask)).toEqual([20, 21, 22, 23, 24, 25, 26]);
    const folder = (await session.api.call('dialog:choose-folder', {})).path;
    await session.approve(drawn, 'Dr Spec');
    expect(await session.exportStructures([drawn.id], folder)).toBe(true);
    expect(path.dirname(session.lastExport!.path)).toBe(folder);
    expect((await stat(session.lastExport!.path)).size).toBeGreaterThan(1000);
    expect(session.lastExport!.seriesDescription).toMatch(/not for clinical use/);
  });
});
