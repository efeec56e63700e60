"""The model card written beside the ONNX file — the TypeScript ``ModelCard`` (model-card.ts) field for field."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import onnx

from .onnx_export import INPUT_NAME
from .wrapper import output_spec

#: electron/pipeline/inference/model-card.ts MODEL_CARD_SCHEMA_VERSION.
SCHEMA_VERSION = 1
INTENDED_USE = "research; not for clinical use"
#: Keys of ModelCard, in the interface's order (the test compares them with model-card.ts).
CARD_KEYS = ("schemaVersion", "name", "version", "architecture", "onnx", "inputName", "inputs", "outputs",
             "combine", "targetSpacing", "patchSize", "overlap", "threshold", "minComponentMl", "fillHoles",
             "structure", "training", "metrics", "intendedUse", "licence")


def sha256_file(path: Path) -> str:
    """Lower-case hex SHA-256 of a file, as the app recomputes it."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def method_label(cfg: dict) -> str:
    """Training method with the network switches that matter, e.g. 'uamt+cmf+mim', 'mcml+mmf+mae'."""
    net = cfg["network"]
    parts = [cfg["method"]]
    if net["name"] == "mim-cmfnet":
        parts += [s for s in ("cmf", "mim") if net.get(s, True)]
    elif net["name"] == "dual-branch-mmf":
        parts += [s for s in ("mmf", "mae") if net.get(s, True)]
    return "+".join(parts)


def build_model_card(cfg: dict, net, onnx_path: Path, data_summary: dict, metrics: dict[str, Any]) -> dict:
    """Assembles the card from the training config, the exported graph and measured metrics.

    Spatial triples go from the config's (z, y, x) / (D, H, W) to the card's [x, y, z].

    Args:
        cfg: training config of the run (``card`` holds name, version, data text, licences, colour).
        net: the trained network (decides outputs and combine).
        onnx_path: the exported graph.
        data_summary: {"labelled": n, "unlabelled": n, ...} of the training data.
        metrics: measured figures (numbers or strings), with what they were measured on.
    """
    d, card, inf = cfg["data"], cfg["card"], cfg["inference"]
    names, roles, combine = output_spec(net)
    opset = max(o.version for o in onnx.load(str(onnx_path)).opset_import if o.domain in ("", "ai.onnx"))
    n_l, n_u = int(data_summary.get("labelled", 0)), int(data_summary.get("unlabelled", 0))
    return {
        "schemaVersion": SCHEMA_VERSION,
        "name": card.get("name", cfg["name"]),
        "version": str(card.get("version", "0.1.0")),
        "architecture": cfg["network"]["name"],
        "onnx": {"file": Path(onnx_path).name, "sha256": sha256_file(onnx_path), "opset": int(opset)},
        "inputName": INPUT_NAME,
        "inputs": [{"modality": m, "label": lab, "normalization": dict(nm), "padValue": float(pv)}
                   for m, lab, nm, pv in zip(d.get("card_modalities") or d["modalities"], d["labels"], d["normalization"],
                                             d["pad_values"])],
        "outputs": [{"name": n, "role": r} for n, r in zip(names, roles)],
        "combine": combine,
        "targetSpacing": [float(v) for v in reversed(d["target_spacing"])],
        "patchSize": [int(v) for v in reversed(cfg["training"]["patch_size"])],
        "overlap": float(inf["overlap"]),
        "threshold": float(inf["threshold"]),
        "minComponentMl": float(inf["min_component_ml"]),
        "fillHoles": bool(inf.get("fill_holes", False)),
        "structure": {"name": "GTV", "interpretedType": "GTV", "color": [int(c) for c in card.get("color", [255, 64, 64])]},
        "training": {
            "method": method_label(cfg),
            "data": card.get("data", "; ".join(data_summary.get("sources", []))),
            "labelledFraction": round(n_l / max(n_l + n_u, 1), 4),
            "cases": {"labelled": n_l, "unlabelled": n_u},
            "licence": card.get("data_licence", "synthetic phantoms: no restriction"),
        },
        "metrics": metrics,
        "intendedUse": INTENDED_USE,
        "licence": card.get("licence", "research use; see the Delineo repository"),
    }


def write_model_card(card: dict, path: Path) -> Path:
    """Writes the card JSON atomically (temp + fsync + rename); refuses to overwrite."""
    path = Path(path)
    if path.exists():
        raise ValueError(f"{path}: exists; remove it first (exports never overwrite)")
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w") as fh:
        json.dump(card, fh, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path
