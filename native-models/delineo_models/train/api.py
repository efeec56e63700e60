"""The documented Python API of training: run a config, load a finished run."""

from __future__ import annotations

from pathlib import Path

import torch
import yaml

from ..nets import build_network
from .checkpoint import load_checkpoint
from .config import DEFAULTS, load_config
from .methods import trainer_for


def run_training(config: dict | str | Path, source=None, run_dir: Path | None = None) -> Path:
    """Trains the method the config names and returns the run folder.

    The folder holds ``config.yaml``, ``checkpoint_last.pt``, ``checkpoint_best.pt`` (best
    validation Dice), ``metrics.jsonl`` / ``metrics_train.csv`` / ``metrics_val.csv`` and
    ``training.json``. Re-running the same config resumes from ``checkpoint_last.pt``.
    Under ``torchrun`` every rank calls this; rank 0 writes.
    """
    cfg = load_config(config)
    return trainer_for(cfg["method"])(cfg, source=source, run_dir=run_dir).fit()


def load_trained(run_dir: str | Path, which: str = "best") -> tuple[torch.nn.Module, dict]:
    """The trained network of a run (eval mode, CPU) and its config.

    The config is the checkpoint's, except its deployment sections — ``inference`` (threshold,
    islands, holes) and ``card`` — which the run folder's ``config.yaml`` may revise after
    training: they change how the network is applied and described, not what it learnt.

    Args:
        run_dir: a folder written by :func:`run_training`.
        which: 'best' (falls back to 'last' when no validation ran) or 'last'.

    Raises:
        ValueError: no checkpoint in the folder (names it).
    """
    run_dir = Path(run_dir)
    path = run_dir / f"checkpoint_{which}.pt"
    if not path.exists():
        path = run_dir / "checkpoint_last.pt"
    if not path.exists():
        raise ValueError(f"{run_dir}: no checkpoint_best.pt or checkpoint_last.pt — is this a training run folder?")
    state = load_checkpoint(path)
    net = build_network(state["network"]["name"], **state["network"]["kwargs"])
    net.load_state_dict(state["model"])
    net.eval()
    cfg = state["config"]
    saved = run_dir / "config.yaml"
    revised = (yaml.safe_load(saved.read_text()) or {}) if saved.exists() else {}
    if isinstance(revised.get("inference"), dict):
        cfg["inference"] = {**DEFAULTS["inference"], **revised["inference"]}
    if isinstance(revised.get("card"), dict):
        cfg["card"] = revised["card"]
    cfg.setdefault("_checkpoint", {"file": path.name, "step": state["step"], "best": state["best"]})
    return net, cfg
