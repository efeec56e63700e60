"""Dual-branch network of paper 000 (MMF + MAE), and with both switched off the plain dual-branch baseline."""

from __future__ import annotations

import torch
from torch import nn

from .blocks import VNetDecoder, VNetEncoder, stage_channels
from .mae import ModalityAwareEnhancement
from .mmf import MultiModalFusion


class DualBranchNet(nn.Module):
    """One V-Net encoder–decoder per modality with multi-stage fusion (paper 000, Fig. 1).

    Branch a sees channel 0 and gives f(x^a); branch b sees channel 1 and gives g(x^b).
    With ``mmf`` the four encoder stages are fused by eq. 2 and the fused map is fed to the
    next stage of both encoders; with ``mae`` the bottleneck features are re-weighted by eq. 3
    before the decoders. Both off = the "Baseline" row of paper 000, table 2.

    Args:
        base_channels: width of stage 1 (stages double it up to ``max_channels``).
        max_channels: cap on any stage's width (keeps the model ≤ 5 MB).
        convs: convolutions per stage (5 stages).
        mmf: multi-stage multi-modal fusion (eq. 2) at stages 1–4.
        mae: modality-aware enhancement (eq. 3) at the bottleneck.
        mmf_inject: 'gate' | 'add' — see :class:`MultiModalFusion`.
        mae_mode: 'mix' | 'scale' — see :class:`ModalityAwareEnhancement`.
        dropout: rate of the two dropout layers (after stage 5 and before each head); paper: 0.5.

    Forward: x (B, 2, D, H, W) with D, H, W divisible by 16 →
    ``{"logits": [a (B,1,D,H,W), b (B,1,D,H,W)]}``.
    """

    n_heads = 2

    def __init__(self, base_channels: int = 8, max_channels: int = 32, convs: tuple[int, ...] = (1, 1, 2, 2, 2),
                 mmf: bool = True, mae: bool = True, mmf_inject: str = "gate", mae_mode: str = "mix",
                 dropout: float = 0.5) -> None:
        super().__init__()
        ch = stage_channels(base_channels, 5, max_channels)
        self.enc_a = VNetEncoder(1, ch, list(convs), "prelu")
        self.enc_b = VNetEncoder(1, ch, list(convs), "prelu")
        self.fusions = nn.ModuleList(MultiModalFusion(c, mmf_inject) for c in ch[:4]) if mmf else None
        self.mae = ModalityAwareEnhancement(ch[4], mode=mae_mode) if mae else None
        self.dropout = nn.Dropout3d(dropout) if dropout > 0 else nn.Identity()
        self.dec_a = VNetDecoder(ch, list(convs), dropout, "prelu")
        self.dec_b = VNetDecoder(ch, list(convs), dropout, "prelu")

    def forward(self, x: torch.Tensor) -> dict[str, list[torch.Tensor]]:
        if x.ndim != 5 or x.shape[1] != 2:
            raise ValueError(f"DualBranchNet expects (B, 2, D, H, W), got {tuple(x.shape)}")
        a, b = x[:, :1], x[:, 1:]
        skips_a: list[torch.Tensor] = []
        skips_b: list[torch.Tensor] = []
        for s in range(5):
            a, b = self.enc_a.stage(s, a), self.enc_b.stage(s, b)
            if self.fusions is not None and s < 4:
                fused = self.fusions[s](a, b)
                a, b = self.fusions[s].inject(a, fused), self.fusions[s].inject(b, fused)
            skips_a.append(a)
            skips_b.append(b)
        a, b = skips_a[-1], skips_b[-1]
        if self.mae is not None:
            a, b = self.mae(a, b)
        skips_a[-1], skips_b[-1] = self.dropout(a), self.dropout(b)
        return {"logits": [self.dec_a(skips_a), self.dec_b(skips_b)]}
