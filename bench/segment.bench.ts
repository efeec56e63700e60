/**
 * `npm run bench -- segment`: (1) `segment` end to end on the demo study, seconds by stage,
 * against the goal of 30 s for the whole study on this CPU; (2) ONNX Runtime (in its worker
 * process, as the pipeline runs it, transfer included) against PyTorch eager on the same
 * network, weights and input, against the goal of ≥ 1.5× faster.
 *
 * (1) uses the shipped default card (native-models/models/pet-ct-gtv.json) when it exists,
 * else the tiny fixture model (then the inference figure says little; the line says which).
 * (3) Dice and HD95 on PET/CT phantoms the model never saw (a seed no training config uses).
 * (2) builds the shipped PET/CT architecture from native-models' own code (MIM-CMFNet with the
 * config's channels, seeded weights — speed does not depend on the weights), exports it with
 * native-models' exporter, and times both on one batch at the config's patch size.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InferenceHost, physicalCoreCount } from '../electron/pipeline/inference/index.ts';
import { dice, hd95, runSegmentStudy } from '../electron/pipeline/segment/index.ts';
import { readNifti } from '../electron/pipeline/volume/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = path.join(ROOT, 'native-models/.venv/bin/python');
const say = (line: string) => process.stdout.write(line + '\n');

export default async function bench(): Promise<void> {
  await endToEnd();
  if (!existsSync(PYTHON)) {
    say('ORT vs PyTorch and unseen phantoms: skipped (native-models/.venv missing)');
    return;
  }
  await ortVersusTorch();
  await unseenPhantoms();
}

/**
 * Dice and HD95 on phantoms the model never saw: native-models' generator with a seed no
 * training config uses (the shipped configs use seed 0), segmented from NIfTI inputs.
 */
async function unseenPhantoms(): Promise<void> {
  const shipped = path.join(ROOT, 'native-models/models/pet-ct-gtv.json');
  const card = existsSync(shipped) ? shipped : path.join(ROOT, 'test/fixtures/models/tiny-pointwise.json');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-phantoms-'));
  const n = 3;
  try {
    const script = `import sys; sys.path.insert(0, sys.argv[1])
from delineo_models.data.phantom import make_phantom_dataset
make_phantom_dataset(sys.argv[2], ${n}, ("CT", "PT"), labelled_fraction=1.0, seed=9001)`;
    await promisify(execFile)(PYTHON, ['-c', script, path.join(ROOT, 'native-models'), dir]);
    say(`unseen PET/CT phantoms (native-models generator, seed 9001), model ${path.basename(card, '.json')}${card === shipped ? '' : ' (fixture: no shipped model yet)'}`);
    const host = new InferenceHost();
    try {
      for (let i = 0; i < n; i++) {
        const c = path.join(dir, `phantom_${String(i).padStart(4, '0')}`);
        const r = await runSegmentStudy({ paths: [], inputs: { CT: path.join(c, 'CT.nii.gz'), PT: path.join(c, 'PT.nii.gz') }, modelCard: card, host });
        const label = await readNifti(path.join(c, 'label.nii.gz'));
        const truth = Uint8Array.from(label.data, (v) => (v > 0 ? 1 : 0));
        const d = dice(r.mask.data, truth), h = hd95(r.mask.data, truth, r.mask.size, r.mask.affine);
        say(`  phantom_${String(i).padStart(4, '0')}: Dice ${d.toFixed(3)}, HD95 ${h === null ? 'n/a' : h.toFixed(1) + ' mm'}, ${r.structures[0].volumeMl.toFixed(1)} ml, ${r.timings.total.toFixed(1)} s`);
      }
    } finally {
      host.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function endToEnd(): Promise<void> {
  const shipped = path.join(ROOT, 'native-models/models/pet-ct-gtv.json');
  const card = existsSync(shipped) ? shipped : path.join(ROOT, 'test/fixtures/models/tiny-pointwise.json');
  const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'bench-segment-')), 'out');
  try {
    const r = await runSegmentStudy({ paths: [path.join(ROOT, 'demo/sts-002')], modelCard: card, outDir: out });
    const t = r.timings;
    const fmt = (s: number) => `${s.toFixed(2)} s`;
    say(`segment demo/sts-002, model ${r.model.name} ${r.model.version}${card === shipped ? '' : ' (fixture: no shipped model yet)'}, ${r.device}, ${physicalCoreCount()} cores`);
    say(`  load ${fmt(t.load)} | register ${fmt(t.register)} | infer ${fmt(t.infer)} | contour ${fmt(t.contour)} | export ${fmt(t.export)} | compare ${fmt(t.compare)}`);
    say(`  total ${fmt(t.total)}  (goal ≤ 30 s: ${t.total <= 30 ? 'met' : 'NOT met'})`);
    for (const c of r.comparison) say(`  Dice vs expert ${c.structure}: ${c.dice.toFixed(3)}, HD95 ${c.hd95Mm === null ? 'n/a' : c.hd95Mm.toFixed(1) + ' mm'}`);
  } finally {
    await rm(path.dirname(out), { recursive: true, force: true });
  }
}

