import { describe, expect, it } from 'vitest';
import { paintDab, paintLine } from './brush.ts';
import { fillBetweenSlices, signedDistance } from './interpolate.ts';
import { dice, voxelIndex, type MaskGrid } from './mask-grid.ts';
import { applyEdit, EditRecorder, UndoStack } from './undo.ts';

function grid(nx: number, ny: number, nz: number, spacing: [number, number, number] = [1, 1, 1]): MaskGrid {
  return { data: new Uint8Array(nx * ny * nz), size: [nx, ny, nz], spacing };
}
const count = (g: MaskGrid) => g.data.reduce((a, b) => a + b, 0);

describe('brush', () => {
  it('2D dab paints a disc of the radius in mm on one slice only', () => {
    const g = grid(21, 21, 5);
    const rec = new EditRecorder(g);
    const n = paintDab(g, rec, [10, 10, 2], { radiusMm: 3, value: 1, mode: '2d', axis: 2 });
    // Lattice points with x²+y² ≤ 9: 29.
    expect(n).toBe(29);
    expect(count(g)).toBe(29);
    expect(g.data[voxelIndex(g, 13, 10, 2)]).toBe(1);
    expect(g.data[voxelIndex(g, 13, 11, 2)]).toBe(0);
    expect(g.data[voxelIndex(g, 10, 10, 1)]).toBe(0);
  });

  it('respects anisotropic spacing (round in mm, not in voxels)', () => {
    const g = grid(21, 21, 21, [0.5, 1, 2]);
    paintDab(g, new EditRecorder(g), [10, 10, 10], { radiusMm: 2, value: 1, mode: '3d', axis: 2 });
    expect(g.data[voxelIndex(g, 14, 10, 10)]).toBe(1); // 4 × 0.5 mm = 2 mm
    expect(g.data[voxelIndex(g, 15, 10, 10)]).toBe(0);
    expect(g.data[voxelIndex(g, 10, 10, 11)]).toBe(1); // 2 mm
    expect(g.data[voxelIndex(g, 10, 10, 12)]).toBe(0); // 4 mm
  });

  it('2D brush on a sagittal view paints in the j–k plane', () => {
    const g = grid(9, 9, 9);
    paintDab(g, new EditRecorder(g), [4, 4, 4], { radiusMm: 1, value: 1, mode: '2d', axis: 0 });
    expect(count(g)).toBe(5);
    expect(g.data[voxelIndex(g, 4, 4, 5)]).toBe(1);
    expect(g.data[voxelIndex(g, 5, 4, 4)]).toBe(0);
  });

  it('a dab outside the grid changes nothing, the eraser clears', () => {
    const g = grid(9, 9, 3);
    expect(paintDab(g, new EditRecorder(g), [4, 4, 7], { radiusMm: 2, value: 1, mode: '2d', axis: 2 })).toBe(0);
    g.data.fill(1);
    paintDab(g, new EditRecorder(g), [0, 0, 1], { radiusMm: 1, value: 0, mode: '2d', axis: 2 });
    expect(count(g)).toBe(243 - 3); // (0,0), (1,0), (0,1)
  });

  it('a line stroke is continuous', () => {
    const g = grid(40, 10, 1);
    paintLine(g, new EditRecorder(g), [2, 5, 0], [37, 5, 0], { radiusMm: 1, value: 1, mode: '2d', axis: 2 });
    for (let i = 2; i <= 37; i++) expect(g.data[voxelIndex(g, i, 5, 0)]).toBe(1);
  });
});

describe('undo stack', () => {
  it('undo and redo restore exactly, a new edit clears redo', () => {
    const g = grid(11, 11, 1);
    const stack = new UndoStack();
    const r1 = new EditRecorder(g);
    paintDab(g, r1, [5, 5, 0], { radiusMm: 2, value: 1, mode: '2d', axis: 2 });
    stack.push(r1.finish('s', 'Brush')!);
    const afterFirst = g.data.slice();
    const r2 = new EditRecorder(g);
    paintDab(g, r2, [5, 5, 0], { radiusMm: 1, value: 0, mode: '2d', axis: 2 });
    stack.push(r2.finish('s', 'Eraser')!);
    expect(stack.undoLabel).toBe('Eraser');
    applyEdit(g.data, stack.undo()!, 'before');
    expect(g.data).toEqual(afterFirst);
    applyEdit(g.data, stack.undo()!, 'before');
    expect(count(g)).toBe(0);
    expect(stack.canUndo).toBe(false);
    applyEdit(g.data, stack.redo()!, 'after');
    expect(g.data).toEqual(afterFirst);
    const r3 = new EditRecorder(g);
    r3.set(0, 1);
    stack.push(r3.finish('s', 'Brush')!);
    expect(stack.canRedo).toBe(false);
  });

  it('a stroke that paints then erases the same voxel records nothing', () => {
    const g = grid(3, 3, 1);
    const r = new EditRecorder(g);
    r.set(4, 1);
    r.set(4, 0);
    expect(r.finish('s', 'x')).toBeNull();
  });

  it('stores only changed voxels', () => {
    const g = grid(512, 512, 48);
    const r = new EditRecorder(g);
    paintDab(g, r, [256, 256, 20], { radiusMm: 5, value: 1, mode: '2d', axis: 2 });
    const e = r.finish('s', 'Brush')!;
    expect(e.indices.length).toBe(count(g));
    expect(e.before.every((v) => v === 0)).toBe(true);
  });
});

