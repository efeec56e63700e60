"""Losses of the two papers: supervised BCE + Dice, MCML (paper 000 eqs. 4–6), UA-MT consistency
(paper 003 eq. 1), MIM latent loss and closed-form Gaussian KL (paper 003 eqs. 3–6), sigmoid ramp-up."""

from .dice_bce import DiceBCELoss, soft_dice_loss
from .gaussian_kl import gaussian_kl
from .mcml import MCMLLoss
from .mim_latent import mim_latent_loss
from .rampup import sigmoid_rampup
from .uamt import binary_entropy, uamt_consistency, uncertainty_threshold

__all__ = ["DiceBCELoss", "soft_dice_loss", "gaussian_kl", "MCMLLoss", "mim_latent_loss", "sigmoid_rampup",
           "binary_entropy", "uamt_consistency", "uncertainty_threshold"]