/** Python side: build, export, time eager; writes model.onnx, input.f32, torch_<k>.f32, prints JSON. */
const PY = String.raw`
import json, sys, time, pathlib
import numpy as np, torch
sys.path.insert(0, sys.argv[1])
from delineo_models.nets import build_network
from delineo_models.export.onnx_export import export_onnx
from delineo_models.export.wrapper import ProbabilityWrapper
a = json.loads(sys.argv[2]); out = pathlib.Path(a["out"])
torch.manual_seed(0)
torch.set_num_threads(a["threads"])
net = build_network(a["arch"], **a["kwargs"]).eval()
names = export_onnx(net, out / "model.onnx", tuple(a["patch"]))
x = np.random.default_rng(0).standard_normal((a["batch"], 2, *a["patch"])).astype("<f4")
(out / "input.f32").write_bytes(x.tobytes())
w = ProbabilityWrapper(net).eval()
times = []
with torch.inference_mode():
    t = torch.from_numpy(x)
    ys = w(t)
    for _ in range(a["repeats"]):
        t0 = time.perf_counter(); ys = w(t); times.append(time.perf_counter() - t0)
for k, y in enumerate(ys):
    (out / f"torch_{k}.f32").write_bytes(y.numpy().astype("<f4").tobytes())
print(json.dumps({"names": names, "seconds": times, "torch": torch.__version__}))
`;

async function ortVersusTorch(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-ort-'));
  const threads = physicalCoreCount();
  // The shipped PET/CT model's network and patch (native-models/configs/pet-ct-gtv.yaml).
  const spec = { arch: 'mim-cmfnet', kwargs: { base_channels: 8, max_channels: 32 }, patch: [32, 48, 48], batch: 2, threads, repeats: 5, out: dir };
  const host = new InferenceHost();
  try {
    const { stdout } = await promisify(execFile)(PYTHON, ['-c', PY, path.join(ROOT, 'native-models'), JSON.stringify(spec)], { maxBuffer: 1 << 26 });
    const py = JSON.parse(stdout.trim().split('\n').at(-1)!) as { names: string[]; seconds: number[]; torch: string };
    const buf = await readFile(path.join(dir, 'input.f32'));
    const input = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    await host.open({ key: 'bench', onnxPath: path.join(dir, 'model.onnx'), candidates: ['cpu'], intraOpNumThreads: threads });
    const run = () => host.run({ key: 'bench', inputName: 'image', dims: [spec.batch, 2, ...spec.patch], data: input, outputNames: py.names });
    let outputs = (await run()).outputs; // warm-up, as PyTorch's
    const ort: number[] = [];
    for (let i = 0; i < spec.repeats; i++) {
      const t0 = performance.now();
      outputs = (await run()).outputs;
      ort.push((performance.now() - t0) / 1000);
    }
    let maxDiff = 0;
    for (const [k, o] of outputs.entries()) {
      const ref = await readFile(path.join(dir, `torch_${k}.f32`));
      const t = new Float32Array(ref.buffer, ref.byteOffset, ref.byteLength / 4);
      for (let v = 0; v < t.length; v++) maxDiff = Math.max(maxDiff, Math.abs(t[v] - o.data[v]));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const tt = median(py.seconds), to = median(ort);
    say(`ORT vs PyTorch eager: ${spec.arch} (base 8, max 32 channels), batch ${spec.batch}×2×${spec.patch.join('×')}, ${threads} threads, median of ${spec.repeats}`);
    say(`  PyTorch ${py.torch} eager  ${(tt * 1000).toFixed(0)} ms/batch`);
    say(`  ONNX Runtime (worker)  ${(to * 1000).toFixed(0)} ms/batch, transfer included`);
    say(`  speed-up ${(tt / to).toFixed(2)}×  (goal ≥ 1.5×: ${tt / to >= 1.5 ? 'met' : 'NOT met'}); max |p_ort − p_torch| = ${maxDiff.toExponential(1)}`);
  } finally {
    host.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
