"""MIM-CMFNet of paper 003: dual V-Net encoders (CT, PET), EF at stages 1–2, CMF at 3–5, MIM, one decoder."""

from __future__ import annotations

import torch
from torch import nn

from .blocks import VNetDecoder, VNetEncoder, stage_channels
from .cmf import CrossModalFusion
from .easy_fusion import EasyFusion
from .mim import MutualInformationMinimization


class MIMCMFNet(nn.Module):
    """Paper 003, Fig. 2: the PET and CT encoders run independently (keeping each modality's own
    features); at each stage a fused map Z_s — EasyFusion at stages 1–2, CMF (eq. 2) at 3–5 —
    is the skip connection of the single decoder, Z_5 its input. MIM (eqs. 3–6) reads the
    stage-5 features of both encoders. Two dropout layers (rate 0.5): after stage 5 and before
    the head, active in training and in MC-dropout passes, off at test.

    Args:
        base_channels: width of stage 1.
        max_channels: cap on any stage's width.
        convs: convolutions per stage (5 stages).
        cmf: CMF at stages 3–5; off = EasyFusion at every stage (the UA-MT PET/CT baseline).
        mim: compute L_latent (training-time only; it does not change the logits).
        cmf_value: 'pet' | 'ct' — see :class:`CrossModalFusion`.
        dropout: rate of the two MC-dropout layers.

    Forward: x (B, 2, D, H, W), channel 0 = CT, channel 1 = PET, D, H, W divisible by 16 →
    ``{"logits": [fused (B,1,D,H,W)], "latent_loss": scalar}`` (the latter only with ``mim``).
    """

    n_heads = 1

    def __init__(self, base_channels: int = 8, max_channels: int = 32, convs: tuple[int, ...] = (1, 1, 2, 2, 2),
                 cmf: bool = True, mim: bool = True, cmf_value: str = "pet", dropout: float = 0.5) -> None:
        super().__init__()
        ch = stage_channels(base_channels, 5, max_channels)
        self.enc_ct = VNetEncoder(1, ch, list(convs), "leaky")
        self.enc_pet = VNetEncoder(1, ch, list(convs), "leaky")
        self.fusions = nn.ModuleList(
            CrossModalFusion(c, value=cmf_value) if (cmf and s >= 2) else EasyFusion(c) for s, c in enumerate(ch))
        self.mim = MutualInformationMinimization(ch[4]) if mim else None
        self.dropout = nn.Dropout3d(dropout) if dropout > 0 else nn.Identity()
        self.decoder = VNetDecoder(ch, list(convs), dropout, "leaky")

    def forward(self, x: torch.Tensor) -> dict[str, object]:
        if x.ndim != 5 or x.shape[1] != 2:
            raise ValueError(f"MIMCMFNet expects (B, 2, D, H, W) with channels CT, PET; got {tuple(x.shape)}")
        c, p = x[:, :1], x[:, 1:]
        fused: list[torch.Tensor] = []
        for s, fusion in enumerate(self.fusions):
            c, p = self.enc_ct.stage(s, c), self.enc_pet.stage(s, p)
            fused.append(fusion(p, c))
        fused[-1] = self.dropout(fused[-1])
        out: dict[str, object] = {"logits": [self.decoder(fused)]}
        if self.mim is not None:
            out["latent_loss"] = self.mim(c, p)
        return out
