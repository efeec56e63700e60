"""prepare_like_app: body crop, centred target grid, normalised pad values — as the app does."""
import numpy as np
import pytest

from delineo_models.eval.app_input import back_to_case_grid, body_box, prepare_like_app
from delineo_models.eval.predictors import CaseImages


def test_body_box_grows_by_margin_in_mm_and_clips():
    # Same numbers as electron/pipeline/normalize/body-crop.test.ts ('bodyBox'), axes reversed.
    ct = np.full((20, 40, 50), -1000.0)
    ct[4:16, 5:26, 10:31] = 40
    assert body_box(ct, (2.5, 1, 1), -500, 0) == ((4, 15), (5, 25), (10, 30))
    assert body_box(ct, (2.5, 1, 1), -500, 10) == ((0, 19), (0, 35), (0, 40))
    assert body_box(ct, (2.5, 1, 1), -500, 3) == ((2, 17), (2, 28), (7, 33))
    assert body_box(np.full((4, 4, 4), -1000.0), (1, 1, 1)) is None


def test_prepare_crops_resamples_normalises_and_maps_pads():
    ct = np.full((10, 40, 40), -1000.0, np.float32)
    ct[2:8, 10:30, 12:28] = 40.0
    pet = np.where(ct > -500, 2.0, 0.0).astype(np.float32)
    case = CaseImages("c", {"CT": ct, "PT": pet}, np.diag([1.0, 1.0, 3.0, 1.0]), (3.0, 1.0, 1.0), None)
    img, aff, pads = prepare_like_app(case, ["CT", "PT"], [{"method": "window", "min": -160, "max": 240},
                                                          {"method": "zscore-foreground", "threshold": 1.0}],
                                      [-1024, 0], (3.0, 2.0, 2.0), margin_mm=2)
    # box z 2..7 ±1, y 10..29 ±2, x 12..27 ±2 → extents 24 mm (z), 24 mm, 20 mm → 8 × 12 × 10 voxels
    assert img.shape == (2, 8, 12, 10)
    assert pads[0] == 0.0  # −1024 HU through the CT window
    assert pads[1] == pytest.approx(-2.0)  # (0 − mean 2) with a constant foreground: sd taken as 1
    assert img[0].max() == pytest.approx(0.5, abs=1e-6)  # 40 HU in the window
    back = back_to_case_grid(img[:1], aff, case)
    assert back.shape == (1, 10, 40, 40) and back[0, 0, 0, 0] == 0.0
