import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/paths.ts';
import type { ChannelNormalization } from '../inference/model-card.ts';
import { applyMap, normalizeChannel, percentile } from './channel.ts';

const PYTHON = path.join(REPO_ROOT, 'native-models/.venv/bin/python');

describe('normalizeChannel', () => {
  it('window: clip to [min, max] then (v − min)/(max − min)', () => {
    const v = Float32Array.of(-1000, -200, 50, 300, 2000);
    normalizeChannel(v, { method: 'window', min: -200, max: 300 });
    expect(Array.from(v)).toEqual([0, 0, 0.5, 1, 1]);
  });

  it('zscore-fixed: (v − mean)/std, no clip', () => {
    const v = Float32Array.of(0, 10, 20);
    normalizeChannel(v, { method: 'zscore-fixed', mean: 10, std: 5 });
    expect(Array.from(v)).toEqual([-2, 0, 2]);
  });

  it('zscore-foreground: population statistics of v > threshold, applied to every voxel', () => {
    // Foreground {2, 4, 6}: mean 4, population std √(8/3).
    const v = Float32Array.of(0, 0, 2, 4, 6);
    const m = normalizeChannel(v, { method: 'zscore-foreground', threshold: 0 });
    const s = Math.sqrt(8 / 3);
    expect(m.offset).toBeCloseTo(4, 12);
    expect(Array.from(v)).toEqual([-4 / s, -4 / s, -2 / s, 0, 2 / s].map((x) => expect.closeTo(x, 6)));
    expect(m.warning).toBeNull();
  });

  it('minmax-percentile: numpy linear percentiles over all voxels, clip, scale to [0, 1]', () => {
    const v = Float32Array.from({ length: 10 }, (_, i) => i + 1); // 1..10
    expect(percentile(v, 25)).toBeCloseTo(3.25, 12); // numpy.percentile(1..10, 25)
    expect(percentile(v, 90)).toBeCloseTo(9.1, 6);
    const m = normalizeChannel(v, { method: 'minmax-percentile', lower: 25, upper: 90 });
    expect(v[0]).toBe(0);
    expect(v[9]).toBe(1);
    expect(v[4]).toBeCloseTo((5 - 3.25) / (9.1 - 3.25), 6);
    expect(applyMap(m, 0)).toBe(0);
  });

  it('degenerate statistics fall back as the Python side does, with a warning', () => {
    const flat = new Float32Array(5).fill(7);
    const z = normalizeChannel(flat, { method: 'zscore-foreground', threshold: 0 });
    expect(Array.from(flat)).toEqual([0, 0, 0, 0, 0]);
    expect(z.warning).toMatch(/constant/);
    const empty = Float32Array.of(-1, -2, -3);
    const e = normalizeChannel(empty, { method: 'zscore-foreground', threshold: 0 });
    expect(e.warning).toMatch(/no voxel above 0: z-scored over all voxels/);
    expect(Array.from(empty)).toEqual([1, 0, -1].map((x) => expect.closeTo(x / Math.sqrt(2 / 3), 6)));
    const p = normalizeChannel(new Float32Array(4).fill(3), { method: 'minmax-percentile', lower: 1, upper: 99 });
    expect(p.warning).toMatch(/coincide/);
  });

  it.skipIf(!existsSync(PYTHON))('agrees with delineo_models.data.normalize on the same voxels (all four methods)', () => {
    const n = 4001;
    const values = Float32Array.from({ length: n }, (_, i) => Math.round(1000 * Math.sin(i * 0.37) * Math.cos(i * 0.011)) / 7 - 20);
    const specs: ChannelNormalization[] = [
      { method: 'window', min: -50, max: 80 },
      { method: 'zscore-fixed', mean: 3, std: 41 },
      { method: 'zscore-foreground', threshold: 10 },
      { method: 'minmax-percentile', lower: 0.5, upper: 99.5 },
    ];
    const script = `
import sys, json, numpy as np
sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, 'native-models'))})
from delineo_models.data.normalize import normalize
v = np.frombuffer(sys.stdin.buffer.read(), dtype='<f4')
specs = json.loads(sys.argv[1])
sys.stdout.buffer.write(b''.join(normalize(v, s).astype('<f4').tobytes() for s in specs))
`;
    const out = execFileSync(PYTHON, ['-c', script, JSON.stringify(specs)], { input: Buffer.from(values.buffer), maxBuffer: 1 << 24 });
    const py = new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
    specs.forEach((spec, s) => {
      const ts = Float32Array.from(values);
      normalizeChannel(ts, spec);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ts[i] - py[s * n + i]));
      expect(worst, spec.method).toBeLessThan(1e-5);
    });
  });
});
