"""Paper 003's semi-supervised framework: uncertainty-aware mean teacher (eq. 1)."""

from __future__ import annotations

import copy
from typing import Any

import torch

from ..losses import binary_entropy, sigmoid_rampup, uamt_consistency, uncertainty_threshold
from .ema import ema_update, mc_dropout_probs
from .trainer import Trainer


class UAMTTrainer(Trainer):
    """L = L_seg + λ(t)·L_con + ν·L_latent (paper 003, eq. 1).

    The teacher is an EMA of the student (decay ``ema_decay``); it makes T = ``mc_passes``
    MC-dropout passes with clipped input noise, their mean is the target and its entropy the
    uncertainty; voxels above the ramped threshold are left out of L_con. λ(t) =
    ``consistency_weight``·ramp(t). ``consistency_on`` = 'all' (paper: L_con supervises all the
    training data) or 'unlabelled' (cheaper on a CPU). With several heads the student and
    teacher probabilities are the mean of the heads.
    """

    method = "uamt"

    def setup(self) -> None:
        self.teacher = copy.deepcopy(self.net)
        for p in self.teacher.parameters():
            p.requires_grad_(False)

    def batch_split(self) -> tuple[int, int]:
        b = int(self.cfg["training"]["batch_size"])
        return b - b // 2, b // 2

    def losses(self, x: torch.Tensor, y: torch.Tensor, out: dict[str, Any], step: int) -> dict[str, torch.Tensor]:
        args = self.cfg["method_args"]
        terms = super().losses(x, y, out, step)
        start = 0 if args["consistency_on"] == "all" else y.shape[0]
        student = torch.stack([torch.sigmoid(l[start:]) for l in out["logits"]]).mean(0)
        probs = self.teacher_probs(x[start:])
        mean = probs.mean(0)
        ramp = sigmoid_rampup(step, args["rampup_steps"])
        con = uamt_consistency(student, mean, binary_entropy(mean), uncertainty_threshold(ramp))
        terms["con"] = con
        terms["total"] = terms["total"] + args["consistency_weight"] * ramp * con
        return terms

    @torch.no_grad()
    def teacher_probs(self, x: torch.Tensor) -> torch.Tensor:
        """(T, B, 1, D, H, W) teacher probabilities (mean of heads) from T MC-dropout passes."""
        args = self.cfg["method_args"]
        return mc_dropout_probs(self.teacher, x, int(args["mc_passes"]), float(args["input_noise"]))

    def after_step(self, step: int) -> None:
        ema_update(self.teacher, self.net, float(self.cfg["method_args"]["ema_decay"]), step)

    def extra_state(self) -> dict[str, Any]:
        return {"teacher": self.teacher.state_dict()}

    def load_extra_state(self, state: dict[str, Any]) -> None:
        self.teacher.load_state_dict(state["teacher"])
