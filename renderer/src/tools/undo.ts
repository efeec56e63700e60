/**
 * Undo/redo of mask edits with unlimited depth. An edit stores only the voxels it changed
 * (indices with their values before and after), so a brush stroke on a 12 MB mask costs
 * kilobytes, and undo restores exactly what was there.
 */
import type { MaskGrid } from './mask-grid.ts';

/** One undoable change of one structure's mask. */
export interface MaskEdit {
  readonly structureId: string;
  readonly label: string;
  readonly indices: Uint32Array;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

/**
 * Collects the voxels a stroke changes (first value seen is "before"), then turns them into
 * one MaskEdit. Voxels painted and then erased in the same stroke drop out.
 */
export class EditRecorder {
  readonly #before = new Map<number, number>();
  readonly #grid: MaskGrid;

  constructor(grid: MaskGrid) {
    this.#grid = grid;
  }

  /** Set voxel `index` to `value`, remembering its old value; true when it changed. */
  set(index: number, value: 0 | 1): boolean {
    const old = this.#grid.data[index];
    if (old === value) return false;
    if (!this.#before.has(index)) this.#before.set(index, old);
    this.#grid.data[index] = value;
    return true;
  }

  /** The recorded edit, or null when nothing ends up different. */
  finish(structureId: string, label: string): MaskEdit | null {
    const idx: number[] = [];
    for (const [i, b] of this.#before) if (this.#grid.data[i] !== b) idx.push(i);
    if (idx.length === 0) return null;
    idx.sort((a, b) => a - b);
    const indices = Uint32Array.from(idx);
    const before = new Uint8Array(idx.length);
    const after = new Uint8Array(idx.length);
    for (let n = 0; n < idx.length; n++) {
      before[n] = this.#before.get(idx[n])!;
      after[n] = this.#grid.data[idx[n]];
    }
    return { structureId, label, indices, before, after };
  }
}

/** Apply one side of an edit to a mask. */
export function applyEdit(mask: Uint8Array, edit: MaskEdit, side: 'before' | 'after'): void {
  const values = edit[side];
  for (let n = 0; n < edit.indices.length; n++) mask[edit.indices[n]] = values[n];
}

/** A linear history: push after each edit, undo/redo move through it. */
export class UndoStack {
  #done: MaskEdit[] = [];
  #undone: MaskEdit[] = [];

  /** Record a new edit; clears the redo side. */
  push(edit: MaskEdit): void {
    this.#done.push(edit);
    this.#undone = [];
  }

  /** The edit to revert (the caller applies its 'before'), or undefined. */
  undo(): MaskEdit | undefined {
    const e = this.#done.pop();
    if (e) this.#undone.push(e);
    return e;
  }

  /** The edit to re-apply (the caller applies its 'after'), or undefined. */
  redo(): MaskEdit | undefined {
    const e = this.#undone.pop();
    if (e) this.#done.push(e);
    return e;
  }

  get canUndo(): boolean {
    return this.#done.length > 0;
  }

  get canRedo(): boolean {
    return this.#undone.length > 0;
  }

  /** Label of the next undo ('' when none), for tooltips. */
  get undoLabel(): string {
    return this.#done.at(-1)?.label ?? '';
  }

  get redoLabel(): string {
    return this.#undone.at(-1)?.label ?? '';
  }

  /** Forget a structure's history (it was deleted or reloaded). */
  dropStructure(structureId: string): void {
    this.#done = this.#done.filter((e) => e.structureId !== structureId);
    this.#undone = this.#undone.filter((e) => e.structureId !== structureId);
  }
}
