"""What goes into the ONNX graph: the network with a sigmoid on every head, nothing training-only."""

from __future__ import annotations

import torch
from torch import nn


def output_spec(net: nn.Module) -> tuple[list[str], list[str], str]:
    """(ONNX output names, model-card roles, card ``combine``) for a network.

    Two-branch networks (paper 000) output both branch probabilities, averaged by the app;
    MIM-CMFNet (paper 003) has one fused head.
    """
    if getattr(net, "n_heads", 1) == 2:
        return ["prob_a", "prob_b"], ["branch-a", "branch-b"], "mean"
    return ["prob"], ["fused"], "first"


class ProbabilityWrapper(nn.Module):
    """Runs the network in eval mode and returns sigmoid probabilities per head.

    Forward: image (N, 2, D, H, W) → tuple of (N, 1, D, H, W) probabilities, one per head.
    The MIM latent branch is training-only and is dropped (it never reaches the logits).
    """

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net.eval()
        if hasattr(self.net, "mim"):
            self.net.mim = None   # removes the latent branch (and its random sampling) from the graph

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(torch.sigmoid(l) for l in self.net(image)["logits"])
