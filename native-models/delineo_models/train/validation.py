"""Validation by sliding-window inference over whole cases, as the app will run the model."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .. import eval as ev


def predict_volume(net: nn.Module, image: np.ndarray, patch_size, overlap: float, device: torch.device) -> np.ndarray:
    """Sigmoid probabilities of every head over a whole (C, D, H, W) image → (K, D, H, W) float32."""
    net.eval()

    @torch.no_grad()
    def predict_fn(batch: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)).to(device)
        return torch.cat([torch.sigmoid(l) for l in net(x)["logits"]], dim=1).cpu().numpy()

    return ev.sliding_window_predict(predict_fn, image, tuple(patch_size), overlap)


def validate_cases(net: nn.Module, cases: list[dict], patch_size, overlap: float, threshold: float,
                   device: torch.device) -> dict[str, float]:
    """Mean Dice over labelled cases of the combined (mean of heads) mask and of each head.

    Returns:
        {"val_dice": …, "val_dice_head0": …, ["val_dice_head1": …]}; empty without cases.
    """
    if not cases:
        return {}
    scores: dict[str, list[float]] = {}
    for case in cases:
        probs = predict_volume(net, case["image"], patch_size, overlap, device)
        gt = case["label"][0] > 0
        scores.setdefault("val_dice", []).append(float(ev.dice(probs.mean(0) >= threshold, gt)))
        for k in range(probs.shape[0]):
            scores.setdefault(f"val_dice_head{k}", []).append(float(ev.dice(probs[k] >= threshold, gt)))
    return {k: float(np.mean(v)) for k, v in scores.items()}
