"""Training data assembly: phantom split, no label leaks from unlabelled cases, extra real data oversampled."""

import numpy as np
import pytest

from delineo_models.data import make_phantom_dataset
from delineo_models.train import load_config
from delineo_models.train.data_source import build_source


def cfg_for(tmp_path, **data):
    return load_config({"name": "s", "output_dir": str(tmp_path / "runs"),
                        "data": {"modalities": ["CT", "PT"], **data},
                        "training": {"patch_size": [16, 32, 32]}})


@pytest.fixture(scope="module")
def phantom_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("ph")
    make_phantom_dataset(root, 10, ("CT", "PT"), labelled_fraction=0.3, seed=5, size=(16, 32, 32))
    return root


def test_split_counts_and_no_label_leak(tmp_path, phantom_root):
    src = build_source(cfg_for(tmp_path, root=str(phantom_root)), tmp_path)
    # 10 cases: 2 test, 1 val, 7 train of which round(0.3 · 7) = 2 labelled.
    assert src.summary["labelled"] == 2 and src.summary["unlabelled"] == 5 and src.summary["validation"] == 1
    assert all(it["label"] is not None for it in src.labelled + src.validation)
    assert all(it["label"] is None for it in src.unlabelled)
    assert not {it["id"] for it in src.labelled} & {it["id"] for it in src.unlabelled}
    rng = np.random.default_rng(0)
    imgs, labs = src.labelled_batch(3, rng)
    assert imgs.shape == (3, 2, 16, 32, 32) and labs.shape == (3, 1, 16, 32, 32) and imgs.dtype == np.float32
    assert src.unlabelled_batch(2, rng).shape == (2, 2, 16, 32, 32)


def test_extra_unlabelled_is_added_without_labels_and_repeated(tmp_path, phantom_root):
    extra = tmp_path / "extra"
    make_phantom_dataset(extra, 1, ("CT", "PT"), labelled_fraction=1.0, seed=9, size=(16, 32, 32))
    src = build_source(cfg_for(tmp_path, root=str(phantom_root),
                               extra_unlabelled=[{"root": str(extra), "split": None, "repeat": 3}]), tmp_path)
    assert len(src.unlabelled) == 5 + 3 and src.summary["unlabelled"] == 5 + 1    # one distinct extra case
    assert [it["id"] for it in src.unlabelled[-3:]] == ["phantom_0000"] * 3
    assert all(it["label"] is None for it in src.unlabelled)


def test_phantoms_are_generated_into_the_run_folder_at_target_spacing(tmp_path):
    cfg = cfg_for(tmp_path, phantom={"n_cases": 5, "labelled_fraction": 0.5, "seed": 1, "size": [16, 32, 32]},
                  target_spacing=[3.0, 2.0, 2.0])
    src = build_source(cfg, tmp_path / "run")
    assert (tmp_path / "run" / "phantoms" / "dataset.json").exists()
    assert tuple(src.labelled[0]["spacing"]) == pytest.approx((3.0, 2.0, 2.0))


def test_unknown_importer_is_refused(tmp_path, phantom_root):
    with pytest.raises(ValueError, match="unknown importer 'import_nope'"):
        build_source(cfg_for(tmp_path, root=str(phantom_root), extra_unlabelled=[{"importer": "import_nope"}]), tmp_path)


def test_fg_fraction_is_honoured_one_patch_at_a_time(tmp_path):
    big = tmp_path / "big"
    make_phantom_dataset(big, 5, ("CT", "PT"), labelled_fraction=1.0, seed=2, size=(32, 96, 96))
    src = build_source(cfg_for(tmp_path, root=str(big), fg_fraction=1.0, augment=False), tmp_path)
    _, labs = src.labelled_batch(6, np.random.default_rng(0))
    assert (labs.reshape(6, -1).sum(1) > 0).all()          # every patch centred on tumour
    src.fg_fraction = 0.0
    _, labs = src.labelled_batch(40, np.random.default_rng(0))
    hit = (labs.reshape(40, -1).sum(1) > 0).mean()
    assert hit < 1.0                                         # random placement misses the small tumours
