"""Segmentation networks of the two papers, built by name.

``build_network(name, **kwargs)`` with name one of :data:`NETWORKS`:

- ``dual-branch-mmf`` — paper 000: :class:`DualBranchNet` with MMF (eq. 2) and MAE (eq. 3).
- ``dual-branch`` — the same network with both fusions off (ablation baseline).
- ``mim-cmfnet`` — paper 003: :class:`MIMCMFNet` with CMF (eq. 2) and MIM (eqs. 3–6).

Every network takes x (B, 2, D, H, W) in model-card channel order and returns
``{"logits": [one (B, 1, D, H, W) per head], "latent_loss": scalar (MIM only)}``.
"""

from __future__ import annotations

from typing import Any, Callable

from torch import nn

from .dual_branch import DualBranchNet
from .mim_cmfnet import MIMCMFNet

__all__ = ["NETWORKS", "build_network", "DualBranchNet", "MIMCMFNet", "count_parameters"]

NETWORKS: dict[str, Callable[..., nn.Module]] = {
    "dual-branch-mmf": DualBranchNet,
    "dual-branch": lambda **kw: DualBranchNet(**{**kw, "mmf": False, "mae": False}),
    "mim-cmfnet": MIMCMFNet,
}


def build_network(name: str, **kwargs: Any) -> nn.Module:
    """Builds a network by registry name with its constructor arguments.

    Raises:
        ValueError: unknown name (the message lists the known ones).
    """
    if name not in NETWORKS:
        raise ValueError(f"unknown network {name!r}; known: {', '.join(sorted(NETWORKS))}")
    return NETWORKS[name](**kwargs)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
