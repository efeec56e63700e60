"""The mask rule the app applies after thresholding: small components dropped, then holes filled per slice."""
import numpy as np

from delineo_models.eval.postprocess import fill_holes_per_slice, to_mask


def ring(n=7):
    s = np.zeros((n, n), bool)
    s[1:6, 1:6] = True
    s[2:5, 2:5] = False
    return s


def test_fills_each_slice_on_its_own():
    closed = ring()
    cup = ring()
    cup[5, 2:5] = False  # the bottom wall open: a bay reaching the border through row 6
    cup[6, 3] = False
    m = np.stack([closed, cup, np.zeros_like(closed)])
    out = fill_holes_per_slice(m)
    assert out[0, 3, 3] and out[0, 2:5, 2:5].all()
    assert not out[1, 3, 3], "a bay open to the slice's border is not a hole"
    assert out[1].sum() == cup.sum() and not out[2].any()
    assert not m[0, 3, 3], "the input is left as it was"


def test_a_diagonal_gap_still_encloses_the_hole():
    s = np.zeros((5, 5), bool)
    s[1, 1:3] = s[2, 1] = s[2, 3] = s[3, 2:4] = True  # the app's outside is 4-connected too
    assert fill_holes_per_slice(s[None])[0, 2, 2]


def test_specks_go_and_holes_fill():
    prob = np.zeros((3, 9, 9), np.float32)
    prob[:, 1:8, 1:8] = 0.9
    prob[:, 3:6, 3:6] = 0.1
    prob[1, 4, 4] = 0.9  # a speck inside the hole, too small to keep on its own
    kept = to_mask(prob, (1.0, 1.0, 1.0), 0.5, min_ml=0.002, fill_holes=False)
    assert not kept[1, 4, 4] and not kept[1, 3, 3]
    filled = to_mask(prob, (1.0, 1.0, 1.0), 0.5, min_ml=0.002, fill_holes=True)
    assert filled[:, 1:8, 1:8].all() and filled.sum() == 3 * 49


def test_a_hole_holding_bone_stays_open_as_in_the_app():
    """The app's rule (postprocess.ts holesHoldingBone): ≥ 10 % of the hole at ≥ 300 HU keeps it open."""
    m = np.stack([ring(), ring(), ring()])
    ct = np.full(m.shape, 40.0)
    ct[1, 3, 3] = 1200.0  # 1 of 9 pixels: 11 % → bone
    ct[2, 2, 2] = 299.0  # just below bone: soft tissue
    out = fill_holes_per_slice(m, ct)
    assert out[0, 3, 3] and not out[1, 3, 3] and out[2].sum() == 25
    assert fill_holes_per_slice(m)[1].sum() == 25, "without a CT every hole is filled"
    assert to_mask(np.where(m, 0.9, 0.1), (1, 1, 1), 0.5, 0, True, ct)[1].sum() == 16
