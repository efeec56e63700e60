import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../inference/model-card.ts';
import { affineFrom, transformPoint, type Volume, type VoxelArray } from '../volume/index.ts';
import { prepareModelInput } from './prepare-input.ts';

const AXES = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

function vol(size: [number, number, number], origin: number[], spacing: number[], units: 'HU' | 'SUVbw', f: (p: number[]) => number): Volume<VoxelArray> {
  const affine = affineFrom(origin, AXES, spacing);
  const data = new Float32Array(size[0] * size[1] * size[2]);
  let v = 0;
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) data[v++] = f(transformPoint(affine, [i, j, k]));
  return { data, size, affine, frameOfReferenceUID: '1', modality: units === 'HU' ? 'CT' : 'PT', units, sopInstanceUIDs: new Array(size[2]).fill(''), seriesInstanceUID: '' };
}

const card = {
  inputs: [
    { modality: 'CT', label: 'CT', normalization: { method: 'window', min: -200, max: 300 }, padValue: -1024 },
    { modality: 'PT', label: 'FDG', normalization: { method: 'window', min: 0, max: 10 }, padValue: 0 },
  ],
  targetSpacing: [2, 2, 4],
} as unknown as ModelCard;

describe('prepareModelInput', () => {
  // A 40 mm body cube (50 HU) in air; PET = x-ramp in SUV on a coarser grid that covers only part of it.
  const ct = vol([100, 100, 30], [0, 0, 0], [1, 1, 2], 'HU', ([x, y, z]) => (x >= 30 && x < 70 && y >= 30 && y < 70 && z >= 20 && z < 40 ? 50 : -1000));
  const pet = vol([20, 20, 10], [20, 20, 10], [4, 4, 4], 'SUVbw', ([x]) => x / 10);

  it('crops to the body plus margin at the card spacing and normalises each channel per the card', () => {
    const p = prepareModelInput(ct, [{ volume: ct }, { volume: pet }], card, 10);
    // Body x/y: 30..69 → ±10 voxels → 20..79 (60 mm → 30 voxels at 2 mm); z slices 10..19 ± 5 → 5..24 (40 mm → 10 at 4 mm).
    expect(p.box).toEqual({ min: [20, 20, 5], max: [79, 79, 24] });
    expect(p.grid.size).toEqual([30, 30, 10]);
    const at = (c: number, i: number, j: number, k: number) => p.channels[c][i + 30 * (j + 30 * k)];
    // Centre of the crop is inside the body: (50 + 200) / 500 = 0.5.
    expect(at(0, 15, 15, 5)).toBeCloseTo(0.5, 5);
    expect(at(0, 0, 0, 0)).toBe(0); // air clipped to the window's floor
    // PET: x of voxel i is 19.5 + 1 + 2i mm → SUV x/10, window 0–10 → x/100.
    const x = transformPoint(p.grid.affine, [10, 15, 5])[0];
    expect(at(1, 10, 15, 5)).toBeCloseTo(x / 100, 2);
    expect(p.padValues).toEqual([0, 0]);
    expect(p.warnings).toEqual([]);
  });

  it('warns and keeps the whole field of view when there is no body', () => {
    const air = vol([10, 10, 4], [0, 0, 0], [2, 2, 4], 'HU', () => -1000);
    const p = prepareModelInput(air, [{ volume: air }, { volume: pet }], card);
    expect(p.grid.size).toEqual([10, 10, 4]);
    expect(p.warnings).toEqual(['no voxel above −500 HU on the planning CT: the whole field of view is segmented']);
  });
});
