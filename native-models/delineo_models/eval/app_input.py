"""The app's model-input preparation, in Python, so report figures are what the app would show.

Mirrors ``prepareModelInput`` (electron/pipeline/normalize/prepare-input.ts): crop to the body
on the planning channel (voxels > −500 HU grown by 10 mm per side; the whole field of view when
none), a grid at the target spacing centred in that box (``grid_for_spacing``), each channel
resampled onto it trilinearly with its pad value outside its extent, normalised per the card,
and the pad value normalised with the same map for windows that leave the grid.
"""
from __future__ import annotations

import math

import numpy as np

from ..data.nifti_io import NiftiVolume
from ..data.normalize import apply_normalization_map, normalization_map
from ..data.resample import grid_for_spacing, resample_to_grid


def body_box(planning: np.ndarray, spacing_zyx, threshold: float = -500.0, margin_mm: float = 10.0):
    """Inclusive (z, y, x) index bounds of voxels > threshold grown by margin_mm; None if none."""
    idx = np.argwhere(planning > threshold)
    if idx.size == 0:
        return None
    grow = [math.ceil(margin_mm / s) for s in spacing_zyx]
    lo = [max(0, int(idx[:, a].min()) - grow[a]) for a in range(3)]
    hi = [min(planning.shape[a] - 1, int(idx[:, a].max()) + grow[a]) for a in range(3)]
    return tuple((lo[a], hi[a]) for a in range(3))


def prepare_like_app(case, modalities, specs, pad_values, target_spacing_zyx, margin_mm: float = 10.0):
    """Model input for ``case`` as the app builds it.

    Args:
        case: a ``CaseImages`` (channels in physical units on one grid).
        modalities: case channel names in model order; the first is the planning channel.
        specs: ChannelNormalization dicts, model order.
        pad_values: physical outside values, model order.
        target_spacing_zyx: model spacing (z, y, x) mm.
    Returns:
        (image float32 (C, D, H, W), grid affine, normalised pad value per channel).
    """
    planning = case.channels[modalities[0]]
    box = body_box(planning, case.spacing, -500.0, margin_mm)
    aff, shape = grid_for_spacing(case.affine, planning.shape, target_spacing_zyx, box)
    chans, pads = [], []
    for name, spec, pad in zip(modalities, specs, pad_values):
        v = resample_to_grid(NiftiVolume(case.channels[name], case.affine), aff, shape, 1, float(pad))
        m = normalization_map(v, spec)
        chans.append(apply_normalization_map(v, m))
        pads.append(float(apply_normalization_map(np.array([float(pad)]), m)[0]))
    return np.stack(chans), aff, pads


def back_to_case_grid(probs: np.ndarray, grid_affine: np.ndarray, case) -> np.ndarray:
    """(K, d, h, w) probabilities on the model grid → (K, D, H, W) on the case grid (0 outside the crop)."""
    shape = next(iter(case.channels.values())).shape
    return np.stack([resample_to_grid(NiftiVolume(p, grid_affine), case.affine, shape, 1, 0.0) for p in probs])
