"""Report machinery: evaluation rows, training-use marks, verdicts, the real.md command, and a
real (tiny) training run evaluated the way the app would apply it."""
import json

import numpy as np
import pytest

from delineo_models.data import make_phantom_dataset
from delineo_models.eval.predictors import CaseImages, Suv25Predictor, Suv41Predictor, load_cases, training_use
from delineo_models.eval.report_real import evaluate, main, render


class ThresholdPredictor:
    """Trivial stand-in model: PET above a fixed SUV."""

    def __init__(self, thr, use=None):
        self.name, self.kind, self.modalities = f"PET > {thr}", "semi-supervised", ["PT"]
        self.thr, self.training_use = thr, use or {}

    def predict(self, case):
        m = case.channels["PT"] > self.thr
        return {"combined": m, "heads": [m]}


def lesion_case(cid="c1"):
    pet = np.full((10, 30, 30), 0.5, np.float32)
    pet[3:7, 10:20, 10:20] = 3.0
    pet[5, 15, 15] = 10.0
    lab = np.zeros(pet.shape, bool)
    lab[3:7, 10:20, 10:20] = True
    return CaseImages(cid, {"PT": pet, "CT": np.zeros_like(pet)}, np.eye(4), (2.0, 1.0, 1.0), lab)


def test_rows_metrics_verdicts_and_training_marks():
    case = lesion_case()
    preds = [Suv41Predictor(), Suv25Predictor(), ThresholdPredictor(2.0, {"c1": "labelled"}), ThresholdPredictor(5.0)]
    rows = evaluate(preds, [case])
    by = {r["model"]: r for r in rows}
    assert by["PET > 2.0"]["dice"] == 1.0 and by["PET > 5.0"]["dice"] == pytest.approx(2 / 401)
    assert by["SUV ≥ 2.5 (component of SUVmax)"]["dice"] == 1.0
    assert by["SUV 41 % (region growing)"]["volume_ml"] == pytest.approx(0.002)  # only the 10-SUV voxel ≥ 4.1
    text = render(rows, preds, {"test": [case]}, "python -m x --flag")
    assert "python -m x --flag" in text.split("## Data")[0]
    assert "**trained on WITH label**" in text and "held out" in text
    assert "PET > 5.0: does NOT beat SUV 41 %" in text
    assert "PET > 2.0: does NOT beat SUV ≥ 2.5" in text  # ties do not count as beating
    assert "| PET > 5.0 | semi-supervised | PT | held out | 0.005 |" in text


def test_predictors_skip_cases_without_their_inputs():
    case = lesion_case()
    case.channels.pop("PT")
    assert evaluate([Suv41Predictor()], [case]) == []


def test_training_use_reads_dataset_roots(tmp_path):
    root = tmp_path / "ds"
    make_phantom_dataset(root, 6, ("CT", "PT"), 0.5, seed=2, size=(16, 32, 32))
    (tmp_path / "real").mkdir()
    (tmp_path / "real/dataset.json").write_text(json.dumps({"modalities": ["CT", "PT"], "cases": [
        {"id": "STS_002", "labelled": False, "split": "train"}]}))
    use = training_use({"data": {"root": str(root), "extra_unlabelled": [{"root": str(tmp_path / "real")}]}})
    meta = json.loads((root / "dataset.json").read_text())
    train = [c for c in meta["cases"] if c["split"] == "train"]
    assert {k for k in use if k.startswith("phantom")} == {c["id"] for c in train}
    assert use["STS_002"] == "unlabelled"
    assert sum(v == "labelled" for v in use.values()) == sum(c["labelled"] for c in train)


def test_real_report_command_writes_markdown_with_its_command(tmp_path):
    out = tmp_path / "real.md"
    assert main(["--runs", "--out", str(out), "--work", str(tmp_path / "w"), "--no-brats"]) == 0
    text = out.read_text()
    assert text.startswith("# Delineo on real patients")
    assert "python -m delineo_models.eval.report_real --runs --out" in text
    assert "| SUV 41 % (region growing) | classical | PT | — (not trained) | 0.486 |" in text
    assert "No trained run was found" in text


def test_a_tiny_trained_run_is_applied_like_the_app(tmp_path):
    pytest.importorskip("torch")
    from delineo_models.eval.predictors import RunPredictor
    from delineo_models.train import run_training

    root = tmp_path / "ph"
    make_phantom_dataset(root, 6, ("CT", "PT"), 0.5, seed=3, size=(16, 40, 40), spacing=(3.0, 2.0, 2.0))
    cfg = {"name": "tiny", "method": "supervised", "network": {"name": "dual-branch", "base_channels": 4, "max_channels": 8},
           "output_dir": str(tmp_path / "runs"),
           "data": {"root": str(root), "modalities": ["CT", "PT"], "labels": ["CT", "FDG"],
                    "normalization": [{"method": "window", "min": -160, "max": 240},
                                      {"method": "zscore-foreground", "threshold": -1}],
                    "pad_values": [-1024, 0], "target_spacing": [3.0, 2.0, 2.0], "max_val_cases": 1},
           "training": {"iterations": 2, "batch_size": 2, "patch_size": [16, 32, 32], "validate_every": 2,
                        "checkpoint_every": 2, "threads": 1}}
    run = run_training(cfg)
    p = RunPredictor(run)
    assert p.kind == "supervised" and p.modalities == ["CT", "PT"]
    assert any(v == "labelled" for v in p.training_use.values())
    # A case on a finer grid than the run's target spacing: prediction comes back on the case grid.
    case = load_cases(root)[0]
    fine = CaseImages(case.id, {k: np.repeat(v, 2, axis=2) for k, v in case.channels.items()},
                      case.affine @ np.diag([0.5, 1, 1, 1]), (3.0, 2.0, 1.0), np.repeat(case.label, 2, axis=2))
    out = p.predict(fine)
    assert out["combined"].shape == fine.label.shape and out["combined"].dtype == bool
    assert len(out["heads"]) == 2
    rows = evaluate([p], [fine])
    assert rows and 0.0 <= rows[0]["dice"] <= 1.0


