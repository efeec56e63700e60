/**
 * The app's `segment` and native-models' evaluation (`CardPredictor`, which real.md's figures
 * come from) must apply a card the same way, or the reported Dice is not the Dice a user
 * gets. Both run the same card on the same unseen phantom; their masks must agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dice, runSegmentStudy } from '../electron/pipeline/segment/index.ts';
import { REPO_ROOT } from './paths.ts';

const PYTHON = path.join(REPO_ROOT, 'native-models/.venv/bin/python');
const HAVE = existsSync(PYTHON) && existsSync(path.join(REPO_ROOT, 'native-models/delineo_models/eval/card_predictor.py'));

describe.skipIf(!HAVE)('app segment ↔ native-models CardPredictor', () => {
  it('give the same mask on an unseen PET/CT phantom (Dice ≥ 0.98)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parity-'));
    const card = path.join(REPO_ROOT, 'test/fixtures/models/tiny-pointwise.json');
    const script = `
import sys
sys.path.insert(0, sys.argv[1])
from delineo_models.data.phantom import make_phantom_dataset
from delineo_models.eval.predictors import load_cases
from delineo_models.eval.card_predictor import CardPredictor
make_phantom_dataset(sys.argv[2], 1, ("CT", "PT"), labelled_fraction=1.0, seed=4242)
case = load_cases(sys.argv[2])[0]
mask = CardPredictor(sys.argv[3]).predict(case)["combined"]
sys.stdout.buffer.write(mask.astype("uint8").tobytes())
`;
    const py = execFileSync(PYTHON, ['-c', script, path.join(REPO_ROOT, 'native-models'), dir, card], { maxBuffer: 1 << 26 });
    const c = path.join(dir, 'phantom_0000');
    const r = await runSegmentStudy({ paths: [], inputs: { CT: path.join(c, 'CT.nii.gz'), PT: path.join(c, 'PT.nii.gz') }, modelCard: card });
    expect(py.length).toBe(r.mask.data.length);
    const theirs = new Uint8Array(py.buffer, py.byteOffset, py.byteLength);
    const n = theirs.reduce((a, b) => a + b, 0);
    expect(n).toBeGreaterThan(100);
    // Measured 0.994: the app crops to the body and centres its resampled grid on the crop,
    // CardPredictor keeps the whole field of view with the first voxel face aligned.
    expect(dice(r.mask.data, theirs)).toBeGreaterThanOrEqual(0.98);
  });
});
