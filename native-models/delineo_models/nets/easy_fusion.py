"""EasyFusion (EF) of paper 003 at encoder stages 1–2."""

from __future__ import annotations

import torch
from torch import nn


class EasyFusion(nn.Module):
    """Cheap PET/CT fusion for the high-resolution stages, where non-local attention is too costly.

    Paper 003 names EF without defining it; we take the simplest learned fusion:
    Z = conv1×1×1(cat(P, C)) → BN → LeakyReLU(0.01).

    Args:
        ch: channels C of each modality's feature.

    Shapes: P, C (B, C, D, H, W) → Z (B, C, D, H, W).
    """

    def __init__(self, ch: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv3d(2 * ch, ch, 1, bias=False), nn.BatchNorm3d(ch),
                                  nn.LeakyReLU(0.01, inplace=True))

    def forward(self, p: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return self.body(torch.cat([p, c], dim=1))
