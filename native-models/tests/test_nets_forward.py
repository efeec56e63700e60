"""Forward shapes, switches and ill-shaped input of the networks (tiny widths for CI)."""

import pytest
import torch

from delineo_models.nets import NETWORKS, DualBranchNet, MIMCMFNet, build_network, count_parameters
from delineo_models.nets.cmf import CrossModalFusion
from delineo_models.nets.mae import ModalityAwareEnhancement
from delineo_models.nets.mmf import MultiModalFusion

TINY = {"base_channels": 2, "max_channels": 8, "convs": (1, 1, 1, 1, 1)}


@pytest.mark.parametrize("name,heads,latent", [("dual-branch-mmf", 2, False), ("dual-branch", 2, False),
                                                ("mim-cmfnet", 1, True)])
def test_forward_shapes(name, heads, latent):
    torch.manual_seed(0)
    net = build_network(name, **TINY).eval()
    x = torch.randn(2, 2, 16, 32, 48)
    out = net(x)
    assert len(out["logits"]) == heads
    for logits in out["logits"]:
        assert logits.shape == (2, 1, 16, 32, 48)
        assert torch.isfinite(logits).all()
    assert ("latent_loss" in out) == latent
    if latent:
        assert out["latent_loss"].ndim == 0


def test_baseline_has_no_fusion_modules():
    base, full = build_network("dual-branch", **TINY), build_network("dual-branch-mmf", **TINY)
    assert base.fusions is None and base.mae is None
    assert count_parameters(full) > count_parameters(base)


def test_switches_remove_modules():
    net = MIMCMFNet(**TINY, cmf=False, mim=False).eval()
    assert not any(isinstance(m, CrossModalFusion) for m in net.modules())
    assert "latent_loss" not in net(torch.randn(1, 2, 16, 16, 16))
    with_cmf = MIMCMFNet(**TINY)
    assert sum(isinstance(m, CrossModalFusion) for m in with_cmf.modules()) == 3   # stages 3–5


def test_branches_see_their_own_modality_without_fusion():
    # Without MMF/MAE branch a must not depend on channel 1 at all.
    net = build_network("dual-branch", **TINY).eval()
    x = torch.randn(1, 2, 16, 16, 16)
    y = x.clone()
    y[:, 1] = torch.randn_like(y[:, 1])
    assert torch.equal(net(x)["logits"][0], net(y)["logits"][0])
    assert not torch.equal(net(x)["logits"][1], net(y)["logits"][1])


def test_fusion_makes_branch_a_see_modality_b():
    net = build_network("dual-branch-mmf", **TINY).eval()
    x = torch.randn(1, 2, 16, 16, 16)
    y = x.clone()
    y[:, 1] = torch.randn_like(y[:, 1])
    assert not torch.allclose(net(x)["logits"][0], net(y)["logits"][0])


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_ill_shaped_input_is_refused(name):
    with pytest.raises(ValueError, match=r"\(B, 2, D, H, W\)"):
        build_network(name, **TINY)(torch.randn(1, 3, 16, 16, 16))


def test_unknown_network_lists_known_ones():
    with pytest.raises(ValueError, match="mim-cmfnet"):
        build_network("unet")


def test_dropout_is_stochastic_in_train_and_off_in_eval():
    torch.manual_seed(0)
    net = DualBranchNet(**TINY, dropout=0.5)
    x = torch.randn(2, 2, 16, 16, 16)
    net.eval()
    assert torch.equal(net(x)["logits"][0], net(x)["logits"][0])
    net.train()
    assert not torch.equal(net(x)["logits"][0], net(x)["logits"][0])


def test_mmf_is_sigmoid_map_and_injection_modes():
    mmf = MultiModalFusion(4, inject="add").eval()
    a, b = torch.randn(1, 4, 4, 4, 4), torch.randn(1, 4, 4, 4, 4)
    fused = mmf(a, b)
    assert fused.shape == a.shape and (fused > 0).all() and (fused < 1).all()
    assert torch.allclose(mmf.inject(a, fused), a + fused)
    gate = MultiModalFusion(4, inject="gate")
    assert torch.allclose(gate.inject(a, fused), a * (1 + fused))
    with pytest.raises(ValueError):
        MultiModalFusion(4, inject="concat")


def test_mae_weights_sum_to_one_across_modalities():
    mae = ModalityAwareEnhancement(8).eval()
    a, b = torch.randn(2, 8, 4, 4, 4), torch.randn(2, 8, 4, 4, 4)
    w = mae.weights(a, b, mae.fc_a)
    assert w.shape == (2, 2, 8)
    assert torch.allclose(w.sum(dim=1), torch.ones(2, 8), atol=1e-6)
    out_a, out_b = mae(a, b)
    assert out_a.shape == a.shape and out_b.shape == b.shape


def test_cmf_is_identity_at_init_and_matches_eq2():
    torch.manual_seed(0)
    cmf = CrossModalFusion(4).eval()
    p, c = torch.randn(1, 4, 2, 3, 2), torch.randn(1, 4, 2, 3, 2)
    assert torch.allclose(cmf(p, c), p)      # μ ends in a zero-initialised BN
    # Eq. 2 by hand with μ's BN set to identity: Z = P + μ(ω(P) φ(C)ᵀ g(P) / N).
    torch.nn.init.ones_(cmf.mu[1].weight)
    n = 2 * 3 * 2
    q = cmf.omega(p).flatten(2)[0].T
    k = cmf.phi(c).flatten(2)[0]
    v = cmf.g(p).flatten(2)[0].T
    y = ((q @ k) / n @ v).T.reshape(1, -1, 2, 3, 2)
    assert torch.allclose(cmf(p, c), p + cmf.mu(y), atol=1e-6)
