"""Latent loss of the mutual-information-minimisation (MIM) module, paper 003 eqs. 3–6."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .gaussian_kl import gaussian_kl


def mim_latent_loss(mu_c: torch.Tensor, log_std_c: torch.Tensor, z_c: torch.Tensor,
                    mu_p: torch.Tensor, log_std_p: torch.Tensor, z_p: torch.Tensor) -> torch.Tensor:
    """L_latent = H_p(c) + H_c(p) − (KL(c‖p) + KL(p‖c)) — paper 003, eq. 6 without H(c, p) ≥ 0.

    The cross-entropies H_p(c), H_c(p) are BCEs between the sigmoid-squashed latent samples,
    each against the other one detached (as in the MIM reference code the paper follows);
    the KLs are closed-form (:func:`gaussian_kl`), averaged over the batch. The tanh on μ and
    log σ (paper: step I) keeps −KL bounded.

    Args:
        mu_c, log_std_c, z_c: CT latent mean, log std and reparameterised sample, (B, K).
        mu_p, log_std_p, z_p: the same for PET, (B, K).

    Returns:
        scalar tensor.
    """
    s_c, s_p = torch.sigmoid(z_c), torch.sigmoid(z_p)
    ce = F.binary_cross_entropy(s_c, s_p.detach()) + F.binary_cross_entropy(s_p, s_c.detach())
    kl = gaussian_kl(mu_c, log_std_c, mu_p, log_std_p).mean() + gaussian_kl(mu_p, log_std_p, mu_c, log_std_c).mean()
    return ce - kl
