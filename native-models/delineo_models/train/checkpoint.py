"""Atomic, resumable checkpoints that carry the method name and the network's init args."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Writes ``state`` with torch.save to a temp file, fsyncs it and renames it over ``path``.

    A crash mid-write therefore leaves the previous checkpoint intact.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        torch.save(state, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Loads a checkpoint written by :func:`save_checkpoint` on the CPU.

    Raises:
        ValueError: missing or unreadable file, or not a Delineo checkpoint (message names the file).
    """
    path = Path(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except (OSError, RuntimeError, EOFError) as err:
        raise ValueError(f"{path}: cannot read checkpoint ({err})") from err
    if not isinstance(state, dict) or not {"method", "network", "model", "step"} <= state.keys():
        raise ValueError(f"{path}: not a Delineo training checkpoint")
    return state
