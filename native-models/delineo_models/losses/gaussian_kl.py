"""Closed-form KL divergence between diagonal Gaussians (paper 003, MIM module, eqs. 4–5)."""

from __future__ import annotations

import torch


def gaussian_kl(mu1: torch.Tensor, log_std1: torch.Tensor, mu2: torch.Tensor, log_std2: torch.Tensor) -> torch.Tensor:
    """KL(N(μ1, σ1²) ‖ N(μ2, σ2²)) summed over the last dim (independent latent dims).

    KL = Σ_k [ log σ2 − log σ1 + (σ1² + (μ1 − μ2)²) / (2 σ2²) − ½ ].

    Args:
        mu1, log_std1, mu2, log_std2: (B, K) means and log standard deviations.

    Returns:
        (B,) KL per sample.

    Raises:
        ValueError: if the shapes differ.
    """
    if not (mu1.shape == log_std1.shape == mu2.shape == log_std2.shape):
        raise ValueError(f"gaussian_kl: shapes differ {mu1.shape}, {log_std1.shape}, {mu2.shape}, {log_std2.shape}")
    var1, var2 = torch.exp(2 * log_std1), torch.exp(2 * log_std2)
    kl = log_std2 - log_std1 + (var1 + (mu1 - mu2) ** 2) / (2 * var2) - 0.5
    return kl.sum(dim=-1)
