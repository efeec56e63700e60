import { describe, expect, it } from 'vitest';
import { gaussianImportance, slidingWindowPredict, windowStarts, type WindowPredictor } from './sliding-window.ts';

/** A predictor computed in this process: out[k] = f_k(channel values) per voxel. */
function pointwise(patch: [number, number, number], batchSize: number, fs: ((c: number[]) => number)[], log: number[] = []): WindowPredictor {
  const pvox = patch[0] * patch[1] * patch[2];
  return {
    patchSize: patch,
    batchSize,
    async predict(data, n) {
      log.push(n);
      const C = data.length / (n * pvox);
      return fs.map((f) => {
        const out = new Float32Array(n * pvox);
        for (let b = 0; b < n; b++) for (let v = 0; v < pvox; v++) {
          out[b * pvox + v] = f(Array.from({ length: C }, (_, c) => data[(b * C + c) * pvox + v]));
        }
        return out;
      });
    },
  };
}

describe('windowStarts', () => {
  it('covers the axis evenly from 0 to n − patch with at least the overlap', () => {
    // nnU-Net's rule: ceil((100 − 32) / 16) + 1 = 6 windows, step 68/5 = 13.6 rounded.
    expect(windowStarts(100, 32, 0.5)).toEqual([0, 14, 27, 41, 54, 68]);
    expect(windowStarts(64, 32, 0)).toEqual([0, 32]);
    expect(windowStarts(65, 32, 0)).toEqual([0, 17, 33]);
    expect(windowStarts(32, 32, 0.5)).toEqual([0]);
    for (const [n, p, o] of [[100, 32, 0.5], [77, 16, 0.25], [300, 96, 0.5]]) {
      const s = windowStarts(n, p, o);
      expect(s[0]).toBe(0);
      expect(s.at(-1)).toBe(n - p);
      for (let i = 1; i < s.length; i++) expect(s[i] - s[i - 1]).toBeLessThanOrEqual(p * (1 - o) + 0.5);
    }
  });

  it('centres one window on an axis shorter than the patch', () => {
    expect(windowStarts(10, 16, 0.5)).toEqual([-3]);
    expect(windowStarts(11, 16, 0.5)).toEqual([-2]);
  });
});

describe('gaussianImportance', () => {
  it('is 1 at the centre, symmetric, exp(−1/2) one σ = patch/8 away', () => {
    const p: [number, number, number] = [17, 9, 33];
    const g = gaussianImportance(p);
    const at = (x: number, y: number, z: number) => g[x + 17 * (y + 9 * z)];
    expect(at(8, 4, 16)).toBe(1);
    expect(Math.max(...g)).toBe(1);
    expect(at(0, 0, 0)).toBeCloseTo(at(16, 8, 32), 7);
    expect(at(3, 4, 16)).toBeCloseTo(at(13, 4, 16), 7);
    // Along x, σ = 17/8 voxels; along z 33/8.
    expect(at(10, 4, 16)).toBeCloseTo(Math.exp(-(2 ** 2) / (2 * (17 / 8) ** 2)), 6);
    expect(at(8, 4, 20)).toBeCloseTo(Math.exp(-(4 ** 2) / (2 * (33 / 8) ** 2)), 6);
    expect(Math.min(...g)).toBeGreaterThan(0);
  });

  it('keeps even patches symmetric about (p − 1)/2', () => {
    const g = gaussianImportance([4, 1, 1]);
    expect(g[0]).toBeCloseTo(g[3], 7);
    expect(g[1]).toBeCloseTo(g[2], 7);
    expect(g[1]).toBeCloseTo(Math.exp(-(0.5 ** 2) / (2 * 0.5 ** 2)), 6);
  });
});

describe('slidingWindowPredict', () => {
  const size: [number, number, number] = [37, 29, 11];
  const n = size[0] * size[1] * size[2];
  const ramp = Float32Array.from({ length: n }, (_, v) => (v % 97) / 97);
  const ramp2 = Float32Array.from({ length: n }, (_, v) => ((v * 7) % 53) / 53);

  it('gives back the constant of a constant model everywhere, edges and padded windows included', async () => {
    const model = pointwise([16, 16, 8], 3, [() => 0.8, () => 0.4]);
    const [a, b] = await slidingWindowPredict({ channels: [ramp], size, padValues: [0] }, model, 0.5);
    expect(a.length).toBe(n);
    for (let v = 0; v < n; v++) {
      expect(a[v]).toBeCloseTo(0.8, 5);
      expect(b[v]).toBeCloseTo(0.4, 5);
    }
  });

  it('reproduces a voxel-wise model exactly: weights cancel, each voxel sees its own channels', async () => {
    const f = (c: number[]) => 0.3 * c[0] + 0.7 * c[1];
    const model = pointwise([16, 12, 8], 2, [f]);
    const [p] = await slidingWindowPredict({ channels: [ramp, ramp2], size, padValues: [0, 0] }, model, 0.25);
    for (let v = 0; v < n; v += 13) expect(p[v]).toBeCloseTo(f([ramp[v], ramp2[v]]), 5);
  });

  it('feeds the pad value where a window leaves a volume smaller than the patch', async () => {
    // Pad is −5 in channel 0: a model answering 1 for pad voxels and 0 otherwise must give 0 inside.
    const small: [number, number, number] = [5, 4, 3];
    const model = pointwise([8, 8, 8], 1, [(c) => (c[0] === -5 ? 1 : 0)]);
    const log: number[] = [];
    const seen: number[] = [];
    const spy: typeof model = { ...model, predict: async (d, k) => { log.push(k); seen.push(d.filter((x) => x === -5).length); return model.predict(d, k); } };
    const [p] = await slidingWindowPredict({ channels: [new Float32Array(60)], size: small, padValues: [-5] }, spy, 0.5);
    expect(Array.from(p)).toEqual(new Array(60).fill(0));
    expect(log).toEqual([1]);
    expect(seen).toEqual([8 * 8 * 8 - 60]);
  });

  it('batches windows, reports progress in windows and stops when aborted', async () => {
    const log: number[] = [];
    const model = pointwise([16, 16, 8], 4, [() => 0.5], log);
    const progress: number[] = [];
    await slidingWindowPredict({ channels: [ramp], size, padValues: [0] }, model, 0.5, { onProgress: (p) => progress.push(p.done) });
    // x: 37 → 4 starts, y: 29 → 3, z: 11 → 2 → 24 windows in batches of 4.
    expect(log).toEqual([4, 4, 4, 4, 4, 4]);
    expect(progress).toEqual([0, 4, 8, 12, 16, 20, 24]);

    const controller = new AbortController();
    const stopping: WindowPredictor = {
      ...model,
      predict: async (d, k) => {
        controller.abort(new DOMException('stop', 'AbortError'));
        return model.predict(d, k);
      },
    };
    await expect(slidingWindowPredict({ channels: [ramp], size, padValues: [0] }, stopping, 0.5, { signal: controller.signal })).rejects.toThrow('stop');
  });
});
