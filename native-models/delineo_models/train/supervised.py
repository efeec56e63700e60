"""Supervised-only baseline: BCE + Dice on the labelled cases, unlabelled ones unused."""

from __future__ import annotations

from .trainer import Trainer


class SupervisedTrainer(Trainer):
    """The base loop as is: every sample labelled, L = mean over heads of BCE + Dice."""

    method = "supervised"
