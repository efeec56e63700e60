"""normalize(): the model card's ChannelNormalization arithmetic, against hand-computed values."""
import numpy as np
import pytest

from delineo_models.data import normalize


def test_window_clips_then_scales():
    v = np.array([-2000, -1000, 0, 200, 400, 3000], np.float32)
    out = normalize(v, {"method": "window", "min": -1000, "max": 400})
    np.testing.assert_allclose(out, [0, 0, 1000 / 1400, 1200 / 1400, 1, 1], rtol=0, atol=1e-7)
    assert out.dtype == np.float32


def test_zscore_fixed():
    out = normalize(np.array([1.0, 3.0, 5.0]), {"method": "zscore-fixed", "mean": 3, "std": 2})
    np.testing.assert_allclose(out, [-1, 0, 1])


def test_zscore_foreground_uses_population_sd_of_strictly_greater_voxels():
    v = np.array([0.0, 0.0, 1.0, 2.0, 3.0])  # threshold 0 → F = {1, 2, 3}: mean 2, sd sqrt(2/3)
    out = normalize(v, {"method": "zscore-foreground", "threshold": 0})
    sd = np.sqrt(2 / 3)
    np.testing.assert_allclose(out, [-2 / sd, -2 / sd, -1 / sd, 0, 1 / sd], rtol=1e-6)


def test_zscore_foreground_degenerate_cases():
    # empty foreground → all voxels; constant foreground → sd taken as 1
    np.testing.assert_allclose(normalize(np.array([1.0, 3.0]), {"method": "zscore-foreground", "threshold": 10}), [-1, 1])
    np.testing.assert_allclose(normalize(np.array([0.0, 5.0, 5.0]), {"method": "zscore-foreground", "threshold": 1}), [-5, 0, 0])


def test_minmax_percentile_linear_interpolation():
    v = np.arange(11, dtype=np.float32)  # percentiles 10 and 90 → 1 and 9 exactly (linear)
    out = normalize(v, {"method": "minmax-percentile", "lower": 10, "upper": 90})
    np.testing.assert_allclose(out, np.clip((v - 1) / 8, 0, 1), atol=1e-7)
    v2 = np.array([0.0, 1.0, 2.0, 10.0])  # 25th pct = 0.75, 75th = 4.0 by linear interpolation
    out2 = normalize(v2, {"method": "minmax-percentile", "lower": 25, "upper": 75})
    np.testing.assert_allclose(out2, [0, 0.25 / 3.25, 1.25 / 3.25, 1], rtol=1e-6)


def test_minmax_percentile_constant_volume_is_zero():
    assert not normalize(np.full(5, 7.0), {"method": "minmax-percentile", "lower": 1, "upper": 99}).any()


@pytest.mark.parametrize("spec, msg", [
    ({"method": "gamma"}, "unknown method"),
    ({"method": "window", "min": 5, "max": 5}, "max > min"),
    ({"method": "zscore-fixed", "mean": 0, "std": 0}, "std > 0"),
    ({"method": "window", "min": 0}, "lacks field 'max'"),
    ({"method": "minmax-percentile", "lower": 90, "upper": 10}, "lower < upper"),
])
def test_bad_specs_raise_one_clear_error(spec, msg):
    with pytest.raises(ValueError, match=msg):
        normalize(np.zeros(3), spec)


def test_normalization_map_applies_to_pad_values_like_the_app():
    from delineo_models.data.normalize import apply_normalization_map, normalization_map

    v = np.array([-1000.0, 0.0, 100.0])
    m = normalization_map(v, {"method": "window", "min": -160, "max": 240})
    assert float(apply_normalization_map(np.array([-1024.0]), m)[0]) == 0.0
    np.testing.assert_array_equal(apply_normalization_map(v, m), normalize(v, {"method": "window", "min": -160, "max": 240}))
    m2 = normalization_map(np.array([0.0, 2.0, 4.0]), {"method": "zscore-foreground", "threshold": 1})
    assert m2["offset"] == 3.0 and m2["scale"] == 1.0 and m2["lo"] == -np.inf
