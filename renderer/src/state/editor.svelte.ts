/**
 * Editing tools state: which tool, brush radius and mode, the undo history, and the stroke
 * in progress. Edits change the active structure's mask in place; after each stroke the mask
 * is sent to main (debounced) so the journal has it within a second.
 */
import { paintLine, type BrushOptions } from '../tools/brush.ts';
import { fillBetweenSlices } from '../tools/interpolate.ts';
import type { Axis, MaskGrid } from '../tools/mask-grid.ts';
import { applyEdit, EditRecorder, UndoStack } from '../tools/undo.ts';
import type { Session } from './session.svelte.ts';
import type { StructureView } from './structures.svelte.ts';

/** The tools of the toolbar. */
export type Tool = 'crosshair' | 'brush' | 'eraser';

/** Keyboard shortcuts, shown in tooltips. */
export const SHORTCUTS = {
  crosshair: 'C', brush: 'B', eraser: 'E', brush3d: '3', undo: 'Ctrl+Z', redo: 'Ctrl+Shift+Z', interpolate: 'I',
  smaller: '[', larger: ']', nextSlice: '↑ or wheel', prevSlice: '↓ or wheel',
} as const;

const SAVE_DELAY_MS = 300;

/** Tools and history. */
export class Editor {
  tool = $state<Tool>('crosshair');
  radiusMm = $state(5);
  mode = $state<'2d' | '3d'>('2d');
  canUndo = $state(false);
  canRedo = $state(false);
  undoLabel = $state('');
  redoLabel = $state('');
  readonly #session: Session;
  readonly #history = new UndoStack();
  #stroke: { view: StructureView; rec: EditRecorder; last: [number, number, number]; axis: Axis; label: string } | null = null;
  readonly #saveTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(session: Session) {
    this.#session = session;
  }

  #grid(view: StructureView): MaskGrid {
    const h = view.summary.mask;
    return { data: view.mask, size: h.size, spacing: h.spacing };
  }

  #options(axis: Axis): BrushOptions {
    return { radiusMm: this.radiusMm, value: this.tool === 'eraser' ? 0 : 1, mode: this.mode, axis };
  }

  /** Start a brush/eraser stroke at a voxel index; false when there is nothing to edit. */
  beginStroke(ijk: [number, number, number], axis: Axis): boolean {
    const view = this.#session.active;
    if (!view || this.tool === 'crosshair') return false;
    if (!view.visible) view.visible = true;
    const rec = new EditRecorder(this.#grid(view));
    const label = this.tool === 'eraser' ? 'Eraser' : 'Brush';
    this.#stroke = { view, rec, last: ijk, axis, label };
    if (paintLine(this.#grid(view), rec, ijk, ijk, this.#options(axis)) > 0) view.version++;
    return true;
  }

  /** Continue the stroke to a new voxel index. */
  moveStroke(ijk: [number, number, number]): void {
    const s = this.#stroke;
    if (!s) return;
    if (paintLine(this.#grid(s.view), s.rec, s.last, ijk, this.#options(s.axis)) > 0) s.view.version++;
    s.last = ijk;
  }

  /** End the stroke: one undo step, and the mask goes to main shortly. */
  endStroke(): void {
    const s = this.#stroke;
    this.#stroke = null;
    if (!s) return;
    const edit = s.rec.finish(s.view.id, s.label);
    if (!edit) return;
    this.#history.push(edit);
    s.view.edited();
    this.#afterChange(s.view);
  }

  get stroking(): boolean {
    return this.#stroke !== null;
  }

  /** Fill the empty axial slices between drawn ones of the active structure. */
  interpolate(): number {
    const view = this.#session.active;
    if (!view) return 0;
    const rec = new EditRecorder(this.#grid(view));
    const filled = fillBetweenSlices(this.#grid(view), rec);
    const edit = rec.finish(view.id, 'Fill between slices');
    if (edit) {
      this.#history.push(edit);
      view.edited();
      this.#afterChange(view);
    }
    return filled.length;
  }

  undo(): void {
    this.#step(this.#history.undo(), 'before');
  }

  redo(): void {
    this.#step(this.#history.redo(), 'after');
  }

  #step(edit: ReturnType<UndoStack['undo']>, side: 'before' | 'after'): void {
    if (!edit) return;
    const view = this.#session.structures.find((s) => s.id === edit.structureId);
    if (!view) return;
    applyEdit(view.mask, edit, side);
    view.edited();
    this.#afterChange(view);
  }

  #afterChange(view: StructureView): void {
    this.canUndo = this.#history.canUndo;
    this.canRedo = this.#history.canRedo;
    this.undoLabel = this.#history.undoLabel;
    this.redoLabel = this.#history.redoLabel;
    clearTimeout(this.#saveTimers.get(view.id));
    this.#saveTimers.set(view.id, setTimeout(() => void this.#session.saveEdits(view), SAVE_DELAY_MS));
  }

  /** Bigger or smaller brush, 1–50 mm. */
  resize(factor: number): void {
    this.radiusMm = Math.max(1, Math.min(50, Math.round(this.radiusMm * factor * 2) / 2));
  }
}
