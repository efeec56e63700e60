/**
 * The model session through the real ONNX Runtime worker process, with the tiny fixture
 * models (test/fixtures/models, made by make_tiny_model.py).
 */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/paths.ts';
import { InferenceHost } from './inference-host.ts';
import { openModel, sha256File } from './model-session.ts';
import { readModelCard } from './read-model-card.ts';
import { slidingWindowPredict } from './sliding-window.ts';

const MODELS = path.join(REPO_ROOT, 'test/fixtures/models');
const host = new InferenceHost();
afterAll(() => host.dispose());

/** Copy a fixture model into a temp folder with its card edited (and optionally its bytes). */
async function variant(name: string, editCard: (c: any) => void, editBytes?: (b: Buffer) => Buffer, fixSha = false): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'model-'));
  const card = JSON.parse(await readFile(path.join(MODELS, `${name}.json`), 'utf8'));
  let bytes: Buffer = await readFile(path.join(MODELS, `${name}.onnx`));
  if (editBytes) bytes = editBytes(bytes);
  await writeFile(path.join(dir, `${name}.onnx`), bytes);
  if (fixSha) card.onnx.sha256 = await sha256File(path.join(dir, `${name}.onnx`));
  editCard(card);
  await writeFile(path.join(dir, `${name}.json`), JSON.stringify(card));
  return path.join(dir, `${name}.json`);
}

