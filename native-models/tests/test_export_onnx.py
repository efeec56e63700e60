"""ONNX export: parity with PyTorch on random and phantom input, dynamic batch, refusal cases."""

import numpy as np
import onnx
import pytest
import torch

from delineo_models.data import generate_case, normalize
from delineo_models.export import INPUT_NAME, export_onnx, onnx_predict, parity
from delineo_models.nets import build_network

TINY = {"base_channels": 2, "max_channels": 8, "convs": (1, 1, 1, 1, 1)}
PATCH = (16, 32, 32)


def trained_like(name):
    """A tiny network with non-trivial BatchNorm statistics (so parity covers folded BN)."""
    torch.manual_seed(0)
    net = build_network(name, **TINY)
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net(torch.randn(2, 2, *PATCH) * 2 + 0.5)
    return net.eval()


def phantom_input():
    case = generate_case(np.random.default_rng(7), ("CT", "PT"), size=(32, 48, 48), spacing=(3.0, 2.0, 2.0))
    img = np.stack([normalize(case["CT"], {"method": "window", "min": -200, "max": 300}),
                    normalize(case["PT"], {"method": "window", "min": 0, "max": 10})])
    return img[None, :, 8:24, 8:40, 8:40].astype(np.float32)


@pytest.mark.parametrize("name,dynamic", [("dual-branch-mmf", True), ("dual-branch", True), ("mim-cmfnet", False)])
def test_parity_random_and_phantom(tmp_path, name, dynamic):
    net = trained_like(name)
    path = tmp_path / "m.onnx"
    names = export_onnx(net, path, PATCH, opset=17, dynamic_spatial=dynamic)
    rnd = np.random.default_rng(1).standard_normal((3, 2, *PATCH)).astype(np.float32)   # batch 3: dynamic N
    assert parity(net, path, rnd) <= 1e-4
    assert parity(net, path, phantom_input()) <= 1e-4
    out = onnx_predict(path, rnd)
    assert len(out) == len(names) == getattr(net, "n_heads")
    assert all(o.shape == (3, 1, *PATCH) and o.min() >= 0 and o.max() <= 1 for o in out)
    graph = onnx.load(str(path)).graph
    assert [i.name for i in graph.input] == [INPUT_NAME]
    dims = [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    assert dims[0] == "N" and dims[1] == 2
    if dynamic:
        assert all(isinstance(d, str) for d in dims[2:])
        other = np.random.default_rng(2).standard_normal((1, 2, 32, 16, 48)).astype(np.float32)
        assert parity(net, path, other) <= 1e-4
    else:
        assert dims[2:] == list(PATCH)


def test_export_refuses_low_opset_and_overwrite(tmp_path):
    net = trained_like("dual-branch")
    with pytest.raises(ValueError, match="opset must be ≥ 17"):
        export_onnx(net, tmp_path / "a.onnx", PATCH, opset=13)
    (tmp_path / "b.onnx").write_bytes(b"keep")
    with pytest.raises(ValueError, match="exists"):
        export_onnx(net, tmp_path / "b.onnx", PATCH)
    assert (tmp_path / "b.onnx").read_bytes() == b"keep"


def test_export_drops_the_training_only_mim_branch(tmp_path):
    net = trained_like("mim-cmfnet")
    export_onnx(net, tmp_path / "m.onnx", PATCH)
    ops = {n.op_type for n in onnx.load(str(tmp_path / "m.onnx")).graph.node}
    assert "RandomNormalLike" not in ops and "Tanh" not in ops
    assert net.mim is not None   # the caller's network is untouched
