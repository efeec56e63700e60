"""Multi-stage multi-modal fusion (MMF) of paper 000, eq. 2."""

from __future__ import annotations

import torch
from torch import nn


class MultiModalFusion(nn.Module):
    """f_s^ab = sigmoid(conv2(conv1(cat(f_s^a, f_s^b)))) — paper 000, eq. 2.

    Each conv is 3×3×3, padding 1, stride 1, "followed by PReLU activation and batch
    normalization" (the paper's order, kept). The fused map is fed to the next stage of
    both encoders by :meth:`inject`.

    Args:
        ch: channels C of each branch's feature at this stage.
        inject: how f^ab enters each encoder. Eq. 2 only says it is "transmitted to the next
            stage of each encoder"; being a sigmoid map it reads as a gate. 'gate' (default):
            f' = f · (1 + f^ab), a residual gate that cannot erase a branch's own features;
            'add': f' = f + f^ab.

    Shapes: f_a, f_b (B, C, D, H, W) → fused (B, C, D, H, W) in (0, 1).
    """

    def __init__(self, ch: int, inject: str = "gate") -> None:
        super().__init__()
        if inject not in ("gate", "add"):
            raise ValueError(f"MMF inject must be 'gate' or 'add', got {inject!r}")
        self.inject_mode = inject
        self.conv1 = nn.Sequential(nn.Conv3d(2 * ch, ch, 3, padding=1), nn.PReLU(ch), nn.BatchNorm3d(ch))
        self.conv2 = nn.Sequential(nn.Conv3d(ch, ch, 3, padding=1), nn.PReLU(ch), nn.BatchNorm3d(ch))

    def forward(self, f_a: torch.Tensor, f_b: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.conv2(self.conv1(torch.cat([f_a, f_b], dim=1))))

    def inject(self, f: torch.Tensor, fused: torch.Tensor) -> torch.Tensor:
        """Feeds the fused map into one branch's feature (see ``inject`` above)."""
        return f * (1 + fused) if self.inject_mode == "gate" else f + fused
