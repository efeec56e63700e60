"""Multi-modal contrastive mutual learning (MCML) loss of paper 000, eqs. 4–6."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .dice_bce import DiceBCELoss


class MCMLLoss(nn.Module):
    """L_total = L_sup + α·L_unsup (paper 000).

    L_sup (eq. 4): CE + Dice of both branches f(x^a), g(x^b) against y, on labelled samples.
    L_unsup (eq. 6): ‖f(x^a) − pl^b‖² + ‖g(x^b) − pl^a‖² on unlabelled samples, with the
    pseudo-labels pl = the other branch's probabilities (eq. 5) under stop-gradient, so no
    gradient flows between pl^a and f(x^a) nor between pl^b and g(x^b). The squared norm is
    taken as the voxel mean (MSE) so α keeps the same meaning for any patch size.

    Forward args:
        logits_a, logits_b: (B, 1, D, H, W) branch logits for the whole batch.
        target: (B_l, 1, D, H, W) labels of the first B_l samples (None: no labelled sample).
        alpha: weight of L_unsup at this step (α = 1 in the paper; ramp-up allowed).

    Returns:
        dict with 'total', 'sup', 'unsup' scalars.
    """

    def __init__(self) -> None:
        super().__init__()
        self.sup = DiceBCELoss()

    def forward(self, logits_a: torch.Tensor, logits_b: torch.Tensor, target: torch.Tensor | None,
                alpha: float = 1.0) -> dict[str, torch.Tensor]:
        n_l = 0 if target is None else target.shape[0]
        zero = logits_a.sum() * 0
        sup = self.sup(logits_a[:n_l], target) + self.sup(logits_b[:n_l], target) if n_l else zero
        unl_a, unl_b = torch.sigmoid(logits_a[n_l:]), torch.sigmoid(logits_b[n_l:])
        if unl_a.shape[0]:
            pl_a, pl_b = unl_a.detach(), unl_b.detach()   # eq. 5 pseudo-labels, stop-gradient
            unsup = F.mse_loss(unl_a, pl_b) + F.mse_loss(unl_b, pl_a)
        else:
            unsup = zero
        return {"total": sup + alpha * unsup, "sup": sup, "unsup": unsup}
