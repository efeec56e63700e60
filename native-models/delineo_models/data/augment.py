"""Patch augmentation toward real scanner appearance, applied during patch sampling.

Works on normalised patches (C, D, H, W) and knows each channel's modality, because what
makes a phantom look real differs per modality: PET gets extra resolution loss and
count noise, MR a bias field, CT noise; all channels get intensity shifts; the patch is
flipped / rotated by multiples of 90° in the axial plane (paper 003's augmentation) with its
label. Intensity changes never touch the label.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


@dataclass(frozen=True)
class AugmentConfig:
    """Probabilities and strengths of each augmentation (all in normalised units).

    Attributes:
        p_flip: per in-plane axis flip probability.
        p_rot90: probability of an axial rotation by 90°, 180° or 270° (only when H == W).
        p_noise: Gaussian noise probability; noise_sd: its sd range.
        p_blur_pet: PET extra blur probability; blur_sigma_vox: σ range (voxels, in-plane; z half).
        p_bias_mr: MR bias field probability; bias_strength: log-amplitude range.
        p_shift: intensity scale/shift probability; scale, shift: ranges.
        p_misregister: probability of moving the secondary channels (all but channel 0, the
            planning modality the label belongs to) by up to max_misregister_vox voxels
            in-plane, as residual registration error does.
    """

    p_flip: float = 0.5
    p_rot90: float = 0.5
    p_noise: float = 0.3
    noise_sd: tuple[float, float] = (0.0, 0.08)
    p_blur_pet: float = 0.3
    blur_sigma_vox: tuple[float, float] = (0.5, 1.5)
    p_bias_mr: float = 0.3
    bias_strength: tuple[float, float] = (0.05, 0.3)
    p_shift: float = 0.3
    scale: tuple[float, float] = (0.9, 1.1)
    shift: tuple[float, float] = (-0.1, 0.1)
    p_misregister: float = 0.2
    max_misregister_vox: int = 2


def augment_patch(image: np.ndarray, label: np.ndarray | None, modalities, rng: np.random.Generator,
                  cfg: AugmentConfig = AugmentConfig()):
    """Augment one patch.

    Args:
        image: float32 (C, D, H, W), channels in ``modalities`` order.
        label: uint8 (1, D, H, W) or None.
        modalities: e.g. ["CT", "PT"].
        rng: generator.
        cfg: strengths.
    Returns:
        (image, label) with the same shapes and dtypes.
    """
    img = image.astype(np.float32, copy=True)
    lab = None if label is None else label.copy()
    for c, mod in enumerate(modalities):
        ch = img[c]
        if mod == "PT" and rng.random() < cfg.p_blur_pet:
            s = rng.uniform(*cfg.blur_sigma_vox)
            ch = ndimage.gaussian_filter(ch, (s / 2, s, s), mode="nearest")
        if mod == "MR" and rng.random() < cfg.p_bias_mr:
            ch = ch * _bias(ch.shape, rng, rng.uniform(*cfg.bias_strength))
        if rng.random() < cfg.p_shift:
            ch = ch * rng.uniform(*cfg.scale) + rng.uniform(*cfg.shift)
        if rng.random() < cfg.p_noise:
            sd = rng.uniform(*cfg.noise_sd)
            ch = ch + sd * rng.standard_normal(ch.shape).astype(np.float32)
        img[c] = ch
    if img.shape[0] > 1 and rng.random() < cfg.p_misregister:
        k = cfg.max_misregister_vox
        dy, dx = (int(v) for v in rng.integers(-k, k + 1, size=2))
        img[1:] = _shift_inplane(img[1:], dy, dx)
    for axis in (2, 3):  # in-plane flips only: z order carries no symmetry in thick-slice data
        if rng.random() < cfg.p_flip:
            img = np.flip(img, axis)
            lab = None if lab is None else np.flip(lab, axis)
    if img.shape[2] == img.shape[3] and rng.random() < cfg.p_rot90:
        k = int(rng.integers(1, 4))
        img = np.rot90(img, k, axes=(2, 3))
        lab = None if lab is None else np.rot90(lab, k, axes=(2, 3))
    img = np.ascontiguousarray(img, dtype=np.float32)
    return img, (None if lab is None else np.ascontiguousarray(lab))


def _shift_inplane(chans: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move (C, D, H, W) content by (dy, dx) voxels, repeating edge values (no wrap-around)."""
    h, w = chans.shape[2:]
    p = np.pad(chans, ((0, 0), (0, 0), (abs(dy), abs(dy)), (abs(dx), abs(dx))), mode="edge")
    return p[:, :, abs(dy) - dy:abs(dy) - dy + h, abs(dx) - dx:abs(dx) - dx + w]


def _bias(shape, rng, strength):
    """Smooth multiplicative field exp(strength · linear+quadratic polynomial), max |log| = strength."""
    d, h, w = shape
    z, y, x = np.meshgrid(np.linspace(-1, 1, d), np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    c = rng.normal(size=5)
    f = c[0] * z + c[1] * y + c[2] * x + c[3] * y * y + c[4] * x * x
    f /= np.abs(f).max() + 1e-9
    return np.exp(strength * f).astype(np.float32)
