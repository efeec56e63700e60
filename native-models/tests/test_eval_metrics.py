"""Metrics against known shapes: spheres with analytic overlap and distances, hand cases, empties."""
import math

import numpy as np
import pytest

from delineo_models.eval import asd_mm, case_metrics, dice, hd95_mm, hd_mm, jaccard, summarize, surface, volume_ml


def sphere(shape, spacing, centre_mm, r_mm):
    z, y, x = [(np.arange(n) * s).reshape([-1 if a == i else 1 for a in range(3)]) for i, (n, s) in enumerate(zip(shape, spacing))]
    return (z - centre_mm[0]) ** 2 + (y - centre_mm[1]) ** 2 + (x - centre_mm[2]) ** 2 <= r_mm**2


def lens_volume(r1, r2, d):
    """Volume of the intersection of two spheres (radii r1, r2, centre distance d)."""
    return math.pi * (r1 + r2 - d) ** 2 * (d * d + 2 * d * r2 - 3 * r2 * r2 + 2 * d * r1 + 6 * r1 * r2 - 3 * r1 * r1) / (12 * d)


@pytest.mark.parametrize("spacing", [(1.0, 1.0, 1.0), (2.0, 0.8, 0.8)])
def test_offset_spheres_match_analytic_dice_and_jaccard(spacing):
    shape = tuple(int(64 / s) for s in spacing)
    r, d = 14.0, 8.0
    a = sphere(shape, spacing, (32, 32, 28), r)
    b = sphere(shape, spacing, (32, 32, 28 + d), r)
    v = 4 / 3 * math.pi * r**3
    inter = lens_volume(r, r, d)
    assert dice(a, b) == pytest.approx(2 * inter / (2 * v), abs=0.02)
    assert jaccard(a, b) == pytest.approx(inter / (2 * v - inter), abs=0.02)
    assert volume_ml(a, spacing) == pytest.approx(v / 1000, rel=0.03)
    # Offset along x by d: the farthest surface point is d away (Hausdorff = d).
    assert hd_mm(a, b, spacing) == pytest.approx(d, abs=max(spacing))


@pytest.mark.parametrize("spacing", [(1.0, 1.0, 1.0), (3.0, 1.0, 1.0)])
def test_concentric_spheres_distances_equal_radius_difference(spacing):
    shape = tuple(int(64 / s) for s in spacing)
    a = sphere(shape, spacing, (32, 32, 32), 10.0)
    b = sphere(shape, spacing, (32, 32, 32), 16.0)
    # Every surface point of one is 6 mm from the other's surface.
    assert asd_mm(a, b, spacing) == pytest.approx(6.0, abs=max(spacing))
    assert hd95_mm(a, b, spacing) == pytest.approx(6.0, abs=max(spacing))
    assert dice(a, b) == pytest.approx(2 * 10**3 / (10**3 + 16**3), abs=0.02)


def test_hand_computed_distances_respect_anisotropic_spacing():
    a = np.zeros((4, 4, 8), bool)
    b = np.zeros_like(a)
    a[1, 1, 1] = True
    b[1, 1, 4] = True  # 3 voxels along x
    assert hd95_mm(a, b, (5.0, 1.0, 2.0)) == pytest.approx(6.0)
    assert asd_mm(a, b, (5.0, 1.0, 2.0)) == pytest.approx(6.0)
    c = np.zeros_like(a)
    c[3, 1, 1] = True  # 2 slices along z at 5 mm
    assert hd95_mm(a, c, (5.0, 1.0, 2.0)) == pytest.approx(10.0)


def test_asd_symmetric_vs_directed():
    big = np.zeros((20, 20, 20), bool)
    big[2:18, 2:18, 2:18] = True
    small = np.zeros_like(big)
    small[9:11, 9:11, 9:11] = True
    # small's surface (all 8 voxels) lies 7 voxels from big's faces; big's surface is farther.
    assert asd_mm(small, big, (1, 1, 1), symmetric=False) == pytest.approx(7.0)
    assert asd_mm(small, big, (1, 1, 1)) > 7.0


def test_surface_is_boundary_voxels_with_volume_edge_as_outside():
    m = np.ones((3, 3, 3), bool)
    s = surface(m)
    assert s.sum() == 26 and not s[1, 1, 1]


def test_empty_mask_conventions():
    e = np.zeros((5, 5, 5), bool)
    f = e.copy()
    f[2, 2, 2] = True
    assert dice(e, e) == 1.0 and jaccard(e, e) == 1.0
    assert dice(f, e) == 0.0 and jaccard(e, f) == 0.0
    assert asd_mm(e, e, (1, 1, 1)) == 0.0 and hd95_mm(e, e, (1, 1, 1)) == 0.0
    assert math.isnan(asd_mm(f, e, (1, 1, 1))) and math.isnan(hd95_mm(e, f, (1, 1, 1)))


def test_identical_masks_are_perfect():
    a = sphere((20, 20, 20), (1, 1, 1), (10, 10, 10), 6)
    m = case_metrics(a, a, (1, 1, 1))
    assert m["dice"] == 1.0 and m["jaccard"] == 1.0 and m["asd_mm"] == 0.0 and m["hd95_mm"] == 0.0
    assert m["volume_diff_ml"] == 0.0


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="shapes differ"):
        dice(np.zeros((2, 2, 2)), np.zeros((2, 2, 3)))


def test_summarize_skips_nan_and_counts():
    s = summarize([0.5, 0.7, math.nan])
    assert s["n"] == 2 and s["mean"] == pytest.approx(0.6) and s["sd"] == pytest.approx(0.1)
    assert summarize([])["n"] == 0
