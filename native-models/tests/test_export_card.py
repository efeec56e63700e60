"""The model card written by export agrees with the TypeScript ModelCard interface and with the graph."""

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import onnx
import pytest

from delineo_models.export import CARD_KEYS, INTENDED_USE, export_run
from delineo_models.train import run_training

from test_train_loop import config, synthetic_source

REPO = Path(__file__).resolve().parents[2]
MODEL_CARD_TS = REPO / "electron" / "pipeline" / "inference" / "model-card.ts"


def ts_interface_keys(name):
    text = MODEL_CARD_TS.read_text()
    body = re.search(rf"export interface {name} {{(.*?)\n}}", text, re.S).group(1)
    return re.findall(r"^  readonly (\w+)\??:", body, re.M)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    cfg = config(tmp, "uamt", "mim-cmfnet", iterations=2)
    cfg["data"].update({"modalities": ["CT", "PT"], "labels": ["CT", "FDG"], "target_spacing": [3.0, 2.0, 1.5]})
    cfg["card"] = {"version": "1.2.3", "data": "synthetic test cubes", "licence": "test-licence"}
    run = run_training(cfg, source=synthetic_source())
    onnx_path, card_path = export_run(run, tmp / "models" / "tiny-gtv", metrics={"note": "test"})
    return onnx_path, card_path, json.loads(card_path.read_text())


def test_card_has_exactly_the_typescript_fields(exported):
    _, _, card = exported
    assert tuple(ts_interface_keys("ModelCard")) == CARD_KEYS
    assert list(card) == list(CARD_KEYS)
    for inp in card["inputs"]:
        assert list(inp) == ts_interface_keys("ModelCardInput")
    for out in card["outputs"]:
        assert list(out) == ts_interface_keys("ModelCardOutput")


def test_card_values(exported):
    onnx_path, _, card = exported
    assert card["schemaVersion"] == 1 and card["name"] == "tiny-gtv" and card["version"] == "1.2.3"
    assert card["architecture"] == "mim-cmfnet" and card["combine"] == "first"
    assert card["onnx"] == {"file": "tiny-gtv.onnx", "sha256": hashlib.sha256(onnx_path.read_bytes()).hexdigest(),
                            "opset": 17}
    assert card["targetSpacing"] == [1.5, 2.0, 3.0]          # [x, y, z] from (z, y, x)
    assert card["patchSize"] == [32, 32, 16]                 # [x, y, z] from (D, H, W)
    assert [i["modality"] for i in card["inputs"]] == ["CT", "PT"]
    assert card["inputs"][0]["normalization"] == {"method": "window", "min": -200, "max": 300}
    assert card["inputs"][0]["padValue"] == -1024 and card["inputs"][1]["padValue"] == 0
    assert card["structure"] == {"name": "GTV", "interpretedType": "GTV", "color": [255, 64, 64]}
    assert card["training"] == {"method": "uamt+cmf+mim", "data": "synthetic test cubes", "labelledFraction": 0.5,
                                "cases": {"labelled": 2, "unlabelled": 2},
                                "licence": "synthetic phantoms: no restriction"}
    assert card["intendedUse"] == INTENDED_USE == "research; not for clinical use"
    assert card["metrics"]["note"] == "test" and card["metrics"]["onnxParityMaxAbs"] <= 1e-4


def test_card_agrees_with_graph(exported):
    onnx_path, _, card = exported
    model = onnx.load(str(onnx_path))
    g = model.graph
    assert [i.name for i in g.input] == [card["inputName"]]
    dims = [d.dim_param or d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
    assert dims[1] == len(card["inputs"])
    assert dims[2:] == list(reversed(card["patchSize"]))
    assert [o.name for o in g.output] == [o["name"] for o in card["outputs"]]
    for o in g.output:
        assert o.type.tensor_type.shape.dim[1].dim_value == 1
    assert card["onnx"]["opset"] == max(op.version for op in model.opset_import if op.domain in ("", "ai.onnx"))


def test_export_never_overwrites(exported, tmp_path):
    onnx_path, card_path, _ = exported
    with pytest.raises(ValueError, match="exists"):
        export_run(onnx_path.parent.parent / "uamt__mim-cmfnet__t", onnx_path.with_suffix(""))


def node_with_type_stripping():
    """A node ≥ 22.18 (runs .ts directly): the one on PATH, or the copy .ci/run caches; None if neither."""
    cached = Path.home() / ".cache" / "delineo-node22" / "package" / "bin" / "node"
    for node in (shutil.which("node"), str(cached) if cached.exists() else None):
        if not node:
            continue
        out = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip().lstrip("v")
        major, minor = (int(v) for v in out.split(".")[:2])
        if (major, minor) >= (22, 18):
            return node
    return None


@pytest.mark.skipif(node_with_type_stripping() is None, reason="no node >= 22.18 (needed to run the TS reader)")
def test_typescript_reader_accepts_the_card(exported):
    _, card_path, card = exported
    script = ("import { readModelCard } from './electron/pipeline/inference/read-model-card.ts';"
              f"const c = await readModelCard({json.dumps(str(card_path))});"
              "console.log(JSON.stringify(c.card));")
    res = subprocess.run([node_with_type_stripping(), "--input-type=module", "-e", script], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == card
