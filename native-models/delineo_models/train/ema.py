"""Mean-teacher helpers: exponential moving average of the student and MC-dropout sampling (paper 003)."""

from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def ema_update(teacher: nn.Module, student: nn.Module, decay: float, step: int) -> None:
    """θ' ← a·θ' + (1 − a)·θ with a = min(1 − 1/(step + 1), decay) (UA-MT's warm start); buffers
    (BatchNorm statistics) are copied from the student."""
    a = min(1 - 1 / (step + 1), decay)
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.mul_(a).add_(s.detach(), alpha=1 - a)
    for t, s in zip(teacher.buffers(), student.buffers()):
        t.copy_(s)


def enable_mc_dropout(model: nn.Module) -> None:
    """Puts the model in eval mode (frozen BatchNorm) but keeps its dropout layers sampling."""
    model.eval()
    for m in model.modules():
        if isinstance(m, (nn.Dropout, nn.Dropout3d)):
            m.train()


@torch.no_grad()
def mc_dropout_probs(model: nn.Module, x: torch.Tensor, passes: int, noise: float) -> torch.Tensor:
    """T stochastic passes (MC dropout + clipped Gaussian input noise, as UA-MT) → (T, B, 1, D, H, W)
    sigmoid probabilities, averaged over the heads of a multi-head network."""
    enable_mc_dropout(model)
    out = []
    for _ in range(passes):
        eps = torch.clamp(torch.randn_like(x) * noise, -2 * noise, 2 * noise)
        out.append(torch.stack([torch.sigmoid(l) for l in model(x + eps)["logits"]]).mean(0))
    return torch.stack(out)