def test_training_use_of_importer_extras_in_the_run_folder(tmp_path):
    from delineo_models.data.importers import import_real_sts

    run = tmp_path / "run"
    make_phantom_dataset(run / "phantoms", 5, ("CT", "PT"), 0.5, seed=4, size=(16, 32, 32))
    import_real_sts(run / "extra_0", split="train", labelled=False)
    use = training_use({"data": {"root": None, "extra_unlabelled": [{"importer": "import_real_sts", "repeat": 6}]}}, run)
    assert use["STS_002"] == "unlabelled"
    assert any(k.startswith("phantom_") for k in use)


def test_ablation_report_end_to_end_tiny(tmp_path):
    pytest.importorskip("torch")
    from delineo_models.eval.report_ablation import main as ablation_main

    out = tmp_path / "ablation.md"
    assert ablation_main(["--out", str(out), "--work", str(tmp_path / "w"), "--only", "000", "--fractions", "0.2",
                          "--iterations", "1", "--n-cases", "5", "--size", "16", "32", "32", "--patch", "16", "32", "32",
                          "--base-channels", "4"]) == 0
    text = out.read_text()
    assert "--iterations 1" in text.split("## Data")[0]
    rows = [l for l in text.splitlines() if l.startswith("| 20 % | ✓ |")]
    assert len(rows) == 5 and all("±" in r for r in rows)
    assert "| 20 % | Baseline (UA-MT, PET/CT) | not run |" in text
    assert "1 test / 1 val / 3 train of which 1 labelled" in text
    # Re-rendering from the finished runs trains nothing and gives the same table.
    again = tmp_path / "again.md"
    args = ["--out", str(again), "--work", str(tmp_path / "w"), "--only", "000", "--fractions", "0.2", "--n-cases", "5",
            "--size", "16", "32", "32", "--patch", "16", "32", "32", "--base-channels", "4", "--render-only"]
    assert ablation_main(args + ["--iterations", "1"]) == 0
    assert [l for l in again.read_text().splitlines() if l.startswith("| 20 % | ✓ |")] == rows
    assert ablation_main(args + ["--iterations", "2"]) == 0
    assert again.read_text().count("not run") == 10


def test_supervised_counterpart_config(tmp_path):
    import yaml

    from delineo_models.eval.counterparts import counterpart_config

    run = tmp_path / "runs" / "uamt__mim-cmfnet__x"
    (run / "phantoms").mkdir(parents=True)
    (run / "phantoms/dataset.json").write_text("{}")
    (run / "config.yaml").write_text(yaml.safe_dump({"name": "x", "method": "uamt", "network": {"name": "mim-cmfnet"},
                                                     "data": {"root": None, "extra_unlabelled": [{"importer": "import_real_sts"}]},
                                                     "training": {"iterations": 10}}))
    cfg = counterpart_config(run, max_minutes=3)
    assert cfg["method"] == "supervised" and cfg["name"] == "x-supervised-only"
    assert cfg["data"]["extra_unlabelled"] == [] and cfg["data"]["root"] == str(run / "phantoms")
    assert cfg["training"] == {"iterations": 10, "max_minutes": 3.0} and cfg["network"] == {"name": "mim-cmfnet"}
    (run / "training.json").write_text(json.dumps({"iterations": 7}))
    assert counterpart_config(run)["training"] == {"iterations": 7}  # as many steps as the original made
    with pytest.raises(ValueError, match="no config.yaml"):
        counterpart_config(tmp_path)


def test_training_use_and_counterpart_of_an_imported_dataset(tmp_path):
    import yaml

    from delineo_models.eval.counterparts import counterpart_config

    run = tmp_path / "mcml__dual-branch-mmf__b"
    (run / "dataset").mkdir(parents=True)
    (run / "dataset/dataset.json").write_text(json.dumps({"modalities": ["T1c", "FLAIR"], "cases": [
        {"id": "p3", "labelled": True, "split": "train"}, {"id": "p4", "labelled": False, "split": "train"},
        {"id": "p5", "labelled": True, "split": "test"}]}))
    cfg = {"name": "b", "method": "mcml", "data": {"import": {"importer": "import_brats2013"}, "root": None}}
    assert training_use(cfg, run) == {"p3": "labelled", "p4": "unlabelled"}
    (run / "config.yaml").write_text(yaml.safe_dump(cfg))
    twin = counterpart_config(run)
    assert "import" not in twin["data"] and twin["data"]["root"] == str(run / "dataset")
