"""CardPredictor: an ONNX model + card applied as the card prescribes (real ONNX Runtime)."""
import json

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper  # noqa: E402

from delineo_models.eval import dice, suv25  # noqa: E402
from delineo_models.eval.card_predictor import CardPredictor  # noqa: E402
from delineo_models.eval.predictors import CaseImages  # noqa: E402


def write_threshold_model(folder, target_spacing_xyz, fill_holes=None):
    """ONNX graph: p = sigmoid(50 · (x[:, 1] − 0.5)); with PET windowed to [0, 5] that is SUV > 2.5."""
    nodes = [
        helper.make_node("Slice", ["input", "starts", "ends", "axes"], ["pet"]),
        helper.make_node("Sub", ["pet", "half"], ["d"]),
        helper.make_node("Mul", ["d", "gain"], ["z"]),
        helper.make_node("Sigmoid", ["z"], ["prob"]),
    ]
    inits = [helper.make_tensor("starts", TensorProto.INT64, [1], [1]), helper.make_tensor("ends", TensorProto.INT64, [1], [2]),
             helper.make_tensor("axes", TensorProto.INT64, [1], [1]), helper.make_tensor("half", TensorProto.FLOAT, [], [0.5]),
             helper.make_tensor("gain", TensorProto.FLOAT, [], [50.0])]
    graph = helper.make_graph(nodes, "thr", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 2, "D", "H", "W"])],
                              [helper.make_tensor_value_info("prob", TensorProto.FLOAT, ["N", 1, "D", "H", "W"])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, str(folder / "thr.onnx"))
    card = {"name": "thr", "version": "0.0.1", "onnx": {"file": "thr.onnx", "sha256": "", "opset": 17}, "inputName": "input",
            "inputs": [{"modality": "CT", "label": "CT", "normalization": {"method": "window", "min": -160, "max": 240}, "padValue": -1024},
                       {"modality": "PT", "label": "FDG", "normalization": {"method": "window", "min": 0, "max": 5}, "padValue": 0}],
            "outputs": [{"name": "prob", "role": "fused"}], "combine": "first", "targetSpacing": target_spacing_xyz,
            "patchSize": [16, 16, 8], "overlap": 0.5, "threshold": 0.5, "minComponentMl": 0,
            "training": {"method": "uamt", "data": "phantoms + real TCIA STS_002 CT+PET as unlabelled data"}}
    if fill_holes is not None:
        card["fillHoles"] = fill_holes
    (folder / "thr.json").write_text(json.dumps(card))
    return folder / "thr.json"


def case():
    rng = np.random.default_rng(0)
    pet = rng.uniform(0, 2, (12, 30, 30)).astype(np.float32)
    pet[4:8, 10:20, 8:18] = 6.0
    lab = pet > 2.5
    return CaseImages("STS_002", {"CT": np.zeros_like(pet), "PT": pet}, np.diag([1.0, 1.0, 3.0, 1.0]), (3.0, 1.0, 1.0), lab)


def test_same_grid_reproduces_the_threshold(tmp_path):
    p = CardPredictor(write_threshold_model(tmp_path, [1.0, 1.0, 3.0]))
    c = case()
    out = p.predict(c)
    np.testing.assert_array_equal(out["combined"], suv25(c.channels["PT"], component="all"))
    assert p.training_use == {"STS_002": "unlabelled"} and p.kind == "semi-supervised"


def test_coarser_target_grid_round_trips_to_the_case_grid(tmp_path):
    p = CardPredictor(write_threshold_model(tmp_path, [2.0, 2.0, 3.0]))
    c = case()
    out = p.predict(c)
    assert out["combined"].shape == c.label.shape
    assert dice(out["combined"], c.label) > 0.85


def test_missing_onnx_is_one_clear_error(tmp_path):
    card = write_threshold_model(tmp_path, [1.0, 1.0, 3.0])
    (tmp_path / "thr.onnx").unlink()
    with pytest.raises(ValueError, match="thr.json: cannot load"):
        CardPredictor(card)


@pytest.mark.parametrize("fill", [None, False, True])
def test_fill_holes_follows_the_card(tmp_path, fill):
    """A hot block with a cold (necrotic) core: filled only when the card sets fillHoles."""
    p = CardPredictor(write_threshold_model(tmp_path, [1.0, 1.0, 3.0], fill))
    c = case()
    c.channels["PT"][5:7, 13:17, 11:15] = 0.5
    out = p.predict(c)["combined"]
    assert out[6, 15, 12] == bool(fill)
    assert out[4, 10, 8] and not out[4, 9, 8]
