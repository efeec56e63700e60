"""The papers' preprocessing that belongs to the data rather than to the model card.

Intensity normalisation is NOT applied here: it is a model-card ``ChannelNormalization``
applied by ``CaseDataset`` (training) and by the app (inference), so that both do the same.
What the importers do here is geometry: crop to the non-zero region and resample.
``PAPER_NORMALIZATION`` records, per kind of channel, the card dict that reproduces each
paper's intensity step as closely as the card's vocabulary allows.
"""
from __future__ import annotations

import numpy as np

#: Card normalisation dicts that follow the papers (see module doc).
PAPER_NORMALIZATION = {
    # Paper 000, BraTS: "crop zero-intensity regions and apply min-max normalization to each scan".
    "MR-minmax": {"method": "minmax-percentile", "lower": 0.0, "upper": 100.0},
    # Paper 000, NPC: CT in HU "normalized using window width/level" (soft-tissue window W 400 / L 40).
    "CT-window": {"method": "window", "min": -160.0, "max": 240.0},
    # Paper 003: each PET image z-scored on its own; SUV ≥ 0, so threshold −1 takes every voxel.
    "PT-zscore": {"method": "zscore-foreground", "threshold": -1.0},
}


def nonzero_bbox(mask: np.ndarray, margin: int = 0) -> tuple[slice, slice, slice]:
    """Bounding box of the True voxels of a (D, H, W) mask, grown by ``margin`` voxels.

    Raises:
        ValueError: when the mask is empty (nothing to crop to).
    """
    idx = np.argwhere(mask)
    if idx.size == 0:
        raise ValueError("nonzero_bbox: the mask is empty")
    lo = np.maximum(idx.min(0) - margin, 0)
    hi = np.minimum(idx.max(0) + 1 + margin, mask.shape)
    return tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))


def crop_affine(affine: np.ndarray, bbox) -> np.ndarray:
    """Affine of a (z, y, x) crop: the origin moves to the crop's first voxel."""
    a = affine.copy()
    start_xyz = np.array([bbox[2].start, bbox[1].start, bbox[0].start], float)
    a[:3, 3] = affine[:3, :3] @ start_xyz + affine[:3, 3]
    return a


def global_foreground_stats(volumes, threshold: float, lower_pct: float = 0.5, upper_pct: float = 99.5) -> dict:
    """Paper 003's CT step: over the foreground (v > threshold) of ALL training volumes, the
    0.5th/99.5th percentiles, then the mean and population sd of the clipped values.

    Returns:
        {"lower", "upper", "mean", "std"}; a card can carry mean/std as ``zscore-fixed``
        (the card has no clip step, so the app does not clip; the clip changes the statistics,
        not the voxels, when the card is used).
    """
    fg = np.concatenate([np.asarray(v, np.float64)[np.asarray(v) > threshold].ravel() for v in volumes])
    if fg.size == 0:
        raise ValueError("global_foreground_stats: no voxel above the threshold")
    lo, hi = np.percentile(fg, [lower_pct, upper_pct])
    c = np.clip(fg, lo, hi)
    return {"lower": float(lo), "upper": float(hi), "mean": float(c.mean()), "std": float(c.std())}
