"""Uncertainty-aware mean-teacher consistency (UA-MT; paper 003 eq. 1, L_con)."""

from __future__ import annotations

import math

import torch


def binary_entropy(prob: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Predictive entropy of a Bernoulli probability map, in nats: −p ln p − (1−p) ln(1−p)."""
    p = prob.clamp(eps, 1 - eps)
    return -(p * torch.log(p) + (1 - p) * torch.log(1 - p))


def uncertainty_threshold(ramp: float, low: float = 0.75, high: float = 1.0) -> float:
    """UA-MT's threshold H = (low + (high − low)·ramp)·ln 2 — lenient early, admitting more voxels later."""
    return (low + (high - low) * ramp) * math.log(2)


def uamt_consistency(student_prob: torch.Tensor, teacher_prob: torch.Tensor, uncertainty: torch.Tensor,
                     threshold: float) -> torch.Tensor:
    """L_con = Σ mask·(p_s − p_t)² / Σ mask with mask = (uncertainty < threshold).

    Args:
        student_prob: (B, 1, D, H, W) student probabilities (gradient flows).
        teacher_prob: (B, 1, D, H, W) mean of the teacher's T MC-dropout passes (no gradient).
        uncertainty: (B, 1, D, H, W) entropy of ``teacher_prob``.
        threshold: voxels at or above it are ignored.

    Returns:
        scalar; 0 (with a gradient path) when every voxel is too uncertain.
    """
    if not (student_prob.shape == teacher_prob.shape == uncertainty.shape):
        raise ValueError(f"uamt_consistency: shapes differ {tuple(student_prob.shape)}, "
                         f"{tuple(teacher_prob.shape)}, {tuple(uncertainty.shape)}")
    mask = (uncertainty < threshold).to(student_prob.dtype)
    dist = (student_prob - teacher_prob.detach()) ** 2
    return (mask * dist).sum() / (mask.sum() + 1e-8)
