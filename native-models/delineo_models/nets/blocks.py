"""V-Net building blocks shared by the dual-branch network (paper 000) and MIM-CMFNet (paper 003)."""

from __future__ import annotations

import torch
from torch import nn


def stage_channels(base: int, n_stages: int = 5, cap: int = 64) -> list[int]:
    """Channels per encoder stage: base·2^s, capped so the shipped models stay small (≤ 5 MB).

    Args:
        base: channels of stage 1.
        n_stages: number of encoder stages.
        cap: largest channel count of any stage.
    """
    return [min(base * 2**s, cap) for s in range(n_stages)]


class ConvStage(nn.Module):
    """``n`` × (conv3×3×3 → BatchNorm → activation) with a V-Net residual connection.

    Args:
        in_ch: input channels C_in.
        out_ch: output channels C_out.
        n_convs: number of convolutions.
        act: 'leaky' (ReLU with negative slope 0.01, paper 003) or 'prelu' (paper 000).

    Shapes: (B, C_in, D, H, W) → (B, C_out, D, H, W).
    """

    def __init__(self, in_ch: int, out_ch: int, n_convs: int = 1, act: str = "leaky") -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for i in range(n_convs):
            layers += [nn.Conv3d(in_ch if i == 0 else out_ch, out_ch, 3, padding=1, bias=False),
                       nn.BatchNorm3d(out_ch), make_act(act, out_ch)]
        self.body = nn.Sequential(*layers)
        # V-Net's residual; a 1×1×1 projection when the width changes.
        self.skip = nn.Identity() if in_ch == out_ch else nn.Conv3d(in_ch, out_ch, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.skip(x)


def make_act(act: str, ch: int) -> nn.Module:
    """Activation by name: 'leaky' (slope 0.01), 'prelu' (per channel) or 'relu'."""
    if act == "leaky":
        return nn.LeakyReLU(0.01, inplace=True)
    if act == "prelu":
        return nn.PReLU(ch)
    if act == "relu":
        return nn.ReLU(inplace=True)
    raise ValueError(f"unknown activation {act!r}")


class Down(nn.Module):
    """V-Net down-sampling: conv 2×2×2 stride 2 → BN → activation. (B,C,D,H,W) → (B,C',D/2,H/2,W/2)."""

    def __init__(self, in_ch: int, out_ch: int, act: str = "leaky") -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv3d(in_ch, out_ch, 2, stride=2, bias=False),
                                  nn.BatchNorm3d(out_ch), make_act(act, out_ch))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class Up(nn.Module):
    """V-Net up-sampling: transpose conv 2×2×2 stride 2 → BN → activation. (B,C,D,H,W) → (B,C',2D,2H,2W)."""

    def __init__(self, in_ch: int, out_ch: int, act: str = "leaky") -> None:
        super().__init__()
        self.body = nn.Sequential(nn.ConvTranspose3d(in_ch, out_ch, 2, stride=2, bias=False),
                                  nn.BatchNorm3d(out_ch), make_act(act, out_ch))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class VNetEncoder(nn.Module):
    """Five-stage V-Net encoder; stage s works at 1/2^(s-1) resolution.

    Args:
        in_ch: input channels (1 per modality here).
        channels: channels per stage (see :func:`stage_channels`).
        convs: convolutions per stage.
        act: activation name.

    ``stage(s, x)`` runs stage s (0-based) so that callers can fuse between stages.
    """

    def __init__(self, in_ch: int, channels: list[int], convs: list[int], act: str = "leaky") -> None:
        super().__init__()
        self.stages = nn.ModuleList()
        self.downs = nn.ModuleList()
        for s, ch in enumerate(channels):
            self.stages.append(ConvStage(in_ch if s == 0 else ch, ch, convs[s], act))
            if s + 1 < len(channels):
                self.downs.append(Down(ch, channels[s + 1], act))

    def stage(self, s: int, x: torch.Tensor) -> torch.Tensor:
        """Runs down-sampling into stage s (for s > 0) and the stage's convolutions."""
        if s > 0:
            x = self.downs[s - 1](x)
        return self.stages[s](x)


class VNetDecoder(nn.Module):
    """Four-block V-Net decoder: up-sample, add the skip feature, convolve; 1×1×1 head to one logit.

    Args:
        channels: encoder channels per stage (the decoder mirrors them).
        convs: convolutions per encoder stage (mirrored).
        dropout: rate of the MC-dropout layer before the 1×1×1 head (0 disables).
        act: activation name.

    Forward: ``skips`` = features of stages 1..5 (stage 5 = bottleneck) → logits (B, 1, D, H, W).
    """

    def __init__(self, channels: list[int], convs: list[int], dropout: float = 0.5, act: str = "leaky") -> None:
        super().__init__()
        self.ups = nn.ModuleList()
        self.blocks = nn.ModuleList()
        for s in range(len(channels) - 1, 0, -1):
            self.ups.append(Up(channels[s], channels[s - 1], act))
            self.blocks.append(ConvStage(channels[s - 1], channels[s - 1], max(1, convs[s - 1]), act))
        # Paper 003 (after UA-MT's V-Net): the second of the two dropout layers sits before the head.
        self.dropout = nn.Dropout3d(dropout) if dropout > 0 else nn.Identity()
        self.head = nn.Conv3d(channels[0], 1, 1)

    def forward(self, skips: list[torch.Tensor]) -> torch.Tensor:
        x = skips[-1]
        for i, (up, block) in enumerate(zip(self.ups, self.blocks)):
            x = block(up(x) + skips[-2 - i])
        return self.head(self.dropout(x))
