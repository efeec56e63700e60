"""Training configuration: YAML or dict, merged over defaults, validated, and named like nnU-Net runs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

#: Every key a config may set, with its default. Paper values where the papers give them.
DEFAULTS: dict[str, Any] = {
    "name": "model",
    "method": "supervised",                  # supervised | mcml | uamt
    "seed": 0,
    "output_dir": "runs",                    # relative to the config file's folder's parent when relative
    "network": {"name": "dual-branch-mmf"},  # + constructor kwargs of delineo_models.nets
    "data": {
        "modalities": ["CT", "PT"],
        "labels": ["CT", "FDG"],             # human channel names for the model card
        "card_modalities": None,             # DICOM modality per channel when the dataset names differ (T1c → MR)
        "normalization": [{"method": "window", "min": -200, "max": 300}, {"method": "window", "min": 0, "max": 10}],
        "pad_values": [-1024, 0],            # physical value outside the image, per channel
        "target_spacing": [3.0, 2.0, 2.0],   # (z, y, x) mm
        "root": None,                        # an existing dataset.json folder …
        "import": None,                      # … or {"importer": "import_brats2013", "args": {…}} …
        "phantom": None,                     # … or phantom generator kwargs (written into the run folder)
        "extra_unlabelled": [],              # [{"kind": "real-sts-002", "path": …}] unlabelled real images
        "fg_fraction": 0.5,
        "augment": True,
        "max_val_cases": 4,
    },
    "training": {
        "iterations": 1000,
        "max_minutes": 0,                     # > 0: stop early at this wall-clock budget (CPU training)
        "batch_size": 4,                      # semi-supervised: half labelled, half unlabelled
        "patch_size": [32, 64, 64],           # (D, H, W)
        "optimizer": "sgd",                   # 'sgd' (both papers) | 'adamw' (faster on short CPU budgets)
        "lr": 0.01,
        "momentum": 0.9,
        "weight_decay": 1e-4,
        "poly_power": 0.9,
        "validate_every": 250,
        "checkpoint_every": 100,
        "threads": 2,
        "resume": True,
    },
    "method_args": {
        "alpha": 1.0,                         # MCML weight (paper 000)
        "consistency_weight": 0.1,            # UA-MT λ_max (paper 003 eq. 1)
        "rampup_steps": 400,
        "ema_decay": 0.99,
        "mc_passes": 8,                       # T (paper 003)
        "input_noise": 0.1,
        "consistency_on": "all",              # 'all' (paper 003) | 'unlabelled'
        "latent_weight": 1e-4,                # ν (paper 003, H&N)
    },
    "inference": {"overlap": 0.5, "threshold": 0.5, "min_component_ml": 0.5, "fill_holes": False},
    "card": {},                                # extra model-card fields for export (licence, data, colour…)
}

METHODS = ("supervised", "mcml", "uamt")


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else copy.deepcopy(v)
    return out


def load_config(config: dict | str | Path) -> dict:
    """Reads a YAML file (or takes a dict), merges it over :data:`DEFAULTS` and validates it.

    A relative ``output_dir`` in a file is resolved against the file's folder's parent
    (``native-models/configs/x.yaml`` → ``native-models/runs``).

    Raises:
        ValueError: unknown method, channel lists of different lengths, odd patch sizes —
            the message names the file.
    """
    where = "config dict"
    base_dir = Path.cwd()
    if not isinstance(config, dict):
        path = Path(config)
        where = str(path)
        try:
            raw = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as err:
            raise ValueError(f"{where}: cannot read training config ({err})") from err
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: a training config must be a mapping")
        base_dir = path.resolve().parent.parent
        config = raw
    cfg = _merge(DEFAULTS, config)
    if not Path(cfg["output_dir"]).is_absolute():
        cfg["output_dir"] = str(base_dir / cfg["output_dir"])
    _validate(cfg, where)
    return cfg


def _validate(cfg: dict, where: str) -> None:
    if cfg["method"] not in METHODS:
        raise ValueError(f"{where}: method {cfg['method']!r} is not one of {', '.join(METHODS)}")
    data = cfg["data"]
    n = len(data["modalities"])
    if n != 2 or len(data["normalization"]) != n or len(data["pad_values"]) != n or len(data["labels"]) != n:
        raise ValueError(f"{where}: data.modalities, labels, normalization and pad_values need 2 entries each")
    if cfg["training"]["optimizer"] not in ("sgd", "adamw"):
        raise ValueError(f"{where}: training.optimizer must be 'sgd' or 'adamw', got {cfg['training']['optimizer']!r}")
    ps = cfg["training"]["patch_size"]
    if len(ps) != 3 or any(int(p) % 16 for p in ps):
        raise ValueError(f"{where}: training.patch_size must be 3 sizes divisible by 16 (5 V-Net stages), got {ps}")
    if cfg["method"] != "supervised" and cfg["training"]["batch_size"] < 2:
        raise ValueError(f"{where}: semi-supervised methods need batch_size ≥ 2 (labelled + unlabelled halves)")
    if data["root"] is None and data["phantom"] is None and data["import"] is None:
        raise ValueError(f"{where}: set data.root (a dataset.json folder), data.import or data.phantom")


def run_dir_for(cfg: dict) -> Path:
    """``{output_dir}/{method}__{network}__{name}`` — one folder per run, as nnU-Net names them."""
    return Path(cfg["output_dir"]) / f"{cfg['method']}__{cfg['network']['name']}__{cfg['name']}"


def network_kwargs(cfg: dict) -> dict:
    """Constructor kwargs of the network (everything in ``network`` except its name)."""
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in cfg["network"].items() if k != "name"}
