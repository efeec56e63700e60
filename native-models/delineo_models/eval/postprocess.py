"""Turning probabilities into the mask the app would show: threshold, drop small components, fill holes."""
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


def fill_holes_per_slice(mask: np.ndarray) -> np.ndarray:
    """Fill what the mask encloses within each z slice (the card's fillHoles; 4-connected background, as the app)."""
    m = np.asarray(mask, bool).copy()
    for z in range(m.shape[0]):
        if m[z].any():
            m[z] = ndimage.binary_fill_holes(m[z])
    return m


def to_mask(prob: np.ndarray, spacing, threshold: float, min_ml: float, fill_holes: bool) -> np.ndarray:
    """The app's order: threshold, drop small components, then fill holes per slice when the card asks."""
    m = remove_small_components(prob >= threshold, spacing, min_ml)
    return fill_holes_per_slice(m) if fill_holes else m
