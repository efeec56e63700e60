"""Supervised-only counterparts of semi-supervised runs, for a fair comparison in real.md.

A counterpart is the same config (network, phantoms, labelled cases, normalisation, patch,
seed) with ``method: supervised`` and no unlabelled extras, so the only difference is the
use of unlabelled data. It is written beside the original as ``supervised__<net>__<name>-supervised-only``.
"""
from __future__ import annotations

import copy
from pathlib import Path

import yaml


def counterpart_config(run_dir, max_minutes: float | None = None) -> dict:
    """The supervised-only config of a run (from its ``config.yaml``), with as many iterations
    as the run actually trained (``training.json``), when known.

    Args:
        run_dir: a semi-supervised run folder.
        max_minutes: wall-clock budget override (None keeps the run's).
    Raises:
        ValueError: naming the folder, when it has no config.yaml or is already supervised.
    """
    p = Path(run_dir) / "config.yaml"
    if not p.exists():
        raise ValueError(f"{run_dir}: no config.yaml — not a training run folder")
    cfg = yaml.safe_load(p.read_text())
    if cfg.get("method") == "supervised":
        raise ValueError(f"{run_dir}: already a supervised run")
    out = copy.deepcopy(cfg)
    out["method"] = "supervised"
    out["name"] = f"{cfg['name']}-supervised-only"
    out["output_dir"] = str(Path(run_dir).parent)
    out["data"]["extra_unlabelled"] = []
    if out["data"].get("import"):
        # Reuse the dataset the original imported (same split, same labelled case).
        ds = Path(run_dir) / "dataset"
        if (ds / "dataset.json").exists():
            out["data"].pop("import")
            out["data"]["root"] = str(ds)
    elif out["data"].get("root") is None:
        # Reuse the phantoms the original generated (identical by seed, and no time lost).
        ph = Path(run_dir) / "phantoms"
        if (ph / "dataset.json").exists():
            out["data"]["root"] = str(ph)
    summary = Path(run_dir) / "training.json"
    if summary.exists():
        # Same number of optimisation steps as the original actually made (it may have stopped
        # early at its time budget), so the only difference is the unlabelled data.
        import json

        done = json.loads(summary.read_text()).get("iterations")
        if done:
            out.setdefault("training", {})["iterations"] = int(done)
    if max_minutes is not None:
        out.setdefault("training", {})["max_minutes"] = float(max_minutes)
    return {k: v for k, v in out.items() if not k.startswith("_")}


def train_counterpart(run_dir, max_minutes: float | None = None) -> Path:
    """Train (or resume) the supervised-only counterpart of a run; returns its folder."""
    from ..train import run_training

    return run_training(counterpart_config(run_dir, max_minutes))
