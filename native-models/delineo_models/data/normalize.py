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


def normalize(volume: np.ndarray, spec: dict) -> np.ndarray:
    """Normalise one channel as the model card's ``ChannelNormalization`` says.

    Definitions (v is every voxel of ``volume``, arithmetic in float64, result float32):

    * ``{"method": "window", "min": a, "max": b}``: ``(clip(v, a, b) - a) / (b - a)``,
      so the result lies in [0, 1]. Requires b > a.
    * ``{"method": "zscore-fixed", "mean": m, "std": s}``: ``(v - m) / s``. Requires s > 0.
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
    method = spec.get("method")
    v = np.asarray(volume, dtype=np.float64)
    try:
        if method == "window":
            lo, hi = float(spec["min"]), float(spec["max"])
            if not hi > lo:
                raise ValueError(f"normalize: window needs max > min, got min={lo}, max={hi}")
            out = (np.clip(v, lo, hi) - lo) / (hi - lo)
        elif method == "zscore-fixed":
            mean, std = float(spec["mean"]), float(spec["std"])
            if not std > 0:
                raise ValueError(f"normalize: zscore-fixed needs std > 0, got {std}")
            out = (v - mean) / std
        elif method == "zscore-foreground":
            t = float(spec["threshold"])
            fg = v[v > t]
            if fg.size == 0:
                fg = v.ravel()
            mean = float(fg.mean())
            std = float(fg.std())
            if std < 1e-8:
                std = 1.0
            out = (v - mean) / std
        elif method == "minmax-percentile":
            p, q = float(spec["lower"]), float(spec["upper"])
            if not (0 <= p < q <= 100):
                raise ValueError(f"normalize: minmax-percentile needs 0 <= lower < upper <= 100, got {p}, {q}")
            lo, hi = np.percentile(v, [p, q])
            if hi - lo < 1e-8:
                out = np.zeros_like(v)
            else:
                out = (np.clip(v, lo, hi) - lo) / (hi - lo)
        else:
            raise ValueError(f"normalize: unknown method {method!r}; expected one of {', '.join(METHODS)}")
    except KeyError as exc:
        raise ValueError(f"normalize: {method} spec lacks field {exc.args[0]!r}: {spec}") from None
    return out.astype(np.float32)
