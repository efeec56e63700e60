"""Cross-modal fusion (CMF) non-local cross attention of paper 003, eq. 2."""

from __future__ import annotations

import torch
from torch import nn


class CrossModalFusion(nn.Module):
    """Z = P + μ(α g(P)), α = ω(P) φ(Ĉ)ᵀ / N — paper 003, eq. 2 (non-local block, PET primary).

    ω, φ, g, μ are 1×1×1 convolutions; N = D·H·W normalises the dot products (no softmax,
    as in eq. 2). Every PET voxel attends to every CT voxel. Eq. 2 literally aggregates
    g(P) — the PET values at the CT-matched positions (both grids are the same voxels);
    ``value='ct'`` switches to g(Ĉ), the usual cross-attention reading.

    Args:
        ch: channels C of P and Ĉ.
        inner: channels of ω, φ, g (default C // 2, as in the non-local block).
        value: 'pet' (eq. 2 as written) or 'ct'.

    Shapes: P, C (B, C, D, H, W) → Z (B, C, D, H, W). Memory grows with (D·H·W)², which is
    why the network runs on fixed patches by sliding window.
    """

    def __init__(self, ch: int, inner: int | None = None, value: str = "pet") -> None:
        super().__init__()
        if value not in ("pet", "ct"):
            raise ValueError(f"CMF value must be 'pet' or 'ct', got {value!r}")
        inner = inner or max(ch // 2, 1)
        self.value = value
        self.omega = nn.Conv3d(ch, inner, 1)
        self.phi = nn.Conv3d(ch, inner, 1)
        self.g = nn.Conv3d(ch, inner, 1)
        # μ ends in BN initialised to zero so that Z = P at the start (non-local block practice).
        self.mu = nn.Sequential(nn.Conv3d(inner, ch, 1, bias=False), nn.BatchNorm3d(ch))
        nn.init.zeros_(self.mu[1].weight)

    def forward(self, p: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        b, _, d, h, w = p.shape
        q = self.omega(p).flatten(2).transpose(1, 2)            # (B, N, C')
        k = self.phi(c).flatten(2)                               # (B, C', N)
        v = self.g(p if self.value == "pet" else c).flatten(2).transpose(1, 2)  # (B, N, C')
        n = q.shape[1]
        alpha = torch.bmm(q, k) / n                              # (B, N, N), eq. 2
        y = torch.bmm(alpha, v).transpose(1, 2).reshape(b, -1, d, h, w)
        return p + self.mu(y)
