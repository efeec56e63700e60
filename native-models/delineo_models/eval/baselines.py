"""Classical PET segmentation baselines (issue 8 item 6), computed by our own code.

Both start from the hottest voxel (optionally inside a search mask, as a clinician would
click inside the lesion's region) and keep only what is connected to it, using the
26-neighbourhood (face, edge and corner neighbours):

* ``suv41``: region growing at 41 % of SUVmax — the connected component of
  {v ≥ 0.41 · SUVmax} containing the hottest voxel (EANM guideline threshold).
* ``suv25``: fixed SUV ≥ 2.5 — by default the connected component containing the hottest
  voxel; ``component="all"`` keeps every voxel ≥ 2.5.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

_NEIGH26 = np.ones((3, 3, 3), bool)


def hottest_voxel(pet: np.ndarray, search_mask: np.ndarray | None = None) -> tuple[int, int, int]:
    """Index (z, y, x) of the maximum of ``pet`` (inside ``search_mask`` if given; first on ties)."""
    v = np.asarray(pet, np.float64)
    if search_mask is not None:
        if not np.any(search_mask):
            raise ValueError("hottest_voxel: the search mask is empty")
        v = np.where(search_mask, v, -np.inf)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(v)), v.shape))


def _component_at(mask: np.ndarray, seed) -> np.ndarray:
    lab, _ = ndimage.label(mask, structure=_NEIGH26)
    k = lab[seed]
    return (lab == k) if k > 0 else np.zeros_like(mask, bool)


def suv41(pet: np.ndarray, search_mask: np.ndarray | None = None, fraction: float = 0.41) -> np.ndarray:
    """Connected (26-neighbourhood) region ≥ fraction · SUVmax around the hottest voxel.

    Args:
        pet: (D, H, W) SUV.
        search_mask: where the hottest voxel may be (None = anywhere).
        fraction: 0.41 by default.
    Returns:
        bool mask (D, H, W).
    """
    seed = hottest_voxel(pet, search_mask)
    return _component_at(np.asarray(pet) >= fraction * float(pet[seed]), seed)


def suv25(pet: np.ndarray, search_mask: np.ndarray | None = None, threshold: float = 2.5,
          component: str = "hottest") -> np.ndarray:
    """SUV ≥ threshold: the 26-connected component containing the hottest voxel, or all of it.

    Returns an empty mask when the hottest voxel is itself below the threshold.
    """
    if component not in ("hottest", "all"):
        raise ValueError(f"suv25: component must be 'hottest' or 'all', got {component!r}")
    mask = np.asarray(pet) >= threshold
    if component == "all":
        return mask
    return _component_at(mask, hottest_voxel(pet, search_mask))
