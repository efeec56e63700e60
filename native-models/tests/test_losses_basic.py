"""Losses against hand-computed values: BCE + Dice, MCML (with stop-gradient), UA-MT, MIM KL, ramp-up."""

import math

import pytest
import torch

from delineo_models.losses import (DiceBCELoss, MCMLLoss, binary_entropy, gaussian_kl, mim_latent_loss,
                                   sigmoid_rampup, soft_dice_loss, uamt_consistency, uncertainty_threshold)


def test_soft_dice_by_hand():
    p = torch.tensor([0.5, 1.0, 0.0, 0.5]).view(1, 1, 1, 1, 4)
    y = torch.tensor([1.0, 1.0, 0.0, 0.0]).view(1, 1, 1, 1, 4)
    # 2·(0.5 + 1) / (2 + 2) = 0.75
    assert soft_dice_loss(p, y, eps=0).item() == pytest.approx(0.25)
    with pytest.raises(ValueError, match="differ"):
        soft_dice_loss(p, y[..., :2])


def test_dice_bce_by_hand():
    logits = torch.tensor([0.0, 0.0]).view(1, 1, 1, 1, 2)
    y = torch.tensor([1.0, 0.0]).view(1, 1, 1, 1, 2)
    # BCE = ln 2; p = 0.5 each: dice = 1 − 2·0.5/(1 + 1) = 0.5
    assert DiceBCELoss()(logits, y).item() == pytest.approx(math.log(2) + 0.5, abs=1e-4)


def test_mcml_by_hand_and_stop_gradient():
    la = torch.tensor([0.0, 0.0]).view(2, 1, 1, 1, 1).requires_grad_()
    lb = torch.tensor([0.0, math.log(3)]).view(2, 1, 1, 1, 1).requires_grad_()  # σ = 0.5, 0.75
    y = torch.ones(1, 1, 1, 1, 1)
    out = MCMLLoss()(la, lb, y, alpha=2.0)
    # Unlabelled sample 2: p_a = 0.5, p_b = 0.75 → 2 · 0.25² = 0.125
    assert out["unsup"].item() == pytest.approx(0.125)
    sup_each = -math.log(0.5) + (1 - 2 * 0.5 / 1.5)
    assert out["sup"].item() == pytest.approx(2 * sup_each, abs=1e-4)
    assert out["total"].item() == pytest.approx(2 * sup_each + 2 * 0.125, abs=1e-4)
    # Gradient of L_unsup w.r.t. f's logit on the unlabelled sample: only through f(x^a) in the
    # first term (pl^b is detached): d/dz (σ(z) − 0.75)² = 2(σ − 0.75)·σ(1 − σ) = −0.125.
    la.grad = lb.grad = None
    out["unsup"].backward()
    assert la.grad[1].item() == pytest.approx(2 * (0.5 - 0.75) * 0.25)
    assert lb.grad[1].item() == pytest.approx(2 * (0.75 - 0.5) * 0.75 * 0.25)
    assert la.grad[0].item() == 0.0     # labelled sample takes no unsupervised gradient


def test_mcml_pseudo_label_really_is_detached():
    # If the pseudo-label carried gradient, d/dz_b of (σ_a − σ_b)² would add to b's gradient
    # through the first term; with a frozen b head only the second term may move b.
    la = torch.zeros(1, 1, 1, 1, 1, requires_grad=True)
    lb = torch.zeros(1, 1, 1, 1, 1, requires_grad=True)
    loss = MCMLLoss()(la, lb, None)
    f_only = torch.nn.functional.mse_loss(torch.sigmoid(la), torch.sigmoid(lb).detach())
    g_a, = torch.autograd.grad(f_only, [la])
    la2 = la.detach().clone().requires_grad_()
    lb2 = lb.detach().clone().requires_grad_()
    loss2 = MCMLLoss()(la2 + 1.0, lb2, None)["unsup"]
    loss2.backward()
    # ∂/∂a of ‖σ(a) − pl_b‖² + ‖σ(b) − pl_a‖² with pl_a detached is only the first term.
    s = torch.sigmoid(torch.tensor(1.0))
    assert la2.grad.item() == pytest.approx((2 * (s - 0.5) * s * (1 - s)).item(), rel=1e-5)
    assert lb2.grad.item() == pytest.approx((2 * (0.5 - s) * 0.25).item(), rel=1e-5)
    assert loss["unsup"].item() == 0.0 and g_a.item() == 0.0


