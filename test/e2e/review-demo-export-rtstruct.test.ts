/**
 * User story: a physicist drops the demo study (real patient STS_002) on Delineo, waits for the
 * contours, scrolls, paints with the brush, undoes, approves and exports an RTSTRUCT — the real
 * renderer in Debian's Chromium against the real pipeline through the HTTP bridge. The export
 * is checked with dciodvfy and by reading it back. Screenshots of every step go to
 * test-artifacts/e2e/; the run prints time to first image, to contours, and scrolling FPS.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRtstruct, rasteriseRoi } from '../../electron/pipeline/rtstruct/index.ts';
import { startHarness, type Harness } from './harness.ts';

const run = promisify(execFile);

describe('drop the demo study, review, edit, approve, export', () => {
  let h: Harness;
  const figures: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    if (Object.keys(figures).length) process.stdout.write(`\n[e2e figures] ${Object.entries(figures).map(([k, v]) => `${k}: ${v}`).join(' · ')}\n`);
  });

  const milestones = () => h.page.evaluate(() => ({ ...(globalThis as any).__delineoSession.milestones }));
  const volumeOf = (name: string) => h.page.locator(`[data-structure="${name}"] [data-testid=volume]`).innerText().then((t) => parseFloat(t));

  it('shows the start screen with the research warning and the demo offer', async () => {
    await h.page.waitForSelector('[data-testid=open-demo]');
    expect(await h.page.title()).toContain('NOT FOR CLINICAL USE');
    expect(await h.page.locator('[data-testid=not-for-clinical-use]').innerText()).toContain('NOT FOR CLINICAL USE');
    await h.shot('00-start');
  });

  it('drop → first image → expert contours', async () => {
    // A real drop event carrying a File named like the demo folder; the bridge's pathForFile
    // stands in for Electron's webUtils and resolves it under the demo's parent folder.
    await h.page.evaluate(() => {
      const w = globalThis as any;
      const dt = new w.DataTransfer();
      dt.items.add(new w.File([], 'sts-002'));
      const zone = w.document.querySelector('[data-testid=drop-zone]');
      zone.dispatchEvent(new w.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new w.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    // The progress bar with its stage name, if the shot is quick enough to catch it.
    await h.shot('00b-opening');
    await h.page.waitForFunction(() => (globalThis as any).__delineoSession.milestones.firstImageMs !== null, null, { timeout: 60_000 });
    await h.page.waitForFunction(() => ((globalThis as any).__delineoRenders?.axial ?? 0) > 0, null, { timeout: 30_000 });
    await h.shot('01-first-image');
    // The three expert structure sets arrive one after another; contoursMs is set after the last.
    await h.page.waitForFunction(() => (globalThis as any).__delineoSession.milestones.contoursMs !== null, null, { timeout: 60_000 });
    const m = await milestones();
    figures['drop→first image'] = `${Math.round(m.firstImageMs)} ms`;
    figures['drop→contours shown'] = `${Math.round(m.contoursMs)} ms`;
    expect(await h.page.locator('[data-structure]').count()).toBe(3);
    expect(await volumeOf('GTV_Mass_CT')).toBeGreaterThan(10);
    // The model's outcome is always said in words: its contour and Dice, or why there is none.
    await h.page.waitForFunction(() => !['idle', 'running'].includes((globalThis as any).__delineoSession.segment.state), null, { timeout: 120_000 });
    expect(await h.page.locator('[data-testid=comparison] .status').innerText()).toMatch(/Model (not available|failed)|on (cpu|cuda|dml|coreml)/);
    await h.page.waitForTimeout(500);
    await h.shot('02-contours');
  });

  it('scrolls the axial view (slice and position follow) and measures FPS', async () => {
    const label = h.page.locator('[data-testid=slice-axial]');
    const before = await label.innerText();
    const host = h.page.locator('[data-view=axial] .canvas-host');
    await host.hover();
    for (let n = 0; n < 5; n++) await h.page.mouse.wheel(0, 100);
    await h.page.waitForTimeout(300);
    const after = await label.innerText();
    expect(after).not.toBe(before);
    const s0 = Number(/Axial (\d+)\//.exec(before)![1]);
    const s1 = Number(/Axial (\d+)\//.exec(after)![1]);
    expect(Math.abs(s1 - s0)).toBe(5);
    const z0 = Number(/z = (-?[\d.]+) mm/.exec(before)![1]);
    const z1 = Number(/z = (-?[\d.]+) mm/.exec(after)![1]);
    expect(Math.abs(z1 - z0)).toBeCloseTo(5 * 3.27, 0);
    await h.page.keyboard.press('ArrowUp');
    await h.page.waitForTimeout(200);
    expect(Math.abs(Number(/Axial (\d+)\//.exec(await label.innerText())![1]) - s1)).toBe(1);
    // One wheel step per animation frame for 3 s, back and forth; frames actually drawn / time.
    const fps = await h.page.evaluate(async () => {
      const w = globalThis as any;
      const el = w.document.querySelector('[data-view=axial] .canvas-host');
      const stats = w.__delineoRenders;
      const r0 = stats.axial;
      const t0 = performance.now();
      let n = 0;
      while (performance.now() - t0 < 3000) {
        el.dispatchEvent(new w.WheelEvent('wheel', { deltaY: Math.floor(n / 10) % 2 ? -100 : 100, bubbles: true, cancelable: true }));
        n++;
        await new Promise((r) => w.requestAnimationFrame(r));
      }
      return ((stats.axial - r0) * 1000) / (performance.now() - t0);
    });
    figures['axial scroll'] = `${fps.toFixed(1)} FPS`;
    expect(fps).toBeGreaterThan(1);
    // Back to the tumour: the first expert contour's slice is where the crosshair started.
    for (let n = 0; n < 5; n++) await h.page.mouse.wheel(0, -100);
    await h.page.waitForTimeout(300);
    await h.shot('03-scrolled');
  });

  it('window presets and right-drag change the window; Ctrl+wheel zooms; Shift+drag pans; double-click fits', async () => {
    const wl = () => h.page.locator('.toolbar label', { hasText: 'Window' }).innerText();
    await h.page.locator('.toolbar select').selectOption('Lung');
    expect(await wl()).toContain('W 1500 / L -600');
    const cor = (await h.page.locator('[data-view=coronal] .canvas-host').boundingBox())!;
    await h.page.mouse.move(cor.x + cor.width / 2, cor.y + cor.height / 2);
    await h.page.mouse.down({ button: 'right' });
    await h.page.mouse.move(cor.x + cor.width / 2 + 60, cor.y + cor.height / 2 + 30, { steps: 5 });
    await h.page.mouse.up({ button: 'right' });
    expect(await wl()).not.toContain('W 1500 / L -600');
    await h.page.locator('.toolbar select').selectOption('Soft tissue');

    // Back on the middle slice, through the tumour (the FPS loop may have left us elsewhere).
    const ax = (await h.page.locator('[data-view=axial] .canvas-host').boundingBox())!;
    await h.page.mouse.move(ax.x + ax.width / 2, ax.y + ax.height / 2);
    for (let guard = 0; guard < 60; guard++) {
      const slice = Number(/Axial (\d+)\//.exec(await h.page.locator('[data-testid=slice-axial]').innerText())![1]);
      if (slice === 25) break;
      await h.page.mouse.wheel(0, slice < 25 ? 100 : -100);
      await h.page.waitForTimeout(50);
    }
    const outline = h.page.locator('[data-view=axial] path.outline').first();
    const b0 = (await outline.boundingBox())!;
    expect(b0.width).toBeGreaterThan(50);
    await h.page.mouse.move(ax.x + ax.width / 2, ax.y + ax.height / 2);
    await h.page.keyboard.down('Control');
    for (let n = 0; n < 3; n++) await h.page.mouse.wheel(0, -100);
    await h.page.keyboard.up('Control');
    await h.page.waitForTimeout(300);
    const b1 = (await outline.boundingBox())!;
    expect(b1.width / b0.width).toBeCloseTo(1.1 ** 3, 1);
    await h.page.keyboard.down('Shift');
    await h.page.mouse.down();
    await h.page.mouse.move(ax.x + ax.width / 2 + 40, ax.y + ax.height / 2, { steps: 4 });
    await h.page.mouse.up();
    await h.page.keyboard.up('Shift');
    await h.page.waitForTimeout(300);
    const b2 = (await outline.boundingBox())!;
    expect(b2.x - b1.x).toBeCloseTo(40, -1);
    await h.shot('03b-zoomed-panned');
    await h.page.mouse.dblclick(ax.x + ax.width / 2, ax.y + ax.height / 2);
    await h.page.waitForTimeout(300);
    const b3 = (await outline.boundingBox())!;
    expect(b3.width).toBeCloseTo(b0.width, 0);
  });

  let volume0 = 0;
  it('paints with the brush, and undo restores the volume exactly', async () => {
    await h.page.locator('[data-structure="GTV_Mass_CT"] button.name').click();
    volume0 = await volumeOf('GTV_Mass_CT');
    await h.page.locator('[data-testid=tool-brush]').click();
    const box = (await h.page.locator('[data-view=axial] .canvas-host').boundingBox())!;
    const y = box.y + box.height * 0.3;
    await h.page.mouse.move(box.x + box.width * 0.3, y);
    await h.page.mouse.down();
    for (let n = 1; n <= 20; n++) await h.page.mouse.move(box.x + box.width * (0.3 + n * 0.015), y);
    await h.page.mouse.up();
    await h.page.waitForTimeout(300);
    const painted = await volumeOf('GTV_Mass_CT');
    expect(painted).toBeGreaterThan(volume0 + 0.5);
    await h.shot('04-painted');
    await h.page.keyboard.press('Control+Z');
    await h.page.waitForTimeout(300);
    expect(await volumeOf('GTV_Mass_CT')).toBe(volume0);
    await h.shot('05-undone');
    await h.page.keyboard.press('Control+Shift+Z');
    await h.page.waitForTimeout(300);
    expect(await volumeOf('GTV_Mass_CT')).toBe(painted);
  });

  it('approves as a named reviewer', async () => {
    await h.page.locator('[data-testid=reviewer]').fill('Dr E2E Reviewer');
    await h.page.locator('[data-structure="GTV_Mass_CT"] [data-testid=approve]').click();
    await h.page.waitForSelector('[data-structure="GTV_Mass_CT"] .approved');
    await h.shot('06-approved');
  });

  it('shows the structures as 3D surfaces on demand', async () => {
    await h.page.locator('[data-testid=toggle-3d]').click();
    await h.page.waitForFunction(() => /[1-9]\d{3,} triangles/.test((globalThis as any).document.querySelector('[data-testid=surface-info]')?.textContent ?? ''), null, { timeout: 30_000 });
    await h.page.waitForTimeout(500);
    await h.shot('06b-3d');
    await h.page.locator('[data-testid=toggle-3d]').click();
    await h.page.waitForSelector('[data-view=sagittal]');
  });

  it('exports to the chosen folder; dciodvfy accepts it and it reads back with the edit and the approval', async () => {
    await h.page.locator('[data-testid=export]').click();
    // Export the approved expert structure alone (the dialog preselects the model's proposal too).
    for (const box of await h.page.locator('[data-testid=export-dialog] label input').all()) await box.uncheck();
    await h.page.locator('[data-testid=export-dialog] label', { hasText: 'GTV_Mass_CT' }).locator('input').check();
    await h.page.locator('[data-testid=choose-folder]').click();
    await h.page.waitForFunction((dir) => (globalThis as any).document.querySelector('[data-testid=export-folder]')?.textContent === dir, h.exportDir);
    await h.shot('07-export-confirm');
    await h.page.locator('[data-testid=confirm-export]').click();
    const file = await h.page.locator('[data-testid=export-path]').innerText({ timeout: 60_000 });
    await h.shot('08-exported');
    expect(path.dirname(file)).toBe(h.exportDir);

    const v = await run('dciodvfy', [file]).then((r) => r.stdout + r.stderr, (e) => `${e.stdout}${e.stderr}`);
    const errors = v.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toEqual([]);

    const dump = (await run('dcmdump', ['+P', 'ApprovalStatus', '+P', 'ReviewerName', '+P', 'SeriesDescription', file])).stdout;
    expect(dump).toContain('[APPROVED]');
    expect(dump).toContain('Dr E2E Reviewer');
    expect(dump.toLowerCase()).toContain('not for clinical use');

    const set = await readRtstruct(file);
    expect(set.rois.map((r) => r.name)).toEqual(['GTV_Mass_CT']);
    // Read back onto the CT grid: the edited mask shown in the page, within contour tracing error.
    const edited = await h.page.evaluate(() => Array.from((globalThis as any).__delineoSession.structures
      .find((s: any) => s.summary.name === 'GTV_Mass_CT').mask as Uint8Array));
    const back = rasteriseRoi(set, set.rois[0], await ctGrid(), 1);
    let inter = 0; let a = 0; let b = 0;
    for (let n = 0; n < back.mask.data.length; n++) {
      const x = back.mask.data[n] ? 1 : 0;
      const y = edited[n] ? 1 : 0;
      inter += x & y; a += x; b += y;
    }
    const diceBack = (2 * inter) / (a + b);
    figures['export read-back Dice'] = diceBack.toFixed(3);
    expect(diceBack).toBeGreaterThan(0.95);
    expect(Math.abs((a - b) / b)).toBeLessThan(0.08);
    expect(h.problems.filter((p) => !p.includes('404'))).toEqual([]);
  });
});

/** The planning CT grid of the demo, read by the pipeline (independent of the page). */
async function ctGrid() {
  const { scanPaths } = await import('../../electron/pipeline/dicom/index.ts');
  const { gridOfSeries } = await import('../../electron/pipeline/rtstruct/index.ts');
  const { DEMO_DIR } = await import('./harness.ts');
  const scan = await scanPaths([path.join(DEMO_DIR, 'CT')]);
  const ct = scan.studies[0].series.find((s) => s.modality === 'CT')!;
  return gridOfSeries(ct);
}
