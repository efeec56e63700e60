"""CaseDataset, sample_patches and augmentation on a small phantom dataset."""
import json

import numpy as np
import pytest

from delineo_models.data import AugmentConfig, CaseDataset, augment_patch, make_phantom_dataset, sample_patches

NORM = [{"method": "window", "min": -200, "max": 250}, {"method": "zscore-foreground", "threshold": 0.2}]


@pytest.fixture(scope="module")
def ds_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("ph") / "ds"
    make_phantom_dataset(root, 6, ("CT", "PT"), labelled_fraction=0.5, seed=11, size=(24, 48, 48))
    return root


def test_items_have_the_agreed_shape(ds_root):
    ds = CaseDataset(ds_root, ["CT", "PT"], "train", NORM)
    meta = json.loads((ds_root / "dataset.json").read_text())
    assert len(ds) == sum(c["split"] == "train" for c in meta["cases"])
    assert ds.labelled_indices() and ds.unlabelled_indices()
    for i in range(len(ds)):
        it = ds[i]
        assert it["image"].shape == (2, 24, 48, 48) and it["image"].dtype == np.float32
        assert it["spacing"] == (3.0, 1.0, 1.0)
        assert 0.0 <= it["image"][0].min() and it["image"][0].max() <= 1.0  # CT window
        if i in ds.labelled_indices():
            assert it["label"].shape == (1, 24, 48, 48) and it["label"].dtype == np.uint8
        else:
            assert it["label"] is None


def test_channel_order_follows_the_request(ds_root):
    a = CaseDataset(ds_root, ["CT", "PT"], "test", NORM)[0]["image"]
    b = CaseDataset(ds_root, ["PT", "CT"], "test", NORM[::-1])[0]["image"]
    np.testing.assert_array_equal(a[0], b[1])


def test_bad_requests_name_the_problem(ds_root, tmp_path):
    with pytest.raises(ValueError, match="no modality"):
        CaseDataset(ds_root, ["CT", "MR"], None, NORM)
    with pytest.raises(ValueError, match="one normalization dict per modality"):
        CaseDataset(ds_root, ["CT", "PT"], None, NORM[:1])
    with pytest.raises(ValueError, match="no dataset.json"):
        CaseDataset(tmp_path, ["CT"], None, NORM[:1])
    (tmp_path / "dataset.json").write_text("{oops")
    with pytest.raises(ValueError, match="not valid JSON"):
        CaseDataset(tmp_path, ["CT"], None, NORM[:1])


def test_patches_hit_foreground_as_asked(ds_root):
    ds = CaseDataset(ds_root, ["CT", "PT"], "test", NORM)
    item = ds[0]
    rng = np.random.default_rng(0)
    imgs, labs = sample_patches(item, (16, 32, 32), 8, 0.5, rng)
    assert imgs.shape == (8, 2, 16, 32, 32) and labs.shape == (8, 1, 16, 32, 32)
    assert all(labs[i].any() for i in range(4)), "the first round(n·fg_fraction) patches contain tumour"
    imgs0, labs0 = sample_patches({**item, "label": None}, (16, 32, 32), 3, 1.0, rng)
    assert labs0 is None and imgs0.shape == (3, 2, 16, 32, 32)


def test_patch_content_matches_the_volume(ds_root):
    item = CaseDataset(ds_root, ["CT", "PT"], "test", NORM)[0]
    imgs, labs = sample_patches(item, (24, 48, 48), 1, 0.0, np.random.default_rng(1))
    np.testing.assert_array_equal(imgs[0], item["image"])  # patch == whole volume
    np.testing.assert_array_equal(labs[0], item["label"])


def test_small_volume_is_padded_with_channel_minimum():
    img = np.arange(2 * 2 * 3 * 3, dtype=np.float32).reshape(2, 2, 3, 3) + 5
    lab = np.ones((1, 2, 3, 3), np.uint8)
    imgs, labs = sample_patches({"image": img, "label": lab}, (4, 5, 5), 1, 0.0, np.random.default_rng(0))
    assert imgs.shape == (1, 2, 4, 5, 5)
    assert imgs[0, 0, 0, 0, 0] == img[0].min() and imgs[0, 1, 0, 0, 0] == img[1].min()
    assert labs.sum() == lab.sum()
    np.testing.assert_array_equal(imgs[0, :, 1:3, 1:4, 1:4], img)


def test_augmentation_keeps_label_aligned_with_geometry():
    rng = np.random.default_rng(0)
    img = np.zeros((2, 4, 8, 8), np.float32)
    img[:, :, 1:3, 5:7] = 1.0
    lab = (img[:1] > 0.5).astype(np.uint8)
    cfg = AugmentConfig(p_noise=0, p_blur_pet=0, p_bias_mr=0, p_shift=0, p_flip=1.0, p_rot90=1.0, p_misregister=0)
    for _ in range(10):
        a, l = augment_patch(img, lab, ["CT", "PT"], rng, cfg)
        np.testing.assert_array_equal(a[0] > 0.5, l[0].astype(bool))
        assert l.sum() == lab.sum() and a.dtype == np.float32


def test_intensity_augmentation_is_modality_aware():
    rng = np.random.default_rng(0)
    img = np.ones((2, 4, 8, 8), np.float32)
    img[1, :, 3:5, 3:5] = 5.0
    cfg = AugmentConfig(p_flip=0, p_rot90=0, p_noise=0, p_shift=0, p_bias_mr=1.0, p_blur_pet=1.0, p_misregister=0)
    a, _ = augment_patch(img, None, ["MR", "PT"], rng, cfg)
    assert a[0].std() > 0, "MR bias field applied"
    assert a[1].max() < 5.0 and abs(a[1].sum() - img[1].sum()) / img[1].sum() < 0.05, "PET blurred, counts kept"


def test_misregistration_moves_only_the_secondary_channel():
    img = np.zeros((2, 2, 10, 10), np.float32)
    img[:, :, 4:6, 4:6] = 1.0
    lab = (img[:1] > 0).astype(np.uint8)
    cfg = AugmentConfig(p_flip=0, p_rot90=0, p_noise=0, p_shift=0, p_bias_mr=0, p_blur_pet=0, p_misregister=1.0)
    moved = 0
    for seed in range(8):
        a, l = augment_patch(img, lab, ["CT", "PT"], np.random.default_rng(seed), cfg)
        np.testing.assert_array_equal(a[0], img[0])
        np.testing.assert_array_equal(l, lab)
        assert a[1].sum() == img[1].sum()  # moved, not cut (the blob is away from the edges)
        ys, xs = np.nonzero(a[1, 0])
        assert abs(ys.min() - 4) <= 2 and abs(xs.min() - 4) <= 2
        moved += not np.array_equal(a[1], img[1])
    assert moved >= 5
