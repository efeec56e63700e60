"""Export a finished training run to ``<out>.onnx`` + ``<out>.json`` (the model card)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..train import load_trained
from .model_card import build_model_card, write_model_card
from .onnx_export import export_onnx, parity

#: Largest |ONNX − PyTorch| probability difference an export may have.
PARITY_TOLERANCE = 1e-4


def export_run(run_dir: str | Path, out: str | Path, metrics: dict[str, Any] | None = None, opset: int = 17,
               which: str = "best") -> tuple[Path, Path]:
    """Exports a run's network and writes its model card.

    Spatial dimensions are symbolic for the dual-branch networks; MIM-CMFNet keeps them fixed
    at the training patch, because CMF's attention grows with (D·H·W)² — the card's patchSize
    is what the app's sliding window feeds it either way.

    Args:
        run_dir: folder written by ``run_training``.
        out: path without extension, e.g. ``native-models/models/pet-ct-gtv``.
        metrics: figures to record in the card (merged over the run's validation Dice).
        opset: ONNX opset (≥ 17).
        which: 'best' or 'last' checkpoint.

    Returns:
        (onnx path, card path).

    Raises:
        ValueError: no run there, existing outputs, or parity worse than :data:`PARITY_TOLERANCE`.
    """
    run_dir, out = Path(run_dir), Path(out)
    net, cfg = load_trained(run_dir, which)
    onnx_path, card_path = out.with_suffix(".onnx"), out.with_suffix(".json")
    for p in (onnx_path, card_path):
        if p.exists():
            raise ValueError(f"{p}: exists; remove it first (exports never overwrite)")
    out.parent.mkdir(parents=True, exist_ok=True)
    patch = tuple(int(v) for v in cfg["training"]["patch_size"])
    export_onnx(net, onnx_path, patch, opset, dynamic_spatial=cfg["network"]["name"] != "mim-cmfnet")
    x = np.random.default_rng(0).standard_normal((2, 2, *patch)).astype(np.float32)
    diff = parity(net, onnx_path, x)
    if diff > PARITY_TOLERANCE:
        onnx_path.unlink()
        raise ValueError(f"{onnx_path}: ONNX Runtime differs from PyTorch by {diff:.2e} > {PARITY_TOLERANCE}")
    summary_path = run_dir / "training.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    measured: dict[str, Any] = {}
    if summary.get("best_val_dice", -1) >= 0:
        measured["phantomValidationDice"] = round(float(summary["best_val_dice"]), 4)
        measured["phantomValidationCases"] = int(summary.get("data", {}).get("validation", 0))
    if summary:
        measured["trainingIterations"] = int(summary.get("iterations", 0))
        measured["trainingMinutes"] = round(float(summary.get("seconds", 0)) / 60, 1)
    measured["onnxParityMaxAbs"] = float(f"{diff:.2e}")
    measured.update(metrics or {})
    card = build_model_card({**cfg, "name": cfg["card"].get("name", out.name)}, net, onnx_path,
                            summary.get("data", {}), measured)
    write_model_card(card, card_path)
    return onnx_path, card_path
