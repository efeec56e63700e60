"""``native-models/reports/ablation.md``: the two papers' ablation tables, re-run on phantoms.

* Paper 000 table 2 shape (CT + MR-T2 phantoms): Baseline (dual branch, no fusion), +MMF,
  +MMF +MAE, +MMF +MCML, +MMF +MAE +MCML; DSC and ASD of each branch (CT, MR). Rows without
  MCML are trained on the labelled cases only, i.e. they are the supervised-only results
  with the same labels.
* Paper 003 table 3 shape (PET + CT phantoms): UA-MT baseline (EasyFusion at every stage,
  no MIM), +MIM, +CMF, both ("Ours"), and the full network trained supervised-only on the
  same labels; Dice, Jaccard, HD95 of the single output.

Each is run with 10 % and 20 % of the training cases labelled (same phantoms, same test
cases; the 10 % labelled set is a subset of the 20 % one). Every configuration is trained
by ``delineo_models.train.run_training`` (resumed if its run folder exists) and evaluated by
sliding-window inference on the test split.

Run: ``python -m delineo_models.eval.report_ablation [--iterations N ...]`` (console script
``delineo-report-ablation``).
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from ..data.nifti_io import read_nifti
from ..data.paths import WORK_DATA
from ..data.phantom import make_phantom_dataset
from ..data.preprocess import PAPER_NORMALIZATION, global_foreground_stats
from .markdown import fmt_mean_sd, provenance, table
from ..data.nifti_io import write_text_atomic
from .metrics import asd_mm, dice, hd95_mm, jaccard, summarize
from .predictors import RunPredictor, load_cases

REPORT = Path(__file__).resolve().parents[2] / "reports" / "ablation.md"

#: (run slug, checkmarks Baseline/MMF/MAE/MCML, network, method) — paper 000 table 2.
ROWS_000 = [
    ("baseline", "✓ × × ×", {"name": "dual-branch"}, "supervised"),
    ("mmf", "✓ ✓ × ×", {"name": "dual-branch-mmf", "mae": False}, "supervised"),
    ("mmf-mae", "✓ ✓ ✓ ×", {"name": "dual-branch-mmf"}, "supervised"),
    ("mmf-mcml", "✓ ✓ × ✓", {"name": "dual-branch-mmf", "mae": False}, "mcml"),
    ("mmf-mae-mcml", "✓ ✓ ✓ ✓", {"name": "dual-branch-mmf"}, "mcml"),
]
#: (run slug, row label, network, method) — paper 003 table 3, plus supervised-only with the same labels.
ROWS_003 = [
    ("uamt", "Baseline (UA-MT, PET/CT)", {"name": "mim-cmfnet", "cmf": False, "mim": False}, "uamt"),
    ("uamt-mim", "Baseline + MIM", {"name": "mim-cmfnet", "cmf": False, "mim": True}, "uamt"),
    ("uamt-cmf", "Baseline + CMF", {"name": "mim-cmfnet", "cmf": True, "mim": False}, "uamt"),
    ("uamt-cmf-mim", "Ours (CMF + MIM)", {"name": "mim-cmfnet"}, "uamt"),
    ("supervised-cmf-mim", "Supervised only, same labels (CMF + MIM net)", {"name": "mim-cmfnet"}, "supervised"),
]


def make_datasets(work: Path, fractions, n_cases: int, size, spacing, seed: int) -> dict:
    """Phantom datasets per (modality pair, fraction), created once and reused."""
    out = {}
    for key, mods in (("000", ("CT", "MR")), ("003", ("CT", "PT"))):
        for f in fractions:
            root = work / f"phantoms-{'-'.join(m.lower() for m in mods)}-{round(f * 100)}pct"
            if not (root / "dataset.json").exists():
                make_phantom_dataset(root, n_cases, mods, f, seed, size=size, spacing=spacing)
            out[(key, f)] = root
    return out


def normalization_for(key: str, root: Path) -> tuple[list, list, list]:
    """(modalities, normalisation dicts, card labels) as each paper preprocesses.

    Paper 000: CT HU window, MR min-max. Paper 003: CT z-scored with the global foreground
    (body, > −500 HU) statistics of the TRAINING cases after 0.5/99.5 % clipping; PET
    z-scored per image.
    """
    if key == "000":
        return ["CT", "MR"], [PAPER_NORMALIZATION["CT-window"], PAPER_NORMALIZATION["MR-minmax"]], ["CT", "T2"]
    meta = json.loads((root / "dataset.json").read_text())
    cts = [read_nifti(root / c["id"] / "CT.nii.gz").data for c in meta["cases"] if c["split"] == "train"]
    s = global_foreground_stats(cts, threshold=-500.0)
    ct = {"method": "zscore-fixed", "mean": round(s["mean"], 3), "std": round(s["std"], 3)}
    return ["CT", "PT"], [ct, PAPER_NORMALIZATION["PT-zscore"]], ["CT", "FDG"]


def config_for(name: str, network: dict, method: str, root: Path, key: str, args) -> dict:
    """A run_training config for one ablation cell."""
    mods, norm, labels = normalization_for(key, root)
    meta = json.loads((root / "dataset.json").read_text())
    net = {**network, "base_channels": args.base_channels, "max_channels": args.base_channels * 4}
    return {
        "name": name, "method": method, "seed": args.seed, "output_dir": str(args.work / "runs"), "network": net,
        "data": {"root": str(root), "modalities": mods, "labels": labels, "normalization": norm,
                 "pad_values": [-1024, 0], "target_spacing": meta["spacing"], "max_val_cases": 2},
        "training": {"iterations": args.iterations, "batch_size": 4, "patch_size": list(args.patch),
                     "validate_every": max(1, args.iterations // 2), "checkpoint_every": max(1, args.iterations // 2),
                     "threads": args.threads},
        "method_args": {"rampup_steps": max(1, args.iterations // 2)},
    }


def evaluate_run(run_dir: Path, cases) -> dict:
    """Per-case metrics of the combined output and of each head, on the test cases."""
    p = RunPredictor(run_dir)
    res = {"combined": [], "heads": []}
    for case in cases:
        out = p.predict(case)
        ref = case.label
        res["combined"].append({"dice": dice(out["combined"], ref), "jaccard": jaccard(out["combined"], ref),
                                "hd95_mm": hd95_mm(out["combined"], ref, case.spacing)})
        res["heads"].append([{"dice": dice(h, ref), "asd_mm": asd_mm(h, ref, case.spacing)} for h in out["heads"]])
    return res


def _cell(values, digits: int = 2, scale: float = 1.0) -> str:
    """mean ± sd, with "(n of N)" when some values were undefined (empty prediction)."""
    s = summarize(values)
    text = fmt_mean_sd(s, digits, scale)
    return text if s["n"] == len(values) else f"{text} ({s['n']} of {len(values)})"


def render_000(results: dict, fractions, n_test: dict) -> str:
    """Paper 000 table 2 shape: DSC (%) and ASD (mm) per branch, mean ± sd."""
    rows = []
    for f in fractions:
        for slug, marks, _, _ in ROWS_000:
            r = results.get(("000", f, slug))
            if r is None:
                rows.append([f"{round(f * 100)} %", *marks.split(), "not run", "", "", ""])
                continue
            heads = r["heads"]
            cells = [_cell([h[k]["dice"] for h in heads], 2, 100) for k in (0, 1)]
            cells += [_cell([h[k]["asd_mm"] for h in heads], 2) for k in (0, 1)]
            rows.append([f"{round(f * 100)} %", *marks.split(), *cells])
    return table(["Labelled", "Baseline", "MMF", "MAE", "MCML", "DSC (%) CT", "DSC (%) MR", "ASD (mm) CT", "ASD (mm) MR"], rows)


def render_003(results: dict, fractions) -> str:
    """Paper 003 table 3 shape: Dice (%), Jaccard (%), 95HD (mm), mean ± sd."""
    rows = []
    for f in fractions:
        for slug, label, _, _ in ROWS_003:
            r = results.get(("003", f, slug))
            if r is None:
                rows.append([f"{round(f * 100)} %", label, "not run", "", ""])
                continue
            c = r["combined"]
            rows.append([f"{round(f * 100)} %", label, _cell([x["dice"] for x in c], 2, 100),
                         _cell([x["jaccard"] for x in c], 2, 100), _cell([x["hd95_mm"] for x in c], 2)])
    return table(["Labelled", "Method", "Dice (%)", "Jaccard (%)", "95HD (mm)"], rows)


def render(results, fractions, datasets, args, command: str, timings: dict) -> str:
    """The whole ablation report."""
    def split_line(root):
        meta = json.loads((root / "dataset.json").read_text())
        c = meta["cases"]
        tr = [x for x in c if x["split"] == "train"]
        return (f"`{root.name}`: {len(c)} cases, {sum(x['split'] == 'test' for x in c)} test / "
                f"{sum(x['split'] == 'val' for x in c)} val / {len(tr)} train of which "
                f"{sum(x['labelled'] for x in tr)} labelled; spacing {meta['spacing']} mm, size {meta['generator']['size']}")
    lines = ["# Ablations on phantoms (paper 000 table 2, paper 003 table 3)", "", provenance(command)]
    if getattr(args, "note", ""):
        lines += [f"> {args.note}", ""]
    lines += [
             f"> Short CPU training runs: {args.iterations} iterations per configuration, batch 4 (half labelled, half "
             f"unlabelled for the semi-supervised methods), patch {list(args.patch)}, base channels {args.base_channels}. "
             "The papers train 30 000–60 000 iterations on GPUs; these numbers show that the machinery runs end to end "
             "and how the variants compare at this budget, not what the methods reach when trained to convergence.", "",
             "## Data", ""]
    lines += [f"- {split_line(r)}" for r in datasets.values()]
    lines += ["- Metrics on the test split, on the phantom grid, after the same inference the app runs (sliding window, "
              "overlap from the run config, Gaussian weighting, threshold 0.5, small components dropped). DSC/Dice and "
              "Jaccard in %, ASD = average symmetric surface distance, 95HD = 95th percentile of pooled symmetric surface "
              "distances (both mm; see `delineo_models.eval.metrics`). mean ± sd (population) over test cases; a "
              "distance is left out of its mean when a prediction is empty (NaN).", "",
              "## Paper 000, table 2 shape — CT + MR (T2-like) phantoms", "",
              "Rows without MCML use only the labelled cases (supervised-only with the same labels).", "",
              render_000(results, fractions, {}), "", "## Paper 003, table 3 shape — PET + CT phantoms", "",
              render_003(results, fractions), ""]
    if timings:
        lines += ["## Training time per configuration (s, CPU, from each run's training.json)", "",
                  table(["Run", "Seconds"], [[k, f"{v:.0f}"] for k, v in timings.items()]), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    """Console entry point (``delineo-report-ablation``)."""
    ap = argparse.ArgumentParser(prog="delineo-report-ablation", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=REPORT)
    ap.add_argument("--work", type=Path, default=WORK_DATA / "ablation")
    ap.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.2])
    ap.add_argument("--n-cases", type=int, default=20)
    ap.add_argument("--size", type=int, nargs=3, default=[32, 64, 64])
    ap.add_argument("--spacing", type=float, nargs=3, default=[3.0, 1.5, 1.5])
    ap.add_argument("--patch", type=int, nargs=3, default=[16, 48, 48])
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--base-channels", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["000", "003"], help="run one paper's table only")
    ap.add_argument("--note", default="", help="a sentence for the report header")
    ap.add_argument("--render-only", action="store_true",
                    help="train nothing: evaluate the runs that already finished, mark the others 'not run'")
    args = ap.parse_args(argv)
    from ..train import run_training  # lazy: torch only when training
    from ..train.config import load_config, run_dir_for

    datasets = make_datasets(args.work, args.fractions, args.n_cases, tuple(args.size), tuple(args.spacing), args.seed)
    results, timings = {}, {}
    for (key, f), root in datasets.items():
        if args.only and key != args.only:
            continue
        cases = [c for c in load_cases(root) if c.split == "test" and c.label is not None]
        specs = [(slug, net, meth) for slug, _, net, meth in ROWS_000] if key == "000" else \
            [(slug, net, meth) for slug, _, net, meth in ROWS_003]
        for label, net, method in specs:
            name = f"paper{key}-{round(f * 100)}pct-{label}"
            t0 = time.perf_counter()
            try:
                cfg = config_for(name, net, method, root, key, args)
                if args.render_only:
                    run = run_dir_for(load_config(cfg))
                    summary = run / "training.json"
                    if not summary.exists() or json.loads(summary.read_text()).get("iterations") != args.iterations:
                        print(f"{name}: not finished, left out", file=sys.stderr)
                        continue
                else:
                    run = run_training(cfg)
                results[(key, f, label)] = evaluate_run(run, cases)
            except (ValueError, RuntimeError) as exc:
                print(f"delineo-report-ablation: {name}: {exc}", file=sys.stderr)
                continue
            summary = json.loads((run / "training.json").read_text()) if (run / "training.json").exists() else {}
            timings[name] = float(summary.get("seconds", float("nan")))
            d = np.mean([c["dice"] for c in results[(key, f, label)]["combined"]])
            print(f"{name}: test Dice {d:.3f} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    command = "python -m delineo_models.eval.report_ablation " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    write_text_atomic(args.out, render(results, args.fractions, datasets, args, command.strip(), timings))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
