"""The committed models: every card matches its ONNX file (sha256, names, shapes), sizes and licences hold."""

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from delineo_models.export import CARD_KEYS, INTENDED_USE

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "models").glob("*.json"))
RESEARCH = sorted((ROOT / "models-research").glob("*.json"))


def test_the_two_default_models_ship():
    assert {p.stem for p in SHIPPED} >= {"pet-ct-gtv", "ct-mr-gtv"}


@pytest.mark.parametrize("card_path", SHIPPED + RESEARCH, ids=lambda p: p.stem)
def test_card_matches_graph(card_path):
    card = json.loads(card_path.read_text())
    assert list(card) == list(CARD_KEYS) and card["intendedUse"] == INTENDED_USE
    onnx_path = card_path.parent / card["onnx"]["file"]
    assert hashlib.sha256(onnx_path.read_bytes()).hexdigest() == card["onnx"]["sha256"]
    assert onnx_path.stat().st_size <= 30 * 1024 * 1024
    model = onnx.load(str(onnx_path))
    assert card["onnx"]["opset"] >= 17
    g = model.graph
    assert [i.name for i in g.input] == [card["inputName"]]
    assert [o.name for o in g.output] == [o["name"] for o in card["outputs"]]
    # One window of the card's patch (z, y, x = patchSize reversed), batch 2: probabilities in [0, 1].
    z, y, x = reversed(card["patchSize"])
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    out = sess.run(None, {card["inputName"]: np.random.default_rng(0).random((2, len(card["inputs"]), z, y, x),
                                                                               dtype=np.float32)})
    assert all(o.shape == (2, 1, z, y, x) and 0 <= o.min() and o.max() <= 1 for o in out)


@pytest.mark.parametrize("card_path", RESEARCH, ids=lambda p: p.stem)
def test_non_commercial_models_stay_out_of_the_installer(card_path):
    card = json.loads(card_path.read_text())
    assert "NC" in card["licence"] and "NC" in card["training"]["licence"]
    assert not (ROOT / "models" / card_path.name).exists()
