import { describe, expect, it } from 'vitest';
import { affineFrom, identity4 } from './geometry.ts';
import { resampleToGrid } from './resample.ts';
import { resampleOffThread } from './resample-off-thread.ts';
import type { Volume } from './volume.ts';

const AXES = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

describe('resampleOffThread', () => {
  const pet: Volume = {
    data: Float32Array.from({ length: 20 * 18 * 16 }, (_, n) => ((n * 7919) % 97) / 9),
    size: [20, 18, 16], affine: affineFrom([-40, -36, -30], AXES, [4, 4, 3.5]),
    frameOfReferenceUID: '1.2', modality: 'PT', units: 'SUVbw', sopInstanceUIDs: new Array(16).fill(''), seriesInstanceUID: '3.4',
  };
  const c = Math.cos(0.2), s = Math.sin(0.2);
  const grid = { size: [64, 60, 24] as const, affine: affineFrom([-45, -40, -33], [[c, s, 0], [-s, c, 0], [0, 0, 1]], [1.3, 1.3, 2.5]), frameOfReferenceUID: '1.2' };

  it('gives on a worker thread exactly what the caller\'s thread gives, the input left usable', async () => {
    const here = resampleToGrid(pet, grid);
    const there = await resampleOffThread(pet, grid, identity4(), { interpolation: 'linear' }, undefined, 0);
    expect(there.data).toBeInstanceOf(Float32Array);
    expect(Buffer.from(there.data.buffer).equals(Buffer.from(here.data.buffer))).toBe(true);
    expect(there.size).toEqual(here.size);
    expect(Array.from(there.affine)).toEqual(Array.from(grid.affine));
    expect([there.units, there.modality, there.frameOfReferenceUID]).toEqual(['SUVbw', 'PT', '1.2']);
    expect(pet.data.length).toBe(20 * 18 * 16); // copied to the worker, not transferred away
    const labels = { ...pet, data: Uint8Array.from(pet.data, (v) => Math.round(v)), units: 'label' as const };
    const nn = await resampleOffThread(labels, grid, identity4(), { interpolation: 'nearest', padValue: 0 }, undefined, 0);
    expect(nn.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(nn.data)).toEqual(Array.from(resampleToGrid(labels, grid, identity4(), { interpolation: 'nearest', padValue: 0 }).data));
  });

  it('stops the worker and rejects with the reason when cancelled', async () => {
    const ac = new AbortController();
    const job = resampleOffThread(pet, grid, identity4(), { interpolation: 'linear' }, ac.signal, 0);
    ac.abort(new Error('cancelled by the user'));
    await expect(job).rejects.toThrow('cancelled by the user');
    await expect(resampleOffThread(pet, grid, identity4(), { interpolation: 'linear' }, ac.signal, 0)).rejects.toThrow('cancelled by the user');
  });
});
