/**
 * The model-card contract with native-models' exporter: a network of each shipped config,
 * exported and carded by native-models' own code (untrained, seeded), is accepted by the app
 * (card validation, sha256, graph-vs-card check) and runs through `segment` on the demo study.
 * A schema change on either side fails here before it reaches a shipped model.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InferenceHost, openModel, readModelCard } from '../electron/pipeline/inference/index.ts';
import { runSegmentStudy } from '../electron/pipeline/segment/index.ts';
import { REPO_ROOT } from './paths.ts';

const PYTHON = path.join(REPO_ROOT, 'native-models/.venv/bin/python');

/** Export an untrained network for a shipped config with native-models' exporter; returns the card path. */
function exportUntrained(config: string, dir: string): string {
  const script = `
import sys, pathlib, torch
sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, 'native-models'))})
from delineo_models.train.config import load_config, network_kwargs
from delineo_models.nets import build_network
from delineo_models.export.onnx_export import export_onnx
from delineo_models.export.model_card import build_model_card, write_model_card
cfg = load_config(sys.argv[1]); out = pathlib.Path(sys.argv[2])
torch.manual_seed(0)
net = build_network(cfg["network"]["name"], **network_kwargs(cfg)).eval()
onnx_path = out / (cfg["name"] + ".onnx")
export_onnx(net, onnx_path, tuple(int(v) for v in cfg["training"]["patch_size"]), 17,
            dynamic_spatial=cfg["network"]["name"] != "mim-cmfnet")
card = build_model_card(cfg, net, onnx_path, {"labelled": 1, "unlabelled": 1}, {"note": "untrained contract test"})
print(write_model_card(card, out / (cfg["name"] + ".json")))
`;
  return execFileSync(PYTHON, ['-c', script, path.join(REPO_ROOT, 'native-models/configs', config), dir], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
}

describe.skipIf(!existsSync(PYTHON) || !existsSync(path.join(REPO_ROOT, 'native-models/configs/pet-ct-gtv.yaml')))('native-models exporter ↔ app model card', () => {
  const host = new InferenceHost();
  afterAll(() => host.dispose());

  it('pet-ct-gtv (MIM-CMFNet, fixed patch): card accepted, graph agrees, segment runs on the demo study', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-'));
    const cardPath = exportUntrained('pet-ct-gtv.yaml', dir);
    const loaded = await readModelCard(cardPath);
    expect(loaded.card.inputs.map((i) => i.modality)).toEqual(['CT', 'PT']);
    const session = await openModel(loaded, { host, device: 'cpu' });
    expect(session.provider).toBe('cpu');
    const r = await runSegmentStudy({ paths: [path.join(REPO_ROOT, 'demo/sts-002')], modelCard: cardPath, host, outDir: path.join(dir, 'out') });
    expect(r.model.name).toBe('pet-ct-gtv');
    expect(r.mask.size).toEqual([161, 143, 48]);
    expect(r.outputs!.mask).toBe(path.join(dir, 'out', 'mask.nii.gz'));
    // MIM-CMFNet has one fused head: no branch disagreement, and the run says so.
    expect(r.uncertainty).toBeNull();
    expect(r.outputs!.uncertainty).toBeNull();
    expect(r.warnings).toContain("no uncertainty.nii.gz: the model 'pet-ct-gtv' has one output (fused), no branch pair to disagree");
    expect(r.timings.total).toBeLessThan(60);
  });

  it('ct-mr-gtv (dual-branch MMF, two heads): card accepted, graph agrees, disagreement map produced', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-'));
    const cardPath = exportUntrained('ct-mr-gtv.yaml', dir);
    const loaded = await readModelCard(cardPath);
    expect(loaded.card.outputs.map((o) => o.role)).toEqual(['branch-a', 'branch-b']);
    const r = await runSegmentStudy({ paths: [path.join(REPO_ROOT, 'demo/sts-002')], modelCard: cardPath, host, compareWithExpert: false });
    expect(r.uncertainty).not.toBeNull();
    expect(r.uncertainty!.size).toEqual([161, 143, 48]);
  });
});
