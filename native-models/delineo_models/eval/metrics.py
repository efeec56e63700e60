"""Segmentation metrics in millimetres, as the two papers define them.

* Dice = 2|X∩Y| / (|X|+|Y|)  (paper 003 eq. 7; paper 000 "DSC")
* Jaccard = |X∩Y| / |X∪Y|   (paper 003 eq. 8)
* Surfaces are boundary voxels: voxels of the mask with at least one 6-neighbour (face
  neighbour) outside it; a mask touching the volume edge has its edge voxels on the surface
  (outside the volume counts as background). This is medpy's / SSL4MIS's convention.
* Distances are Euclidean between voxel centres, in mm (anisotropic spacing respected),
  from each surface voxel of one mask to the nearest surface voxel of the other.
* HD95 = 95th percentile (numpy linear interpolation) of the pooled distances of both
  directions (medpy ``hd95``; paper 003's "95HD", eq. 9 with the max replaced by the 95th
  percentile). ``hd_mm`` is eq. 9 itself (the max).
* ASD = mean of the pooled distances of both directions (average symmetric surface distance).
  ``asd_mm(..., symmetric=False)`` gives medpy's one-directional ``asd`` (pred → reference),
  which SSL4MIS-derived code such as paper 000's reports; the reports say which they use.

Empty masks: Dice and Jaccard are 1.0 when both masks are empty and 0.0 when exactly one is.
ASD/HD95/HD are 0.0 when both are empty and NaN when exactly one is (a distance to nothing is
undefined); ``summarize`` skips NaN and reports how many values it used.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

_FACE = ndimage.generate_binary_structure(3, 1)


def _pair(pred, ref):
    p, r = np.asarray(pred).astype(bool), np.asarray(ref).astype(bool)
    if p.shape != r.shape:
        raise ValueError(f"metrics: shapes differ, prediction {p.shape} vs reference {r.shape}")
    return p, r


def dice(pred, ref) -> float:
    """Dice similarity coefficient of two binary masks (any shape, same shape)."""
    p, r = _pair(pred, ref)
    s = int(p.sum()) + int(r.sum())
    return 1.0 if s == 0 else 2.0 * int(np.logical_and(p, r).sum()) / s


def jaccard(pred, ref) -> float:
    """Jaccard index |X∩Y| / |X∪Y| of two binary masks."""
    p, r = _pair(pred, ref)
    u = int(np.logical_or(p, r).sum())
    return 1.0 if u == 0 else int(np.logical_and(p, r).sum()) / u


def surface(mask: np.ndarray) -> np.ndarray:
    """Boundary voxels of a (D, H, W) mask: mask minus its 6-connected erosion (edge = outside)."""
    m = np.asarray(mask, bool)
    return m & ~ndimage.binary_erosion(m, structure=_FACE, border_value=0)


def surface_distances(pred, ref, spacing) -> tuple[np.ndarray, np.ndarray]:
    """Directed surface distances in mm: (pred surface → ref surface, ref surface → pred surface).

    Both masks must be non-empty. Work is done inside the bounding box of their union plus one
    voxel, which gives the same distances as the whole volume (nearest surface points lie in
    the box) at a fraction of the cost.

    Args:
        pred, ref: (D, H, W) binary masks.
        spacing: (z, y, x) mm.
    """
    p, r = _pair(pred, ref)
    if p.ndim != 3:
        raise ValueError(f"metrics: masks must be 3-D (D, H, W), got {p.shape}")
    if not p.any() or not r.any():
        raise ValueError("surface_distances: both masks must be non-empty")
    idx = np.argwhere(p | r)
    lo = np.maximum(idx.min(0) - 1, 0)
    hi = np.minimum(idx.max(0) + 2, p.shape)
    box = tuple(slice(a, b) for a, b in zip(lo, hi))
    # Surfaces from the full masks (a crop edge that is the volume edge stays a border).
    sp, sr = surface(p)[box], surface(r)[box]
    sampling = tuple(float(s) for s in spacing)
    d_to_r = ndimage.distance_transform_edt(~sr, sampling=sampling)
    d_to_p = ndimage.distance_transform_edt(~sp, sampling=sampling)
    return d_to_r[sp], d_to_p[sr]


def _distances_or_convention(pred, ref, spacing):
    """Surface distances both ways, or the empty-mask convention as a float: 0.0 when both
    masks are empty (perfect agreement), NaN when exactly one is (distance undefined)."""
    p, r = _pair(pred, ref)
    if not p.any() and not r.any():
        return 0.0
    if not p.any() or not r.any():
        return math.nan
    return surface_distances(p, r, spacing)


def asd_mm(pred, ref, spacing, symmetric: bool = True) -> float:
    """Average (symmetric) surface distance in mm; NaN if exactly one mask is empty."""
    d = _distances_or_convention(pred, ref, spacing)
    if isinstance(d, float):
        return d
    a, b = d
    return float(np.concatenate([a, b]).mean()) if symmetric else float(a.mean())


def hd95_mm(pred, ref, spacing) -> float:
    """95th percentile of the pooled symmetric surface distances, mm; NaN if one mask is empty."""
    d = _distances_or_convention(pred, ref, spacing)
    if isinstance(d, float):
        return d
    a, b = d
    return float(np.percentile(np.concatenate([a, b]), 95))


def hd_mm(pred, ref, spacing) -> float:
    """Hausdorff distance (paper 003 eq. 9) between the two surfaces, mm."""
    d = _distances_or_convention(pred, ref, spacing)
    if isinstance(d, float):
        return d
    a, b = d
    return float(max(a.max(), b.max()))


def volume_ml(mask, spacing) -> float:
    """Volume of a binary mask in ml (cm³)."""
    return float(np.asarray(mask, bool).sum()) * float(np.prod(spacing)) / 1000.0


def case_metrics(pred, ref, spacing) -> dict:
    """All metrics of one case: dice, jaccard, asd_mm, hd95_mm, volumes and their difference.

    ``volume_diff_ml`` is predicted minus reference; ``volume_diff_pct`` is relative to the
    reference (NaN for an empty reference).
    """
    vp, vr = volume_ml(pred, spacing), volume_ml(ref, spacing)
    return {"dice": dice(pred, ref), "jaccard": jaccard(pred, ref), "asd_mm": asd_mm(pred, ref, spacing),
            "hd95_mm": hd95_mm(pred, ref, spacing), "volume_ml": vp, "ref_volume_ml": vr,
            "volume_diff_ml": vp - vr, "volume_diff_pct": (100.0 * (vp - vr) / vr) if vr > 0 else math.nan}


def summarize(values) -> dict:
    """Mean ± sd (population, ddof = 0, as numpy) of the finite values, with their count."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if v.size == 0:
        return {"mean": math.nan, "sd": math.nan, "n": 0}
    return {"mean": float(v.mean()), "sd": float(v.std()), "n": int(v.size)}
