"""Modality-aware enhancement (MAE) of paper 000, eq. 3."""

from __future__ import annotations

import torch
from torch import nn


class ModalityAwareEnhancement(nn.Module):
    """W^a = softmax(FC(GAP(ψ1(F^a) + ψ2(F^b)))) — paper 000, eq. 3; the same for b with roles swapped.

    ψ1 and ψ2 are conv → BN → ReLU with different receptive fields: ψ1 a 3×3×3 conv,
    ψ2 a 3×3×3 conv with dilation 2 (5×5×5 field). The FC gives one logit per modality and
    channel, and the softmax runs across the two modalities (selective-kernel style), so
    eq. 3 yields per-channel weights (w_own, w_other) summing to 1.

    Args:
        ch: channels C of each branch at the bottleneck.
        reduction: hidden width of the FC is max(C // reduction, 4).
        mode: eq. 3 does not say how W^a is applied. 'mix' (default): F^a' = w_own·F^a +
            w_other·F^b, the weights choosing per channel how much of each modality the
            branch's decoder sees; 'scale': F^a' = F^a · (1 + w_own), re-weighting own channels only.

    Shapes: F_a, F_b (B, C, D, H, W) → (F_a', F_b') each (B, C, D, H, W).
    """

    def __init__(self, ch: int, reduction: int = 4, mode: str = "mix") -> None:
        super().__init__()
        if mode not in ("mix", "scale"):
            raise ValueError(f"MAE mode must be 'mix' or 'scale', got {mode!r}")
        self.mode = mode
        hidden = max(ch // reduction, 4)
        self.psi1 = nn.Sequential(nn.Conv3d(ch, ch, 3, padding=1, bias=False), nn.BatchNorm3d(ch), nn.ReLU(inplace=True))
        self.psi2 = nn.Sequential(nn.Conv3d(ch, ch, 3, padding=2, dilation=2, bias=False), nn.BatchNorm3d(ch),
                                  nn.ReLU(inplace=True))
        self.fc_a = nn.Sequential(nn.Linear(ch, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, 2 * ch))
        self.fc_b = nn.Sequential(nn.Linear(ch, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, 2 * ch))

    def weights(self, own: torch.Tensor, other: torch.Tensor, fc: nn.Module) -> torch.Tensor:
        """Eq. 3 for one branch: (B, 2, C) weights over (own, other), softmax across dim 1."""
        pooled = (self.psi1(own) + self.psi2(other)).mean(dim=(2, 3, 4))
        logits = fc(pooled).view(own.shape[0], 2, own.shape[1])
        return torch.softmax(logits, dim=1)

    def forward(self, f_a: torch.Tensor, f_b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        w_a = self.weights(f_a, f_b, self.fc_a)[..., None, None, None]
        w_b = self.weights(f_b, f_a, self.fc_b)[..., None, None, None]
        if self.mode == "mix":
            return w_a[:, 0] * f_a + w_a[:, 1] * f_b, w_b[:, 0] * f_b + w_b[:, 1] * f_a
        return f_a * (1 + w_a[:, 0]), f_b * (1 + w_b[:, 0])
