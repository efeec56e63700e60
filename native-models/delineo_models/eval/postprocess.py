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


#: electron/pipeline/inference/postprocess.ts BONE_HU and BONE_FRACTION: a hole holding bone stays open.
BONE_HU = 300.0
BONE_FRACTION = 0.1


def fill_holes_per_slice(mask: np.ndarray, ct: np.ndarray | None = None) -> np.ndarray:
    """Fill what the mask encloses within each z slice (the card's fillHoles), hole by hole.

    Holes are 4-connected, as the app's. With ``ct`` (HU on the mask's grid) a hole with at least
    BONE_FRACTION of its voxels at or above BONE_HU stays open, as in the app.
    """
    m = np.asarray(mask, bool).copy()
    for z in range(m.shape[0]):
        if not m[z].any():
            continue
        holes = ndimage.binary_fill_holes(m[z]) & ~m[z]
        if ct is None:
            m[z] |= holes
            continue
        lab, n = ndimage.label(holes)
        for k in range(1, n + 1):
            hole = lab == k
            if np.count_nonzero(ct[z][hole] >= BONE_HU) < BONE_FRACTION * np.count_nonzero(hole):
                m[z] |= hole
    return m


def to_mask(prob: np.ndarray, spacing, threshold: float, min_ml: float, fill_holes: bool,
            ct: np.ndarray | None = None) -> np.ndarray:
    """The app's order: threshold, drop small components, then fill holes per slice when the card asks."""
    m = remove_small_components(prob >= threshold, spacing, min_ml)
    return fill_holes_per_slice(m, ct) if fill_holes else m


def case_masks(case, combined: np.ndarray, heads, threshold: float, min_ml: float, fill_holes: bool) -> dict:
    """{"combined", "heads"} masks of a case by the app's rule; the case's CT channel (HU) is the
    planning CT where the app reads bone for fillHoles."""
    ct = case.channels.get("CT")
    return {"combined": to_mask(combined, case.spacing, threshold, min_ml, fill_holes, ct),
            "heads": [to_mask(p, case.spacing, threshold, min_ml, fill_holes, ct) for p in heads]}
