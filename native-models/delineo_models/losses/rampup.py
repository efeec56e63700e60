"""Sigmoid ramp-up of the unsupervised weight (Laine & Aila; used by UA-MT, paper 003 eq. 1 λ)."""

from __future__ import annotations

import math


def sigmoid_rampup(step: float, length: float) -> float:
    """exp(−5 (1 − t)²) with t = clip(step / length, 0, 1); 1 when ``length`` ≤ 0."""
    if length <= 0:
        return 1.0
    t = min(max(step / length, 0.0), 1.0)
    return math.exp(-5.0 * (1.0 - t) ** 2)
