/**
 * Structures shown in the renderer: the main process's summary plus the mask voxels being
 * edited here, visibility and approval. Mask arrays are raw (never proxied): a brush stroke
 * changes them in place and bumps `version` so views redraw.
 */
import type { Approval, StructureSummary } from '../../../electron/ipc/contract.ts';

/** One structure in the renderer. */
export class StructureView {
  summary = $state.raw<StructureSummary>(null as unknown as StructureSummary);
  visible = $state(true);
  approval = $state.raw<Approval | null>(null);
  /** Bumped after every in-place change of `mask`. */
  version = $state(0);
  /** True while edits are not yet saved to the main process. */
  dirty = $state(false);
  readonly mask: Uint8Array;

  constructor(summary: StructureSummary, mask: Uint8Array) {
    this.summary = summary;
    this.mask = mask;
  }

  get id(): string {
    return this.summary.structureId;
  }

  /** Voxels inside, counted here (the summary lags behind unsaved edits). */
  countVoxels(): number {
    let n = 0;
    for (let i = 0; i < this.mask.length; i++) n += this.mask[i];
    return n;
  }

  /** Volume in ml from the current voxels and the mask grid's spacing. */
  volumeMl(): number {
    const [sx, sy, sz] = this.summary.mask.spacing;
    void this.version;
    return (this.countVoxels() * sx * sy * sz) / 1000;
  }

  /** Called after an edit: approval no longer holds for a changed contour. */
  edited(): void {
    this.version++;
    this.dirty = true;
    this.approval = null;
  }
}
