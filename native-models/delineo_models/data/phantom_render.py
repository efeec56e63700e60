"""Rendering phantom geometry into CT (HU), PET (SUV) and MR (T1-/T2-like a.u.) images.

Tumour contrast is deliberately low on CT (tens of HU against muscle), high but
heterogeneous on PET (with optional necrotic core, blurred by a ~6 mm FWHM PSF, Poisson-like
noise), and moderate on MR; distractors are hot or bright on the functional / MR channel only,
so a model has to use both modalities.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from .phantom_anatomy import CORTEX, FAT, FLUID, LUNG, MARROW, MUSCLE, Grid

# Nominal values per tissue code (air, fat, muscle, cortex, marrow, lung, organ, fluid).
CT_HU = np.array([-1000, -100, 45, 1100, 250, -840, 40, 10], np.float64)
PET_SUV = np.array([0.0, 0.3, 0.8, 0.3, 1.2, 0.4, 1.8, 1.0], np.float64)
MR_T2 = np.array([0, 620, 240, 20, 560, 25, 420, 920], np.float64)
MR_T1 = np.array([0, 900, 360, 30, 800, 25, 430, 150], np.float64)


def fwhm_to_sigma_vox(fwhm_mm: float, spacing) -> tuple[float, ...]:
    """Gaussian σ in voxels per axis for a PSF of the given FWHM in mm (σ = FWHM / 2√(2 ln 2))."""
    s = fwhm_mm / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    return tuple(s / float(sp) for sp in spacing)


def smooth_noise(rng: np.random.Generator, shape, sigma_vox) -> np.ndarray:
    """Zero-mean, unit-sd spatially correlated noise (white noise blurred then rescaled)."""
    n = ndimage.gaussian_filter(rng.standard_normal(shape), sigma_vox, mode="nearest")
    sd = n.std()
    return n / sd if sd > 0 else n


def render_ct(rng, grid: Grid, tissue, tumour, necrosis, bone_hu=None, marrow_texture_hu: float | None = None,
              contrast: dict | None = None) -> np.ndarray:
    """CT in HU: tissue table with ±10 HU per-case shifts, tumour 8–25 HU above or below muscle
    with a 6 HU texture, noise σ 8–20 HU.

    ``bone_hu``: optional (marrow HU, cortex HU) replacing the table's 250 / 1100 (either may be None).
    ``marrow_texture_hu``: optional SD of a trabecular texture (2–3 mm grain) on marrow.
    ``contrast``: optional tumour and noise ranges instead of those above: ``tumour_hu`` (low, high)
    off muscle, above it with probability ``hyperdense``, texture SD ``texture_hu`` and noise σ
    ``noise_hu`` (low, high each)."""
    table = CT_HU.copy()
    if bone_hu is not None:
        if bone_hu[0] is not None:
            table[MARROW] = bone_hu[0]
        if bone_hu[1] is not None:
            table[CORTEX] = bone_hu[1]
    hu = table[tissue] + rng.normal(0, 4, size=8)[tissue]
    if marrow_texture_hu is not None:
        grain = tuple(1.2 / s for s in grid.spacing)
        hu = np.where(tissue == MARROW, hu + marrow_texture_hu * smooth_noise(rng, grid.shape, grain), hu)
    if contrast is None:  # the original draws, so that older profiles keep their phantoms
        tumour_hu = CT_HU[MUSCLE] + rng.choice([-1, 1]) * rng.uniform(8, 25)
        texture, noise = 6.0, (8.0, 20.0)
    else:
        sign = 1.0 if rng.random() < contrast["hyperdense"] else -1.0
        tumour_hu = CT_HU[MUSCLE] + sign * rng.uniform(*contrast["tumour_hu"])
        texture, noise = float(rng.uniform(*contrast["texture_hu"])), contrast["noise_hu"]
    hu = np.where(tumour, tumour_hu + texture * smooth_noise(rng, grid.shape, (1, 3, 3)), hu)
    hu = np.where(necrosis, tumour_hu - rng.uniform(5, 20), hu)
    hu = ndimage.gaussian_filter(hu, fwhm_to_sigma_vox(1.2, grid.spacing))  # CT system blur
    hu = hu + rng.uniform(*noise) * rng.standard_normal(grid.shape)
    return np.clip(hu, -1024, 3071).astype(np.float32)


def render_pet(rng, grid: Grid, tissue, tumour, necrosis, distractors: dict, psf_fwhm_mm: float,
               suvmax_range=(3.0, 15.0), marrow_suv: float | None = None,
               peritumoral: tuple[float, float] | None = None, uptake_scale: np.ndarray | None = None,
               lobe: tuple[np.ndarray, float] | None = None, necrosis_suv=(0.4, 1.2)) -> np.ndarray:
    """PET in SUV: background 0.3–1.8 by tissue (marrow at ``marrow_suv`` when given), tumour
    SUVmax drawn from ``suvmax_range`` with heterogeneity and optional necrotic core (SUV drawn
    from ``necrosis_suv``), hot distractors, optional peritumoral uptake ``(shell mm, fraction of
    SUVmax)`` fading linearly to background across the shell (soft tissue only), PSF blur, then
    Poisson noise and reconstruction smoothing.

    ``uptake_scale``: optional factor (≤ 1) on the tumour's uptake, e.g. a hot side and a cool side.
    ``lobe``: optional unlabelled warm tissue ``(weight 0–1 per voxel, fraction of SUVmax at weight 1)``."""
    table = PET_SUV.copy()
    if marrow_suv is not None:
        table[MARROW] = marrow_suv
    suv = table[tissue] * rng.uniform(0.8, 1.25)
    smax = rng.uniform(*suvmax_range)
    het = np.clip(1.0 + 0.25 * smooth_noise(rng, grid.shape, fwhm_to_sigma_vox(8, grid.spacing)), 0.4, 1.6)
    t_uptake = smax * het / 1.6
    if uptake_scale is not None:
        t_uptake = t_uptake * uptake_scale
    soft = (tissue > 0) & ~np.isin(tissue, (CORTEX, MARROW, LUNG))
    if peritumoral is not None:
        shell_mm, fraction = peritumoral
        dist = ndimage.distance_transform_edt(~tumour, sampling=grid.spacing)
        suv = _warm(suv, soft, np.clip(1.0 - dist / shell_mm, 0.0, 1.0), fraction * smax)
    if lobe is not None:
        suv = _warm(suv, soft, lobe[0], lobe[1] * smax)
    suv = np.where(tumour, np.maximum(t_uptake, 1.5), suv)
    suv = np.where(necrosis, rng.uniform(*necrosis_suv), suv)
    for name, (mask, value) in distractors.items():
        suv = np.where(mask, value, suv)
    suv = ndimage.gaussian_filter(suv, fwhm_to_sigma_vox(psf_fwhm_mm, grid.spacing))
    counts_per_suv = rng.uniform(12, 40)
    suv = rng.poisson(np.clip(suv, 0, None) * counts_per_suv) / counts_per_suv
    suv = ndimage.gaussian_filter(suv, fwhm_to_sigma_vox(3.0, grid.spacing))  # reconstruction filter
    return suv.astype(np.float32)


def _warm(suv: np.ndarray, soft: np.ndarray, weight: np.ndarray, level: float) -> np.ndarray:
    """Raise soft tissue to ``level × weight`` where that is above its own uptake."""
    return np.where(soft & (weight > 0), np.maximum(suv, level * weight), suv)


def render_mr(rng, grid: Grid, tissue, tumour, necrosis, bright: np.ndarray, weighting: str) -> np.ndarray:
    """MR (T2- or T1-like, arbitrary units ~0–1000) with heterogeneous tumour, bright
    non-tumour structures, a smooth multiplicative bias field and Rician noise."""
    table = MR_T2 if weighting == "T2" else MR_T1
    mr = table[tissue] * rng.uniform(0.85, 1.15)
    if weighting == "T2":
        t_val, n_val = rng.uniform(480, 720), rng.uniform(800, 950)
    else:
        t_val, n_val = rng.uniform(300, 430), rng.uniform(150, 250)
    mr = np.where(tumour, t_val * (1 + 0.12 * smooth_noise(rng, grid.shape, (1, 2, 2))), mr)
    mr = np.where(necrosis, n_val, mr)
    mr = np.where(bright, table[FLUID] if weighting == "T2" else table[FAT], mr)
    mr = ndimage.gaussian_filter(mr, fwhm_to_sigma_vox(1.5, grid.spacing))
    mr = mr * bias_field(rng, grid, strength=rng.uniform(0.1, 0.3))
    sigma = rng.uniform(10, 25)
    mr = np.sqrt((mr + sigma * rng.standard_normal(grid.shape)) ** 2 + (sigma * rng.standard_normal(grid.shape)) ** 2)
    return mr.astype(np.float32)


def bias_field(rng, grid: Grid, strength: float) -> np.ndarray:
    """A smooth multiplicative field exp(Σ low-order terms), range about 1 ± strength."""
    ext = [max(1.0, float(np.abs(a).max())) for a in (grid.z, grid.y, grid.x)]
    c = rng.normal(0, 1, size=6)
    f = (c[0] * grid.z / ext[0] + c[1] * grid.y / ext[1] + c[2] * grid.x / ext[2]
         + c[3] * (grid.y / ext[1]) ** 2 + c[4] * (grid.x / ext[2]) ** 2 + c[5] * grid.y * grid.x / (ext[1] * ext[2]))
    f = f / (np.abs(f).max() + 1e-9)
    return np.exp(strength * f)