describe('fill between slices', () => {
  it('morphs a small disc into a large one across the gap', () => {
    const g = grid(41, 41, 5);
    const rec = new EditRecorder(g);
    paintDab(g, rec, [20, 20, 0], { radiusMm: 4, value: 1, mode: '2d', axis: 2 });
    paintDab(g, rec, [20, 20, 4], { radiusMm: 12, value: 1, mode: '2d', axis: 2 });
    const before0 = g.data.slice(0, 41 * 41);
    const filled = fillBetweenSlices(g, new EditRecorder(g));
    expect(filled).toEqual([1, 2, 3]);
    const area = (k: number) => g.data.subarray(41 * 41 * k, 41 * 41 * (k + 1)).reduce((a, b) => a + b, 0);
    // Radii 6, 8, 10 mm: areas close to πr².
    expect(Math.abs(area(1) - Math.PI * 36) / (Math.PI * 36)).toBeLessThan(0.12);
    expect(Math.abs(area(2) - Math.PI * 64) / (Math.PI * 64)).toBeLessThan(0.1);
    expect(Math.abs(area(3) - Math.PI * 100) / (Math.PI * 100)).toBeLessThan(0.1);
    expect(area(1)).toBeLessThan(area(2));
    expect(g.data.slice(0, 41 * 41)).toEqual(before0);
  });

  it('moves a shape that shifts between slices and leaves gaps outside the drawn range alone', () => {
    const g = grid(40, 20, 7);
    const rec = new EditRecorder(g);
    paintDab(g, rec, [10, 10, 1], { radiusMm: 5, value: 1, mode: '2d', axis: 2 });
    paintDab(g, rec, [18, 10, 5], { radiusMm: 5, value: 1, mode: '2d', axis: 2 });
    fillBetweenSlices(g, new EditRecorder(g));
    // Half way the disc is centred at x = 14 and spans about 9…19.
    expect(g.data[voxelIndex(g, 14, 10, 3)]).toBe(1);
    expect(g.data[voxelIndex(g, 7, 10, 3)]).toBe(0);
    expect(g.data[voxelIndex(g, 21, 10, 3)]).toBe(0);
    expect(g.data[voxelIndex(g, 10, 10, 0)]).toBe(0);
    expect(g.data[voxelIndex(g, 18, 10, 6)]).toBe(0);
  });

  it('signed distance is negative inside and in mm', () => {
    const g = grid(11, 11, 1, [2, 2, 1]);
    paintDab(g, new EditRecorder(g), [5, 5, 0], { radiusMm: 4, value: 1, mode: '2d', axis: 2 });
    const d = signedDistance(g, 0);
    expect(d[voxelIndex(g, 5, 5, 0)]).toBeCloseTo(-2 * Math.sqrt(5), 5); // nearest outside pixel (7, 6): √5 px × 2 mm
    expect(d[voxelIndex(g, 0, 5, 0)]).toBeCloseTo(6, 5); // nearest inside pixel (3, 5)
  });
});

describe('dice', () => {
  it('is 1 for equal, 0 for disjoint, 2|A∩B|/(|A|+|B|) otherwise', () => {
    expect(dice(new Uint8Array([1, 1, 0]), new Uint8Array([1, 1, 0]))).toBe(1);
    expect(dice(new Uint8Array([1, 0]), new Uint8Array([0, 1]))).toBe(0);
    expect(dice(new Uint8Array([1, 1, 1, 0]), new Uint8Array([0, 1, 1, 1]))).toBeCloseTo(4 / 6);
  });
});
