import { describe, expect, it } from 'vitest';
import { affineFrom, identity4, transformPoint, type Mat4 } from './geometry.ts';
import { defaultPadValue, indexToIndexMatrix, resampleToGrid, resampleToMovingGrid } from './resample.ts';
import type { Volume, VolumeUnits, VoxelArray } from './volume.ts';

const AXES = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

function volume<T extends VoxelArray>(data: T, size: [number, number, number], affine: Mat4, units: VolumeUnits = 'HU'): Volume<T> {
  return { data, size, affine, frameOfReferenceUID: '1.2.3', modality: 'CT', units, sopInstanceUIDs: new Array(size[2]).fill(''), seriesInstanceUID: '9.8.7' };
}

/** A volume whose value is a linear function of the LPS position of each voxel centre. */
function linearField(size: [number, number, number], affine: Mat4, f: (p: number[]) => number): Volume {
  const data = new Float32Array(size[0] * size[1] * size[2]);
  let o = 0;
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) data[o++] = f(transformPoint(affine, [i, j, k]));
  return volume(data, size, affine);
}

function translation(t: number[]): Mat4 {
  const m = identity4();
  m[3] = t[0]; m[7] = t[1]; m[11] = t[2];
  return m;
}

describe('resampleToGrid', () => {
  const A = affineFrom([-10, 20, 5], AXES, [0.8, 0.8, 2.5]);
  const ct = volume(Int16Array.from({ length: 6 * 5 * 4 }, (_, n) => (n * 37) % 2000 - 1000), [6, 5, 4], A);

  it('copies bit for bit onto its own grid (identity transform)', () => {
    const lin = resampleToGrid(ct, ct);
    expect(lin.data).toBeInstanceOf(Float32Array);
    expect(Array.from(lin.data)).toEqual(Array.from(ct.data));
    const nn = resampleToGrid(ct, ct, identity4(), { interpolation: 'nearest' });
    expect(nn.data).toBeInstanceOf(Int16Array);
    expect(Buffer.from(nn.data.buffer).equals(Buffer.from(ct.data.buffer))).toBe(true);
    expect(Array.from(lin.affine)).toEqual(Array.from(A));
  });

  it('averages neighbours on a grid shifted by half a voxel along i', () => {
    const shifted = { size: [5, 5, 4] as const, affine: affineFrom([-10 + 0.4, 20, 5], AXES, [0.8, 0.8, 2.5]) };
    const out = resampleToGrid(ct, shifted);
    for (const [i, j, k] of [[0, 0, 0], [2, 3, 1], [4, 4, 3]]) {
      const a = ct.data[i + 6 * (j + 5 * k)], b = ct.data[i + 1 + 6 * (j + 5 * k)];
      expect(out.data[i + 5 * (j + 5 * k)]).toBeCloseTo((a + b) / 2, 4);
    }
  });

  it('takes the nearest voxel on a half-voxel shift, rounding ties up, with labels unmixed', () => {
    const mask = volume(Uint8Array.from({ length: 6 * 5 * 4 }, (_, n) => n % 6), [6, 5, 4], A, 'label');
    const shifted = { size: [6, 5, 4] as const, affine: affineFrom([-10 + 0.4, 20, 5], AXES, [0.8, 0.8, 2.5]) };
    const out = resampleToGrid(mask, shifted, identity4(), { interpolation: 'nearest' });
    expect(out.data).toBeInstanceOf(Uint8Array);
    // Output i sits at input i+0.5 → voxel i+1; the last one is beyond the extent → pad 0.
    expect(Array.from(out.data.subarray(0, 6))).toEqual([1, 2, 3, 4, 5, 0]);
  });

  it('reproduces a linear intensity field exactly on an oblique grid', () => {
    const f = (p: number[]) => 3 * p[0] - 2 * p[1] + 0.5 * p[2] + 7;
    const src = linearField([40, 40, 12], affineFrom([-16, -16, -15], AXES, [0.8, 0.8, 2.5]), f);
    const c = Math.cos(0.4), s = Math.sin(0.4);
    const oblique = affineFrom([-6, -5, -8], [[c, s, 0], [-s * 0.96, c * 0.96, 0.28], [0.0, -0.28, 0.96]], [1.1, 0.9, 1.7]);
    const grid = { size: [8, 8, 6] as const, affine: oblique };
    const out = resampleToGrid(src, grid);
    let o = 0;
    for (let k = 0; k < 6; k++) for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) {
      expect(out.data[o++]).toBeCloseTo(f(transformPoint(oblique, [i, j, k])), 2);
    }
  });

  it('applies the moving→fixed transform: a volume moved by +3 voxels reads back at −3', () => {
    const moveToFixed = translation([3 * 0.8, 0, 0]); // moving point x ends up at x + 2.4 mm in fixed space
    const out = resampleToGrid(ct, ct, moveToFixed, { interpolation: 'nearest' });
    // Fixed voxel i shows moving voxel i−3; the first three columns have nothing → −1024.
    expect(Array.from(out.data.subarray(0, 6))).toEqual([-1024, -1024, -1024, ct.data[0], ct.data[1], ct.data[2]]);
  });

  it('pads with the unit\'s "nothing" value outside the input, or a given one', () => {
    const far = { size: [2, 2, 2] as const, affine: affineFrom([500, 500, 500], AXES, [1, 1, 1]) };
    expect(Array.from(resampleToGrid(ct, far).data)).toEqual(new Array(8).fill(-1024));
    const pet = { ...ct, units: 'SUVbw' as const, modality: 'PT' };
    expect(Array.from(resampleToGrid(pet, far).data)).toEqual(new Array(8).fill(0));
    expect(Array.from(resampleToGrid(ct, far, identity4(), { interpolation: 'linear', padValue: -5 }).data)).toEqual(new Array(8).fill(-5));
    expect(defaultPadValue('raw')).toBe(0);
  });

  it('replicates the edge within half a voxel outside the outermost centres, pads beyond', () => {
    // Column centres at i = −0.4 (inside the half-voxel border) and −0.6 (outside).
    const g = (x0: number) => ({ size: [1, 1, 1] as const, affine: affineFrom([x0, 20, 5], AXES, [0.8, 0.8, 2.5]) });
    expect(resampleToGrid(ct, g(-10 - 0.32)).data[0]).toBe(ct.data[0]);
    expect(resampleToGrid(ct, g(-10 - 0.48)).data[0]).toBe(-1024);
  });

  it('brings a CT-grid mask onto a secondary grid and back unchanged (inverse direction)', () => {
    const mask = volume(new Uint8Array(6 * 5 * 4), [6, 5, 4], A, 'label');
    mask.data[2 + 6 * (2 + 5 * 1)] = 1;
    mask.data[3 + 6 * (2 + 5 * 1)] = 2;
    const movingToFixed = translation([-1.6, 0.8, 2.5]); // exactly (−2, +1, +1) voxels
    const secondaryGrid = { size: [6, 5, 4] as const, affine: A, frameOfReferenceUID: '4.5.6' };
    const onSecondary = resampleToMovingGrid(mask, secondaryGrid, movingToFixed, { interpolation: 'nearest' });
    expect(onSecondary.frameOfReferenceUID).toBe('4.5.6');
    // Fixed point p corresponds to moving point p − t: voxel (2,2,1) → (4,1,0).
    expect(onSecondary.data[4 + 6 * (1 + 5 * 0)]).toBe(1);
    expect(onSecondary.data[5 + 6 * (1 + 5 * 0)]).toBe(2);
    expect(Array.from(onSecondary.data).reduce((a, b) => a + b, 0)).toBe(3);
    const back = resampleToGrid(onSecondary, mask, movingToFixed, { interpolation: 'nearest' });
    expect(Array.from(back.data)).toEqual(Array.from(mask.data));
  });

  it('samples axial-on-axial grids row by row with the same values as voxel by voxel (PET onto a finer CT grid)', () => {
    // Coarse input, finer output grid that overhangs it on every side: interpolation, the
    // half-voxel edge border and padding all occur along x, y and z.
    const size: [number, number, number] = [7, 6, 5];
    const pet = volume(Float32Array.from({ length: 7 * 6 * 5 }, (_, n) => ((n * 7919) % 101) / 7), size, affineFrom([-12, -10, -8], AXES, [4, 4, 3.3]), 'SUVbw');
    const labels = volume(Uint8Array.from(pet.data, (v) => Math.round(v) % 5), size, pet.affine, 'label');
    const grid = { size: [37, 31, 19] as const, affine: affineFrom([-16.3, -14.1, -11.2], AXES, [0.9, 0.85, 1.1]) };
    const lin = resampleToGrid(pet, grid);
    const nn = resampleToGrid(labels, grid, identity4(), { interpolation: 'nearest' });
    const m = indexToIndexMatrix(pet, grid, identity4());
    const at = (v: Volume<VoxelArray>, i: number, j: number, k: number) => v.data[i + size[0] * (j + size[1] * k)];
    let o = 0, inside = 0, padded = 0;
    for (let k = 0; k < 19; k++) for (let j = 0; j < 31; j++) for (let i = 0; i < 37; i++, o++) {
      const p = transformPoint(m, [i, j, k]);
      if (p.some((c, a) => c < -0.5 || c >= size[a] - 0.5)) {
        expect([lin.data[o], nn.data[o]]).toEqual([0, 0]);
        padded++;
        continue;
      }
      // Reference trilinear value: clamp into the outermost centres, weights from the cell below.
      const c = p.map((v, a) => Math.min(Math.max(v, 0), size[a] - 1));
      const lo = c.map((v, a) => Math.min(Math.floor(v), size[a] - 2));
      const f = c.map((v, a) => v - lo[a]);
      let want = 0;
      for (const dz of [0, 1]) for (const dy of [0, 1]) for (const dx of [0, 1]) {
        want += (dx ? f[0] : 1 - f[0]) * (dy ? f[1] : 1 - f[1]) * (dz ? f[2] : 1 - f[2]) * at(pet, lo[0] + dx, lo[1] + dy, lo[2] + dz);
      }
      expect(lin.data[o]).toBeCloseTo(want, 4);
      expect(nn.data[o]).toBe(at(labels, ...(p.map((v) => Math.floor(v + 0.5)) as [number, number, number])));
      inside++;
    }
    expect(inside).toBeGreaterThan(5000);
    expect(padded).toBeGreaterThan(2000);
  });

  it('builds the index→index matrix once: output index → input index', () => {
    const B = affineFrom([-10 + 1.6, 20, 5], AXES, [1.6, 0.8, 2.5]); // 2× coarser in i, 2 voxels in
    const m = indexToIndexMatrix(ct, { size: [3, 5, 4], affine: B }, identity4());
    expect(transformPoint(m, [1, 2, 3]).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([4, 2, 3]);
  });
});
