"""Per-channel intensity normalisation, the same arithmetic the TypeScript app applies.

The spec dicts are exactly the model card's ``ChannelNormalization``
(electron/pipeline/inference/model-card.ts), so a card written at export drives the app
and a training run identically. All arithmetic is done in float64 and the result is cast
to float32 (the app computes in JS doubles and stores Float32Array).
"""
from __future__ import annotations

import numpy as np

#: Normalisation methods the model card knows.
METHODS = ("window", "zscore-fixed", "zscore-foreground", "minmax-percentile")


def normalization_map(volume: np.ndarray, spec: dict) -> dict:
    """Resolve a spec on one volume to ``{"lo", "hi", "offset", "scale"}``: the result is
    ``(clip(v, lo, hi) - offset) * scale`` (TypeScript: ``normalizationMap`` in
    electron/pipeline/normalize/channel.ts, the same rules). See ``normalize`` for the rules."""
    method = spec.get("method")
    v = np.asarray(volume, dtype=np.float64)
    inf = float("inf")
    try:
        if method == "window":
            lo, hi = float(spec["min"]), float(spec["max"])
            if not hi > lo:
                raise ValueError(f"normalize: window needs max > min, got min={lo}, max={hi}")
            return {"lo": lo, "hi": hi, "offset": lo, "scale": 1.0 / (hi - lo)}
        if method == "zscore-fixed":
            mean, std = float(spec["mean"]), float(spec["std"])
            if not std > 0:
                raise ValueError(f"normalize: zscore-fixed needs std > 0, got {std}")
            return {"lo": -inf, "hi": inf, "offset": mean, "scale": 1.0 / std}
        if method == "zscore-foreground":
            t = float(spec["threshold"])
            fg = v[v > t]
            if fg.size == 0:
                fg = v.ravel()
            mean, std = float(fg.mean()), float(fg.std())
            return {"lo": -inf, "hi": inf, "offset": mean, "scale": 1.0 if std < 1e-8 else 1.0 / std}
        if method == "minmax-percentile":
            p, q = float(spec["lower"]), float(spec["upper"])
            if not (0 <= p < q <= 100):
                raise ValueError(f"normalize: minmax-percentile needs 0 <= lower < upper <= 100, got {p}, {q}")
            lo, hi = (float(x) for x in np.percentile(v, [p, q]))
            if hi - lo < 1e-8:
                return {"lo": lo, "hi": lo, "offset": lo, "scale": 0.0}
            return {"lo": lo, "hi": hi, "offset": lo, "scale": 1.0 / (hi - lo)}
    except KeyError as exc:
        raise ValueError(f"normalize: {method} spec lacks field {exc.args[0]!r}: {spec}") from None
    raise ValueError(f"normalize: unknown method {method!r}; expected one of {', '.join(METHODS)}")


def apply_normalization_map(volume, m: dict) -> np.ndarray:
    """``(clip(v, lo, hi) - offset) * scale`` in float64, returned as float32."""
    v = np.asarray(volume, dtype=np.float64)
    return ((np.clip(v, m["lo"], m["hi"]) - m["offset"]) * m["scale"]).astype(np.float32)


def normalize(volume: np.ndarray, spec: dict) -> np.ndarray:
    """Normalise one channel as the model card's ``ChannelNormalization`` says.

    Every method is one clip and affine map, ``(clip(v, lo, hi) - offset) * scale``, computed
    in float64 and returned as float32 (v is every voxel of ``volume``):

    * ``{"method": "window", "min": a, "max": b}``: lo = offset = a, hi = b, scale = 1/(b − a);
      the result lies in [0, 1]. Requires b > a.
    * ``{"method": "zscore-fixed", "mean": m, "std": s}``: no clip, ``(v - m) · (1/s)``. Requires s > 0.
    * ``{"method": "zscore-foreground", "threshold": t}``: F = {v : v > t} (strictly
      greater); m = mean(F), s = population standard deviation of F (ddof = 0);
      result ``(v - m) / s`` for every voxel, background included. If F is empty, F is
      all voxels. If s < 1e-8 (a constant foreground), s = 1 so the result is v - m.
    * ``{"method": "minmax-percentile", "lower": p, "upper": q}`` (percents, 0–100):
      lo = percentile(v, p), hi = percentile(v, q) over ALL voxels, numpy's default
      'linear' interpolation (rank p/100·(n−1) between the sorted neighbours);
      result ``(clip(v, lo, hi) - lo) / (hi - lo)`` in [0, 1]. If hi − lo < 1e-8 the
      result is all zeros.

    Args:
        volume: any-shaped array of one channel in physical units (HU, SUV, MR a.u.).
        spec: one ChannelNormalization dict.
    Returns:
        float32 array of the same shape.
    Raises:
        ValueError: unknown method, missing field, or a degenerate window / std.
    """
    return apply_normalization_map(volume, normalization_map(volume, spec))