describe('openModel', () => {
  it('auto on this CPU machine: reports cpu as used and why the GPU provider was skipped', async () => {
    const m = await openModel(await readModelCard(path.join(MODELS, 'tiny-const.json')), { host, device: 'auto', threads: 1 });
    expect(m.provider).toBe('cpu');
    if (process.platform === 'linux') expect(m.fallbacks).toEqual([expect.stringMatching(/^cuda: .+/)]);
    expect(m.batchSize).toBe(2); // symbolic batch dimension → the option's default
    expect(m.threads).toBe(1);
  });

  it('an explicit GPU that is absent is an error naming the provider, never a CPU run', async () => {
    if (process.platform !== 'linux') return;
    const loaded = await readModelCard(path.join(MODELS, 'tiny-const.json'));
    await expect(openModel(loaded, { host, device: 'cuda' })).rejects.toThrow(/tiny-const\.onnx: cannot open the model \(cuda: /);
    await expect(openModel(loaded, { host, device: 'coreml' })).rejects.toThrow("device 'coreml' does not exist on linux");
  });

  it('a constant model through the sliding window gives the constant on every voxel', async () => {
    const m = await openModel(await readModelCard(path.join(MODELS, 'tiny-const.json')), { host, device: 'cpu' });
    const size: [number, number, number] = [45, 40, 21];
    const n = size[0] * size[1] * size[2];
    const ch = () => Float32Array.from({ length: n }, (_, v) => Math.sin(v));
    const [a, b] = await slidingWindowPredict({ channels: [ch(), ch()], size, padValues: [0, 0] }, { ...m, patchSize: m.card.patchSize, predict: m.predict }, m.card.overlap);
    expect(Math.min(...a)).toBeCloseTo(0.8, 5);
    expect(Math.max(...a)).toBeCloseTo(0.8, 5);
    expect(Math.min(...b)).toBeCloseTo(0.4, 5);
    expect(Math.max(...b)).toBeCloseTo(0.4, 5);
  });

  it('refuses a corrupt file by its sha256 before ONNX Runtime sees it', async () => {
    const card = await variant('tiny-const', () => {}, (b) => { const c = Buffer.from(b); c[c.length - 10] ^= 0xff; return c; });
    const err = await openModel(await readModelCard(card), { host }).catch((e) => e);
    expect(err.code).toBe('MODEL_CORRUPT');
    expect(err.message).toMatch(/tiny-const\.onnx: file does not match its card \(sha256 [0-9a-f]{12}…, card says [0-9a-f]{12}…\): corrupt or replaced$/);
  });

  it('refuses a truncated file whose card was re-hashed, with ONNX Runtime\'s reason in one line', async () => {
    const card = await variant('tiny-const', () => {}, (b) => b.subarray(0, 200), true);
    const err = await openModel(await readModelCard(card), { host, device: 'cpu' }).catch((e) => e);
    expect(err.code).toBe('MODEL_LOAD');
    expect(err.message).toMatch(/tiny-const\.onnx: cannot open the model \(cpu: .+\)$/);
    expect(err.message).not.toContain('\n');
  });

  const mismatches: [string, (c: any) => void, RegExp][] = [
    ['the input name', (c) => { c.inputName = 'images'; }, /graph disagrees with its card: input is 'image', the card says 'images'/],
    ['the channel count', (c) => { c.inputs.push({ ...c.inputs[1], modality: 'MR' }); }, /input 'image' has 2 channels, the card lists 3/],
    ['an output name', (c) => { c.outputs[1].name = 'prob_c'; }, /no output 'prob_c' \(graph outputs: prob_a, prob_b\)/],
  ];
  for (const [what, edit, message] of mismatches) {
    it(`refuses a card that disagrees with the graph on ${what}`, async () => {
      const card = await variant('tiny-const', edit);
      const err = await openModel(await readModelCard(card), { host, device: 'cpu' }).catch((e) => e);
      expect(err.code).toBe('MODEL_GRAPH');
      expect(err.message).toMatch(message);
    });
  }
});

describe('the inference process', () => {
  // A window that keeps the tiny model busy for ~0.4–0.9 s (small: ~15 ms), so that the
  // watchdog's 120 ms below separates the two even on a loaded 2-core machine.
  const s = 160;
  const big = Float32Array.from({ length: 2 * s ** 3 }, (_, v) => (v % 11) / 11);
  const small = Float32Array.from({ length: 2 * 16 * 32 * 32 }, (_, v) => (v % 7) / 7);

  it('killed mid-run: the caller gets a clear error within the call, the next call restarts it and works', async () => {
    const own = new InferenceHost();
    try {
      const loaded = await readModelCard(path.join(MODELS, 'tiny-conv.json'));
      const m = await openModel(loaded, { host: own, device: 'cpu' });
      const before = await m.predict(small, 1);
      const firstPid = own.workerPid!;
      const key = `tiny-conv@0.0.1#${loaded.card.onnx.sha256.slice(0, 16)}`;
      const running = own.run({ key, inputName: 'image', dims: [1, 2, s, s, s], data: big, outputNames: ['prob_a'] });
      setTimeout(() => process.kill(firstPid, 'SIGKILL'), 20);
      const err = await running.catch((e) => e);
      expect(err.code).toBe('MODEL_PROCESS');
      expect(err.message).toMatch(/^the inference process stopped \(signal SIGKILL\); it will be restarted on the next request$/);
      const after = await m.predict(small, 1);
      expect(own.workerPid).not.toBe(firstPid);
      expect(Array.from(after[0])).toEqual(Array.from(before[0]));
    } finally {
      own.dispose();
    }
  });

  it('the watchdog stops a worker that does not answer in time, and the next call works', async () => {
    const own = new InferenceHost({ runTimeoutMs: 120 });
    try {
      const loaded = await readModelCard(path.join(MODELS, 'tiny-conv.json'));
      const m = await openModel(loaded, { host: own, device: 'cpu' });
      const key = `tiny-conv@0.0.1#${loaded.card.onnx.sha256.slice(0, 16)}`;
      const err = await own.run({ key, inputName: 'image', dims: [1, 2, s, s, s], data: big, outputNames: ['prob_a'] }).catch((e) => e);
      expect(err.code).toBe('MODEL_TIMEOUT');
      expect(err.message).toBe('the inference process did not answer within 120 ms; it was stopped and will be restarted on the next request');
      const [a] = await m.predict(small, 1);
      expect(a.length).toBe(16 * 32 * 32);
    } finally {
      own.dispose();
    }
  });

  it('a cancelled run rejects at once with the abort reason', async () => {
    const own = new InferenceHost();
    try {
      const loaded = await readModelCard(path.join(MODELS, 'tiny-conv.json'));
      await openModel(loaded, { host: own, device: 'cpu' });
      const key = `tiny-conv@0.0.1#${loaded.card.onnx.sha256.slice(0, 16)}`;
      const request = { key, inputName: 'image', dims: [1, 2, s, s, s], data: big, outputNames: ['prob_a'] };
      // "At once" relative to a whole run on this machine now, so that a loaded machine slows both.
      const w0 = performance.now();
      await own.run(request);
      const whole = performance.now() - w0;
      const controller = new AbortController();
      const running = own.run(request, controller.signal);
      const t0 = performance.now();
      setTimeout(() => controller.abort(new DOMException('cancelled by the user', 'AbortError')), 10);
      await expect(running).rejects.toThrow('cancelled by the user');
      expect(performance.now() - t0).toBeLessThan(whole / 2);
    } finally {
      own.dispose();
    }
  });
});
