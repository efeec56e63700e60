"""PyTorch-CPU vs ONNX-Runtime-CPU time for one full sliding-window volume, per shipped architecture.

Same network (shipped width, random weights: timing does not depend on them), same volume
(the demo's size at 3 × 2 × 2 mm: 52 × 80 × 80 voxels), same sliding window and batch; only
the engine differs. Prints one line per architecture and engine.

    .venv/bin/python scripts/bench_onnx.py [--threads 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from delineo_models.eval import sliding_window_predict
from delineo_models.export import export_onnx
from delineo_models.nets import build_network, count_parameters

SHIPPED = {"mim-cmfnet": {"base_channels": 8, "max_channels": 32},
           "dual-branch-mmf": {"base_channels": 8, "max_channels": 32}}
PATCH = (32, 48, 48)
VOLUME = (52, 80, 80)


def best_of(fn, repeat: int) -> float:
    """Fastest of ``repeat`` runs, in seconds (the others pay for warm-up and noise)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    image = np.random.default_rng(0).random((2, *VOLUME), dtype=np.float32)
    print(f"sliding window over {VOLUME[0]}×{VOLUME[1]}×{VOLUME[2]} voxels, patch {PATCH}, overlap 0.5, "
          f"{args.threads} threads, best of {args.repeat}")
    for name, kw in SHIPPED.items():
        net = build_network(name, **kw).eval()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.onnx"
            export_onnx(net, path, PATCH)
            so = ort.SessionOptions()
            so.intra_op_num_threads = args.threads
            sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

            @torch.no_grad()
            def torch_fn(b):
                return torch.cat([torch.sigmoid(l) for l in net(torch.from_numpy(b))["logits"]], 1).numpy()

            def ort_fn(b):
                return np.concatenate(sess.run(None, {"image": b}), axis=1)

            t_pt = best_of(lambda: sliding_window_predict(torch_fn, image, PATCH, 0.5), args.repeat)
            t_ort = best_of(lambda: sliding_window_predict(ort_fn, image, PATCH, 0.5), args.repeat)
        print(f"{name:16s} {count_parameters(net) / 1e6:5.2f} M params  PyTorch-CPU {t_pt:6.2f} s   "
              f"ONNX-Runtime-CPU {t_ort:6.2f} s   ratio {t_pt / t_ort:4.2f}×")


if __name__ == "__main__":
    main()
