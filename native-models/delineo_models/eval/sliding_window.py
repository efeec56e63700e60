"""Sliding-window inference with Gaussian importance weighting (nnU-Net style).

Windows of ``patch_size`` step by ``patch · (1 − overlap)`` (rounded so the first window
starts at 0 and the last ends at the volume edge, evenly spaced in between, as nnU-Net's
``compute_steps_for_sliding_window``). Each window's prediction is weighted by a Gaussian
with σ = patch / 8 per axis centred on the patch, scaled to a maximum of 1, with zeros
replaced by the smallest non-zero weight so no voxel ends up unweighted; the weighted sum is
divided by the summed weights. A volume smaller than the patch is padded symmetrically with
each channel's minimum (or ``pad_value``) and the output cropped back.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import ndimage


def window_starts(size: int, patch: int, overlap: float) -> list[int]:
    """Start indices of windows along one axis (size ≥ patch), evenly spread, ends included."""
    if not 0 <= overlap < 1:
        raise ValueError(f"sliding window: overlap must be in [0, 1), got {overlap}")
    if size <= patch:
        return [0]
    step = patch * (1 - overlap)
    n = math.ceil((size - patch) / step) + 1
    actual = (size - patch) / (n - 1)
    return [int(round(actual * i)) for i in range(n)]


def gaussian_weight(patch_size, sigma_scale: float = 1 / 8) -> np.ndarray:
    """Importance map of a patch: Gaussian (σ = patch · sigma_scale) with max 1, no zeros."""
    tmp = np.zeros(patch_size, np.float64)
    tmp[tuple(p // 2 for p in patch_size)] = 1.0
    g = ndimage.gaussian_filter(tmp, [p * sigma_scale for p in patch_size], mode="constant", cval=0.0)
    g = g / g.max()
    g[g == 0] = g[g > 0].min()
    return g.astype(np.float32)


def weight_sum_map(shape, patch_size, overlap: float, gaussian: bool = True) -> np.ndarray:
    """Sum of window weights each voxel receives (diagnostic; the divisor of the prediction)."""
    ps = list(patch_size)
    padded = [max(s, p) for s, p in zip(shape, ps)]
    w = gaussian_weight(ps) if gaussian else np.ones(ps, np.float32)
    acc = np.zeros(padded, np.float64)
    for z in window_starts(padded[0], ps[0], overlap):
        for y in window_starts(padded[1], ps[1], overlap):
            for x in window_starts(padded[2], ps[2], overlap):
                acc[z:z + ps[0], y:y + ps[1], x:x + ps[2]] += w
    return acc


def sliding_window_predict(predict_fn, image: np.ndarray, patch_size, overlap: float = 0.5,
                           gaussian: bool = True, batch_size: int = 1, pad_value=None, progress=None) -> np.ndarray:
    """Predict a whole volume window by window.

    Args:
        predict_fn: callable taking float32 (B, C, pd, ph, pw) and returning (B, K, pd, ph, pw)
            (numpy or a torch tensor; it is moved to CPU numpy here).
        image: float32 (C, D, H, W), already normalised.
        patch_size: (pd, ph, pw).
        overlap: fraction shared by neighbouring windows, 0 ≤ overlap < 1.
        gaussian: Gaussian importance weighting (else uniform averaging).
        batch_size: windows per call of predict_fn.
        pad_value: padding for volumes smaller than the patch: a number, one per channel (the
            app pads with each card padValue normalised), or None for each channel's minimum.
        progress: optional callable(done, total).
    Returns:
        float32 (K, D, H, W).
    Raises:
        ValueError: for a non-4-D image or a predictor returning the wrong spatial shape.
    """
    if image.ndim != 4:
        raise ValueError(f"sliding window: image must be (C, D, H, W), got {image.shape}")
    ps = tuple(int(p) for p in patch_size)
    c, d, h, w = image.shape
    need = [max(0, p - s) for p, s in zip(ps, (d, h, w))]
    pads = [(k // 2, k - k // 2) for k in need]
    if any(need):
        vals = image.reshape(c, -1).min(1) if pad_value is None else np.broadcast_to(np.asarray(pad_value, np.float32), (c,))
        image = np.stack([np.pad(image[i], pads, constant_values=vals[i]) for i in range(c)])
    D, H, W = image.shape[1:]
    weight = gaussian_weight(ps) if gaussian else np.ones(ps, np.float32)
    starts = [(z, y, x) for z in window_starts(D, ps[0], overlap) for y in window_starts(H, ps[1], overlap)
              for x in window_starts(W, ps[2], overlap)]
    acc = None
    norm = np.zeros((D, H, W), np.float32)
    for b0 in range(0, len(starts), batch_size):
        batch = starts[b0:b0 + batch_size]
        x = np.stack([image[:, z:z + ps[0], y:y + ps[1], xx:xx + ps[2]] for z, y, xx in batch]).astype(np.float32)
        out = predict_fn(x)
        if hasattr(out, "detach"):
            out = out.detach().cpu().numpy()
        out = np.asarray(out, np.float32)
        if out.ndim != 5 or out.shape[0] != len(batch) or tuple(out.shape[2:]) != ps:
            raise ValueError(f"sliding window: predictor returned {out.shape}, expected ({len(batch)}, K) + {ps}")
        if acc is None:
            acc = np.zeros((out.shape[1], D, H, W), np.float32)
        for (z, y, xx), o in zip(batch, out):
            acc[:, z:z + ps[0], y:y + ps[1], xx:xx + ps[2]] += o * weight
            norm[z:z + ps[0], y:y + ps[1], xx:xx + ps[2]] += weight
        if progress:
            progress(min(b0 + batch_size, len(starts)), len(starts))
    acc /= norm
    crop = tuple(slice(a, a + s) for (a, _), s in zip(pads, (d, h, w)))
    return np.ascontiguousarray(acc[(slice(None),) + crop])