def test_uamt_masks_uncertain_voxels():
    s = torch.tensor([0.9, 0.1, 0.5, 0.2]).view(1, 1, 1, 1, 4)
    t = torch.tensor([1.0, 0.3, 0.5, 0.8]).view(1, 1, 1, 1, 4)
    u = torch.tensor([0.1, 0.2, 0.3, 0.9]).view(1, 1, 1, 1, 4)
    # Threshold 0.5 keeps voxels 0–2: (0.01 + 0.04 + 0) / 3
    assert uamt_consistency(s, t, u, 0.5).item() == pytest.approx(0.05 / 3)
    assert uamt_consistency(s, t, u, 0.0).item() == 0.0


def test_uamt_threshold_and_entropy():
    assert uncertainty_threshold(0.0) == pytest.approx(0.75 * math.log(2))
    assert uncertainty_threshold(1.0) == pytest.approx(math.log(2))
    e = binary_entropy(torch.tensor([0.5, 1.0, 0.25]))
    assert e[0].item() == pytest.approx(math.log(2), rel=1e-5)
    assert e[1].item() == pytest.approx(0.0, abs=1e-4)
    assert e[2].item() == pytest.approx(-(0.25 * math.log(0.25) + 0.75 * math.log(0.75)), rel=1e-5)


def test_sigmoid_rampup_values():
    assert sigmoid_rampup(0, 100) == pytest.approx(math.exp(-5))
    assert sigmoid_rampup(50, 100) == pytest.approx(math.exp(-5 * 0.25))
    assert sigmoid_rampup(100, 100) == 1.0 and sigmoid_rampup(500, 100) == 1.0
    assert sigmoid_rampup(3, 0) == 1.0


def test_gaussian_kl_closed_form_and_torch_distributions():
    torch.manual_seed(0)
    mu1, ls1, mu2, ls2 = (torch.randn(3, 24) * 0.5 for _ in range(4))
    ours = gaussian_kl(mu1, ls1, mu2, ls2)
    ref = torch.distributions.kl_divergence(
        torch.distributions.Independent(torch.distributions.Normal(mu1, ls1.exp()), 1),
        torch.distributions.Independent(torch.distributions.Normal(mu2, ls2.exp()), 1))
    assert torch.allclose(ours, ref, atol=1e-5)
    # One dim by hand: N(0,1) ‖ N(1, e²): log e − 0 + (1 + 1)/(2e²) − ½ = ½ + 1/e².
    one = gaussian_kl(torch.zeros(1, 1), torch.zeros(1, 1), torch.ones(1, 1), torch.ones(1, 1))
    assert one.item() == pytest.approx(0.5 + math.exp(-2), rel=1e-6)
    assert gaussian_kl(mu1, ls1, mu1, ls1).abs().max().item() < 1e-6
    with pytest.raises(ValueError):
        gaussian_kl(mu1, ls1, mu2[:, :3], ls2)


def test_mim_latent_loss_by_hand():
    z = torch.zeros(1, 2)
    mu_c, ls_c = torch.zeros(1, 2), torch.zeros(1, 2)
    mu_p, ls_p = torch.ones(1, 2), torch.zeros(1, 2)
    # BCE(0.5, 0.5) = ln 2 twice; KL both ways = 2 dims · ½ each = 1, twice = 2.
    out = mim_latent_loss(mu_c, ls_c, z, mu_p, ls_p, z)
    assert out.item() == pytest.approx(2 * math.log(2) - 2.0, rel=1e-5)
