"""Turning probabilities into the mask the app would show: threshold, drop small components."""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def remove_small_components(mask: np.ndarray, spacing, min_ml: float) -> np.ndarray:
    """Drop 26-connected components smaller than ``min_ml`` millilitres (the card's minComponentMl)."""
    m = np.asarray(mask, bool)
    if min_ml <= 0 or not m.any():
        return m
    lab, n = ndimage.label(m, structure=np.ones((3, 3, 3), bool))
    sizes = np.bincount(lab.ravel())[1:] * float(np.prod(spacing)) / 1000.0
    keep = np.concatenate([[False], sizes >= min_ml])
    return keep[lab]
