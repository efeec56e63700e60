"""Supervised segmentation loss: binary cross-entropy + soft Dice (paper 000 eq. 4, paper 003 L_seg)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def soft_dice_loss(prob: torch.Tensor, target: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """1 − (2 Σ p·y + ε) / (Σ p + Σ y + ε), summed over the whole batch (as UA-MT's reference code).

    Args:
        prob: (B, 1, D, H, W) foreground probabilities.
        target: (B, 1, D, H, W) in {0, 1}.

    Raises:
        ValueError: if the shapes differ.
    """
    if prob.shape != target.shape:
        raise ValueError(f"soft_dice_loss: prediction {tuple(prob.shape)} and target {tuple(target.shape)} differ")
    inter = (prob * target).sum()
    return 1 - (2 * inter + eps) / (prob.sum() + target.sum() + eps)


class DiceBCELoss(nn.Module):
    """L = BCE(logits, y) + Dice(sigmoid(logits), y); with one sigmoid output BCE is the paper's CE.

    Args:
        bce_weight, dice_weight: weights of the two terms (1, 1 in both papers).

    Forward: logits (B, 1, D, H, W), target (B, 1, D, H, W) in {0, 1} → scalar.
    """

    def __init__(self, bce_weight: float = 1.0, dice_weight: float = 1.0) -> None:
        super().__init__()
        self.bce_weight, self.dice_weight = bce_weight, dice_weight

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        target = target.to(logits.dtype)
        if logits.shape != target.shape:
            raise ValueError(f"DiceBCELoss: logits {tuple(logits.shape)} and target {tuple(target.shape)} differ")
        bce = F.binary_cross_entropy_with_logits(logits, target)
        return self.bce_weight * bce + self.dice_weight * soft_dice_loss(torch.sigmoid(logits), target)
