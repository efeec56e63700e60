"""The shared training loop: every method runs, logs, checkpoints, resumes exactly, and loads back."""

import json

import numpy as np
import pytest
import torch

from delineo_models.train import load_config, load_trained, run_training, trainer_for
from delineo_models.train.data_source import CaseSource
from delineo_models.train.ema import ema_update, enable_mc_dropout

TINY_NET = {"base_channels": 2, "max_channels": 8, "convs": [1, 1, 1, 1, 1]}


def synthetic_source(n_lab=2, n_unl=2, seed=0):
    """Cases whose channel 0 shows a bright cube (the label) and channel 1 a blurred copy."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(n_lab + n_unl):
        lab = np.zeros((1, 16, 32, 32), np.uint8)
        z, y, x = rng.integers(4, 10), rng.integers(6, 20), rng.integers(6, 20)
        lab[0, z:z + 5, y:y + 8, x:x + 8] = 1
        img = np.stack([lab[0] + 0.1 * rng.standard_normal(lab.shape[1:]),
                        0.5 * lab[0] + 0.1 * rng.standard_normal(lab.shape[1:])]).astype(np.float32)
        items.append({"id": f"c{i}", "image": img, "label": lab if i < n_lab else None, "spacing": (3.0, 2.0, 2.0),
                      "modalities": ["CT", "PT"]})
    return CaseSource(items[:n_lab], items[n_lab:], [], (16, 32, 32), 0.5, None,
                      {"labelled": n_lab, "unlabelled": n_unl, "validation": 0, "sources": ["synthetic"]})


def config(tmp_path, method="supervised", net="dual-branch-mmf", iterations=4, **net_kw):
    return {"name": "t", "method": method, "output_dir": str(tmp_path), "seed": 3,
            "network": {"name": net, **TINY_NET, **net_kw},
            "data": {"root": "unused"},
            "training": {"iterations": iterations, "batch_size": 2, "patch_size": [16, 32, 32],
                         "validate_every": 100, "checkpoint_every": 2, "threads": 1},
            "method_args": {"mc_passes": 2, "rampup_steps": 2}}


@pytest.mark.parametrize("method,net", [("supervised", "dual-branch"), ("mcml", "dual-branch-mmf"),
                                        ("uamt", "mim-cmfnet")])
def test_each_method_trains_logs_and_checkpoints(tmp_path, method, net):
    run = run_training(config(tmp_path, method, net), source=synthetic_source())
    assert run.name == f"{method}__{net}__t"
    rows = [json.loads(l) for l in (run / "metrics.jsonl").read_text().splitlines()]
    train = [r for r in rows if r["kind"] == "train"]
    assert [r["step"] for r in train] == [1, 4]
    assert all(np.isfinite(r["total"]) for r in train)
    if method == "mcml":
        assert {"sup", "unsup"} <= train[0].keys()
    if method == "uamt":
        assert {"con", "latent", "seg"} <= train[0].keys()
    assert (run / "metrics_train.csv").read_text().splitlines()[0].startswith("kind,step,lr")
    state = torch.load(run / "checkpoint_last.pt", weights_only=False)
    assert state["method"] == method and state["network"] == {"name": net, "kwargs": {**TINY_NET, "convs": (1, 1, 1, 1, 1)}}
    assert state["step"] == 4
    summary = json.loads((run / "training.json").read_text())
    assert summary["iterations"] == 4 and summary["data"]["labelled"] == 2


class InterruptedSource:
    """Delegates to a source but raises KeyboardInterrupt (Ctrl-C) on the n-th labelled batch."""

    def __init__(self, inner, after):
        self.inner, self.after, self.calls = inner, after, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def labelled_batch(self, n, rng):
        self.calls += 1
        if self.calls > self.after:
            raise KeyboardInterrupt
        return self.inner.labelled_batch(n, rng)


def test_resume_after_ctrl_c_reproduces_an_uninterrupted_run(tmp_path):
    straight = run_training(config(tmp_path / "a", "uamt", "mim-cmfnet", 4), source=synthetic_source())
    with pytest.raises(KeyboardInterrupt):
        run_training(config(tmp_path / "b", "uamt", "mim-cmfnet", 4), source=InterruptedSource(synthetic_source(), 3))
    assert torch.load(tmp_path / "b" / "uamt__mim-cmfnet__t" / "checkpoint_last.pt", weights_only=False)["step"] == 3
    resumed = run_training(config(tmp_path / "b", "uamt", "mim-cmfnet", 4), source=synthetic_source())
    a = torch.load(straight / "checkpoint_last.pt", weights_only=False)
    b = torch.load(resumed / "checkpoint_last.pt", weights_only=False)
    assert b["step"] == 4
    for k, v in a["model"].items():
        assert torch.allclose(v.float(), b["model"][k].float(), atol=1e-6), k
    for k, v in a["extra"]["teacher"].items():
        assert torch.allclose(v.float(), b["extra"]["teacher"][k].float(), atol=1e-6), k


def test_load_trained_returns_the_saved_network(tmp_path):
    run = run_training(config(tmp_path, "supervised", "mim-cmfnet", 2), source=synthetic_source())
    net, cfg = load_trained(run)
    assert not net.training and cfg["network"]["name"] == "mim-cmfnet"
    state = torch.load(run / "checkpoint_last.pt", weights_only=False)["model"]
    for k, v in net.state_dict().items():
        assert torch.equal(v, state[k])
    with pytest.raises(ValueError, match="no checkpoint"):
        load_trained(tmp_path)


def test_config_yaml_revises_only_the_deployment_sections(tmp_path):
    import yaml

    run = run_training(config(tmp_path, "supervised", "mim-cmfnet", 2), source=synthetic_source())
    saved = yaml.safe_load((run / "config.yaml").read_text())
    saved["inference"] = {"threshold": 0.6, "fill_holes": True}
    saved["card"] = {"version": "9.9.9"}
    saved["training"]["lr"] = 123.0  # a training setting: what the checkpoint learnt with wins
    (run / "config.yaml").write_text(yaml.safe_dump(saved))
    _, cfg = load_trained(run)
    assert cfg["inference"]["threshold"] == 0.6 and cfg["inference"]["fill_holes"] is True
    assert cfg["inference"]["overlap"] == 0.5, "keys the revision leaves out keep their defaults"
    assert cfg["card"] == {"version": "9.9.9"} and cfg["training"]["lr"] != 123.0


def test_resume_refuses_a_checkpoint_of_another_method(tmp_path):
    run_training(config(tmp_path, "supervised", "dual-branch", 2), source=synthetic_source())
    run = tmp_path / "supervised__dual-branch__t"
    cfg = config(tmp_path, "mcml", "dual-branch", 2)
    with pytest.raises(ValueError, match="checkpoint is supervised/dual-branch"):
        trainer_for("mcml")(cfg, source=synthetic_source(), run_dir=run)


def test_mcml_refuses_single_head_network(tmp_path):
    with pytest.raises(ValueError, match="two-branch"):
        run_training(config(tmp_path, "mcml", "mim-cmfnet"), source=synthetic_source())


def test_ema_update_formula_and_warm_start():
    student, teacher = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    s0, t0 = student.weight.detach().clone(), teacher.weight.detach().clone()
    ema_update(teacher, student, decay=0.99, step=0)          # a = min(0, 0.99) = 0 → copy
    assert torch.equal(teacher.weight, s0)
    with torch.no_grad():
        student.weight.add_(1.0)
    ema_update(teacher, student, decay=0.99, step=1000)       # a = 0.99
    assert torch.allclose(teacher.weight, 0.99 * s0 + 0.01 * (s0 + 1.0))
    assert not torch.equal(t0, teacher.weight)


def test_mc_dropout_keeps_dropout_sampling_and_bn_frozen():
    net = torch.nn.Sequential(torch.nn.BatchNorm1d(3), torch.nn.Dropout(0.5))
    enable_mc_dropout(net)
    assert not net[0].training and net[1].training


@pytest.mark.parametrize("patch", [[16, 32, 30], [16, 32]])
def test_config_refuses_bad_patch_size(tmp_path, patch):
    cfg = config(tmp_path)
    cfg["training"]["patch_size"] = patch
    with pytest.raises(ValueError, match="divisible by 16"):
        load_config(cfg)


def test_config_names_the_file_and_the_bad_method(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("method: fixmatch\ndata: {root: x}\n")
    with pytest.raises(ValueError, match=r"c\.yaml: method 'fixmatch' is not one of supervised, mcml, uamt"):
        load_config(p)
    p.write_text("- not a mapping\n")
    with pytest.raises(ValueError, match="must be a mapping"):
        load_config(p)


def test_time_budget_stops_early_like_a_finished_run(tmp_path):
    cfg = config(tmp_path, "supervised", "dual-branch", iterations=50)
    cfg["training"]["max_minutes"] = 1e-9
    run = run_training(cfg, source=synthetic_source())
    state = torch.load(run / "checkpoint_last.pt", weights_only=False)
    assert state["step"] == 1
    rows = [json.loads(l) for l in (run / "metrics.jsonl").read_text().splitlines()]
    assert rows[-1] == {"kind": "train", "step": 1, "stopped": "max_minutes reached"}
    assert json.loads((run / "training.json").read_text())["iterations"] == 1
    csv_rows = (run / "metrics_train.csv").read_text().splitlines()
    assert csv_rows[0].split(",")[:3] == ["kind", "step", "lr"]
    assert csv_rows[-1].startswith("train,1,,")      # the 'stopped' row keeps the first row's columns
