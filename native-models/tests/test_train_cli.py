"""Console scripts: one clear line and exit 1 on bad input, never a stack trace."""

from delineo_models.export.cli import main as export_main
from delineo_models.train.cli import main as train_main


def test_train_cli_missing_config(tmp_path, capsys):
    assert train_main(["--config", str(tmp_path / "nope.yaml")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("delineo-train: ") and "nope.yaml: cannot read training config" in err[0]


def test_train_cli_bad_method(tmp_path, capsys):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("method: mixmatch\ndata: {root: x}\n")
    assert train_main(["--config", str(cfg)]) == 1
    assert "bad.yaml: method 'mixmatch' is not one of" in capsys.readouterr().err


def test_export_cli_not_a_run(tmp_path, capsys):
    assert export_main(["--run", str(tmp_path), "--out", str(tmp_path / "m")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no checkpoint_best.pt or checkpoint_last.pt" in err[0]
    assert not (tmp_path / "m.onnx").exists()
