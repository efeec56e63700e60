"""Mutual-information-minimisation (MIM) module of paper 003 (Fig. 4, steps I–IV)."""

from __future__ import annotations

import torch
from torch import nn

from ..losses.mim_latent import mim_latent_loss


class MutualInformationMinimization(nn.Module):
    """Projects stage-5 CT and PET features to Gaussians and returns L_latent (paper 003, eqs. 3–6).

    Step I: 1×1×1 conv to C' = 64, reshape, two FCs per modality to μ and log σ of size K = 24,
    each through tanh. "After reshaping" leaves the FC input size open; to keep the module
    independent of the patch size we average-pool to a fixed 2×2×2 grid first (C'·8 inputs).
    Step III: z = μ + σ·ε while training; z = μ in eval so that inference is deterministic.

    Args:
        ch: channels C of the stage-5 features.
        hidden: C' (paper: 64).
        latent: K (paper: 24).

    Forward: c_feat, p_feat (B, C, d, h, w) → scalar L_latent.
    """

    def __init__(self, ch: int, hidden: int = 64, latent: int = 24) -> None:
        super().__init__()
        self.proj_c = nn.Conv3d(ch, hidden, 1)
        self.proj_p = nn.Conv3d(ch, hidden, 1)
        self.pool = nn.AdaptiveAvgPool3d(2)
        n_in = hidden * 8
        self.mu_c, self.std_c = nn.Linear(n_in, latent), nn.Linear(n_in, latent)
        self.mu_p, self.std_p = nn.Linear(n_in, latent), nn.Linear(n_in, latent)

    def encode(self, feat: torch.Tensor, proj: nn.Module, fc_mu: nn.Module,
               fc_std: nn.Module) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Step I and III for one modality: (μ, log σ, z), each (B, K)."""
        h = self.pool(proj(feat)).flatten(1)
        mu, log_std = torch.tanh(fc_mu(h)), torch.tanh(fc_std(h))
        z = mu + torch.exp(log_std) * torch.randn_like(mu) if self.training else mu
        return mu, log_std, z

    def forward(self, c_feat: torch.Tensor, p_feat: torch.Tensor) -> torch.Tensor:
        mu_c, ls_c, z_c = self.encode(c_feat, self.proj_c, self.mu_c, self.std_c)
        mu_p, ls_p, z_p = self.encode(p_feat, self.proj_p, self.mu_p, self.std_p)
        return mim_latent_loss(mu_c, ls_c, z_c, mu_p, ls_p, z_p)
