"""Random training patches from one case, with a controlled share centred on tumour."""
from __future__ import annotations

import numpy as np

from .augment import AugmentConfig, augment_patch


def sample_patches(case_item: dict, patch_size, n: int, fg_fraction: float, rng: np.random.Generator,
                   augment: AugmentConfig | None = None):
    """Crop ``n`` patches from a case, ``round(n · fg_fraction)`` of them centred on a random
    foreground voxel (when the case has a non-empty label), the rest uniformly placed.

    A volume smaller than the patch along an axis is padded symmetrically with each channel's
    minimum (the "outside" value after normalisation) and label 0, as sliding-window
    inference pads. Foreground-centred patches are clamped inside the (padded) volume, so
    the tumour voxel is in the patch but not necessarily at its centre near edges.

    Args:
        case_item: a ``CaseDataset`` item: {"image": (C,D,H,W), "label": (1,D,H,W) or None,
            "modalities" (optional, needed for modality-aware augmentation)}.
        patch_size: (pd, ph, pw).
        n: number of patches.
        fg_fraction: share of foreground-centred patches, 0–1.
        rng: generator.
        augment: an AugmentConfig to augment each patch, or None.
    Returns:
        (images float32 (n, C, pd, ph, pw), labels uint8 (n, 1, pd, ph, pw) or None).
    """
    image = case_item["image"]
    label = case_item.get("label")
    if image.ndim != 4:
        raise ValueError(f"sample_patches: image must be (C, D, H, W), got shape {image.shape}")
    ps = tuple(int(p) for p in patch_size)
    image, label = _pad_to(image, label, ps)
    c, d, h, w = image.shape
    fg = np.argwhere(label[0] > 0) if label is not None else np.empty((0, 3), int)
    n_fg = round(n * fg_fraction) if len(fg) else 0
    mods = case_item.get("modalities") or [""] * c
    images = np.empty((n, c) + ps, np.float32)
    labels = None if label is None else np.empty((n, 1) + ps, np.uint8)
    for i in range(n):
        if i < n_fg:
            centre = fg[rng.integers(len(fg))]
            start = [int(np.clip(centre[a] - ps[a] // 2, 0, (d, h, w)[a] - ps[a])) for a in range(3)]
        else:
            start = [int(rng.integers(0, (d, h, w)[a] - ps[a] + 1)) for a in range(3)]
        sl = tuple(slice(s, s + p) for s, p in zip(start, ps))
        im = image[(slice(None),) + sl]
        lb = None if label is None else label[(slice(None),) + sl]
        if augment is not None:
            im, lb = augment_patch(im, lb, mods, rng, augment)
        images[i] = im
        if labels is not None:
            labels[i] = lb
    return images, labels


def _pad_to(image: np.ndarray, label, ps):
    """Pad (C, D, H, W) symmetrically up to at least ps with per-channel minima; label with 0."""
    need = [max(0, p - s) for p, s in zip(ps, image.shape[1:])]
    if not any(need):
        return image, label
    pads = [(0, 0)] + [(k // 2, k - k // 2) for k in need]
    mins = image.reshape(image.shape[0], -1).min(axis=1)
    out = np.stack([np.pad(image[ch], pads[1:], constant_values=mins[ch]) for ch in range(image.shape[0])])
    lab = None if label is None else np.pad(label, pads, constant_values=0)
    return out, lab
