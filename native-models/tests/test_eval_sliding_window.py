"""Sliding-window inference: constant predictor, weights at borders, padding, identity."""
import numpy as np
import pytest

from delineo_models.eval import gaussian_weight, sliding_window_predict, weight_sum_map, window_starts


def test_window_starts_cover_the_axis_evenly():
    assert window_starts(10, 10, 0.5) == [0]
    assert window_starts(5, 8, 0.5) == [0]
    s = window_starts(100, 32, 0.5)
    assert s[0] == 0 and s[-1] == 68 and len(s) == 6  # ceil(68 / 16) + 1
    assert all(0 < b - a <= 16 for a, b in zip(s, s[1:]))
    with pytest.raises(ValueError, match="overlap"):
        window_starts(10, 4, 1.0)


def test_gaussian_weight_is_peaked_with_sigma_one_eighth():
    g = gaussian_weight((16, 32, 32))
    assert g.max() == pytest.approx(1.0) and g.min() > 0
    assert g[8, 16, 16] == pytest.approx(1.0)
    # one σ (32/8 = 4 voxels) from the centre along x: exp(-1/2)
    assert g[8, 16, 20] == pytest.approx(np.exp(-0.5), rel=0.02)


@pytest.mark.parametrize("shape, patch, overlap", [((20, 37, 41), (8, 16, 16), 0.5), ((5, 6, 7), (8, 16, 16), 0.25),
                                                   ((16, 16, 16), (16, 16, 16), 0.0)])
def test_constant_predictor_gives_constant_output(shape, patch, overlap):
    img = np.random.default_rng(0).standard_normal((2,) + shape).astype(np.float32)
    out = sliding_window_predict(lambda x: np.full((x.shape[0], 3) + x.shape[2:], 0.25, np.float32), img, patch, overlap)
    assert out.shape == (3,) + shape and out.dtype == np.float32
    np.testing.assert_allclose(out, 0.25, rtol=1e-6)


def test_identity_predictor_reproduces_the_image():
    img = np.random.default_rng(1).standard_normal((1, 19, 33, 30)).astype(np.float32)
    out = sliding_window_predict(lambda x: x, img, (8, 16, 16), 0.5, batch_size=3)
    np.testing.assert_allclose(out, img, rtol=1e-5, atol=1e-5)


def test_border_weights_sum_correctly():
    ps = (8, 16, 16)
    g = gaussian_weight(ps)
    acc = weight_sum_map((8, 16, 24), ps, 0.5)
    # x starts are 0 and 8: the corner voxel only sees window 0; x = 12 sees both.
    assert acc[0, 0, 0] == pytest.approx(g[0, 0, 0])
    assert acc[4, 8, 12] == pytest.approx(g[4, 8, 12] + g[4, 8, 4])
    assert acc[0, 0, 23] == pytest.approx(g[0, 0, 15])
    assert (acc > 0).all()
    uni = weight_sum_map((8, 16, 24), ps, 0.5, gaussian=False)
    assert uni[0, 0, 0] == 1 and uni[0, 0, 10] == 2


def test_padding_uses_channel_minimum_and_crops_back():
    img = np.full((1, 4, 4, 4), 3.0, np.float32)
    img[0, 0, 0, 0] = 1.0
    seen = []
    out = sliding_window_predict(lambda x: (seen.append(x.copy()), x)[1], img, (6, 6, 6), 0.5)
    assert seen[0].shape == (1, 1, 6, 6, 6) and seen[0][0, 0, 0, 0, 0] == 1.0  # padded with min
    np.testing.assert_allclose(out, img)


def test_torch_predictor_and_wrong_shapes():
    torch = pytest.importorskip("torch")
    img = np.ones((1, 8, 8, 8), np.float32)
    out = sliding_window_predict(lambda x: torch.sigmoid(torch.from_numpy(x) * 0), img, (4, 4, 4), 0.5)
    np.testing.assert_allclose(out, 0.5)
    with pytest.raises(ValueError, match="predictor returned"):
        sliding_window_predict(lambda x: x[:, :, :2], img, (4, 4, 4), 0.5)
    with pytest.raises(ValueError, match=r"\(C, D, H, W\)"):
        sliding_window_predict(lambda x: x, img[0], (4, 4, 4), 0.5)
