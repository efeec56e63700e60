"""Paper 000's semi-supervised method: multi-modal contrastive mutual learning (eqs. 4–6)."""

from __future__ import annotations

from typing import Any

import torch

from ..losses import MCMLLoss, sigmoid_rampup
from .trainer import Trainer


class MCMLTrainer(Trainer):
    """L = L_sup(f, g) + α(t)·L_unsup(f, g) with batch = labelled + unlabelled halves.

    Needs a two-head network (``dual-branch-mmf`` or ``dual-branch``). α(t) = α·ramp(t) with
    UA-MT's sigmoid ramp over ``method_args.rampup_steps`` (0 = constant α, as the paper).
    """

    method = "mcml"

    def setup(self) -> None:
        if getattr(self.net, "n_heads", 1) != 2:
            raise ValueError(f"mcml needs a two-branch network, {self.net_name!r} has one head")
        self.mcml = MCMLLoss()

    def batch_split(self) -> tuple[int, int]:
        b = int(self.cfg["training"]["batch_size"])
        return b - b // 2, b // 2

    def losses(self, x: torch.Tensor, y: torch.Tensor, out: dict[str, Any], step: int) -> dict[str, torch.Tensor]:
        args = self.cfg["method_args"]
        alpha = args["alpha"] * sigmoid_rampup(step, args["rampup_steps"])
        la, lb = out["logits"]
        return self.mcml(la, lb, y, alpha)
