import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/paths.ts';
import { parseModelCard, readModelCard } from './read-model-card.ts';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/models/tiny-const.json');

async function fixtureJson(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(FIXTURE, 'utf8'));
}

describe('readModelCard', () => {
  it('reads a valid card and resolves the ONNX file beside it', async () => {
    const { card, onnxPath, cardPath } = await readModelCard(FIXTURE);
    expect(card.name).toBe('tiny-const');
    expect(card.inputs.map((i) => i.modality)).toEqual(['CT', 'PT']);
    expect(card.inputs[0].normalization).toEqual({ method: 'window', min: -200, max: 300 });
    expect(card.patchSize).toEqual([32, 32, 16]);
    expect(onnxPath).toBe(path.join(REPO_ROOT, 'test/fixtures/models/tiny-const.onnx'));
    expect(cardPath).toBe(FIXTURE);
    expect(card.fillHoles).toBe(false); // absent in cards written before the field existed
  });

  it('reads fillHoles when the card sets it', async () => {
    const c = await fixtureJson();
    c.fillHoles = true;
    expect(parseModelCard(c, '/m/card.json').fillHoles).toBe(true);
  });

  it('names the file when it is missing or not JSON', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'card-'));
    await expect(readModelCard(path.join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: model card not found/);
    await writeFile(path.join(dir, 'bad.json'), '{"schemaVersion": 1,');
    await expect(readModelCard(path.join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: model card is not valid JSON/);
  });

  const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
    ['a newer schema', (c) => { c.schemaVersion = 2; }, /'schemaVersion' is 2; this build reads schema 1/],
    ['a missing name', (c) => { delete c.name; }, /'name' must be a non-empty string/],
    ['a bad sha256', (c) => { c.onnx.sha256 = 'abc'; }, /'onnx.sha256' must be 64 lowercase hex digits/],
    ['an ONNX path leaving the folder', (c) => { c.onnx.file = '../x.onnx'; }, /'onnx.file' must be a file name beside the card/],
    ['no inputs', (c) => { c.inputs = []; }, /'inputs' must be a non-empty array/],
    ['an unknown normalisation', (c) => { c.inputs[1].normalization = { method: 'magic' }; }, /'inputs\[1\]\.normalization\.method' must be 'window'/],
    ['an empty window', (c) => { c.inputs[0].normalization.max = -200; }, /'inputs\[0\]\.normalization' needs max > min/],
    ['a zero std', (c) => { c.inputs[0].normalization = { method: 'zscore-fixed', mean: 0, std: 0 }; }, /std' must be positive/],
    ['bad percentiles', (c) => { c.inputs[0].normalization = { method: 'minmax-percentile', lower: 99, upper: 1 }; }, /needs 0 ≤ lower < upper ≤ 100/],
    ['duplicate outputs', (c) => { c.outputs[1].name = c.outputs[0].name; }, /'outputs' has duplicate names/],
    ['an unknown combine', (c) => { c.combine = 'max'; }, /'combine' must be 'mean' or 'first'/],
    ['a fractional patch', (c) => { c.patchSize = [32, 32.5, 16]; }, /'patchSize' must be whole voxels/],
    ['overlap 1', (c) => { c.overlap = 1; }, /'overlap' must be in \[0, 1\)/],
    ['fillHoles that is not a boolean', (c) => { c.fillHoles = 'yes'; }, /'fillHoles' must be true or false/],
    ['a threshold of 0', (c) => { c.threshold = 0; }, /'threshold' must be in \(0, 1\)/],
    ['a negative spacing', (c) => { c.targetSpacing = [1, -1, 1]; }, /'targetSpacing' must be positive/],
    ['a colour out of range', (c) => { c.structure.color = [0, 0, 256]; }, /'structure.color' must be 3 integers 0–255/],
    ['a metric that is an object', (c) => { c.metrics = { dice: {} }; }, /'metrics.dice' must be a number or a string/],
    ['missing training cases', (c) => { delete c.training.cases; }, /'training.cases' must be an object/],
  ];
  for (const [what, edit, message] of cases) {
    it(`refuses ${what} with the field named`, async () => {
      const c = await fixtureJson();
      edit(c);
      expect(() => parseModelCard(c, '/m/card.json')).toThrow(message);
      expect(() => parseModelCard(c, '/m/card.json')).toThrow(/^\/m\/card\.json: model card field/);
    });
  }
});
