/**
 * What the three MPR views share: the crosshair position (LPS mm) that picks each view's
 * slice, and the window/level of the base image. A view changes these; the others follow.
 */
import type { ImageHandle, WindowPreset } from '../../../electron/ipc/contract.ts';
import { indexToWorld, type Vec3 } from '../viewport/view-geometry.ts';

/** Shared view state. */
export class ViewLink {
  cursor = $state<Vec3>([0, 0, 0]);
  width = $state(400);
  center = $state(40);
  presetName = $state('Soft tissue');

  /** Centre the crosshair in the image and take its first preset. */
  reset(h: ImageHandle): void {
    this.cursor = indexToWorld(h.affine, [(h.size[0] - 1) / 2, (h.size[1] - 1) / 2, Math.floor(h.size[2] / 2)]);
    const p = h.windowPresets[0];
    if (p) this.applyPreset(p);
  }

  applyPreset(p: WindowPreset): void {
    this.width = p.width;
    this.center = p.center;
    this.presetName = p.name;
  }

  /** Window/level drag: right = wider, down = higher level (the usual PACS feel). */
  drag(dx: number, dy: number, valueSpan: number): void {
    const k = Math.max(valueSpan, 1) / 1000;
    this.width = Math.max(1e-3, this.width + dx * k * 2);
    this.center = this.center + dy * k * 2;
    this.presetName = 'Custom';
  }
}

/** Frames drawn per view, for the e2e FPS figure (read by the test through the page). */
export const renderStats: Record<string, number> = ((globalThis as Record<string, unknown>).__delineoRenders ??= {}) as Record<string, number>;
