"""Importers and resampling: real-sts-002 and brats2013 from the shared data, synthetic
BraTS-style and HECKTOR-style folders, world-coordinate geometry."""
import json

import numpy as np
import pytest

from delineo_models.data import CaseDataset
from delineo_models.data.importers import (BRATS2013_SPLIT, import_brats2013, import_brats_style,
                                           import_hecktor_style, import_real_sts)
from delineo_models.data.nifti_io import NiftiVolume, read_nifti, spacing_affine, write_nifti
from delineo_models.data.paths import shared_data
from delineo_models.data.preprocess import crop_affine, global_foreground_stats, nonzero_bbox
from delineo_models.data.resample import grid_for_spacing, resample_to_grid
from delineo_models.eval import dice, volume_ml

STS = shared_data("real-sts-002")


def ball(shape, affine, centre_world, r):
    """Ball of radius r mm around a world point, rasterised on a (z, y, x) grid with this affine."""
    d, h, w = shape
    k, j, i = np.meshgrid(np.arange(d), np.arange(h), np.arange(w), indexing="ij")
    ijk = np.stack([i, j, k, np.ones_like(i)], -1).astype(float)
    world = ijk @ affine.T
    return (np.linalg.norm(world[..., :3] - np.asarray(centre_world), axis=-1) <= r)


def test_resample_identity_and_translation():
    a = np.random.default_rng(0).random((4, 5, 6)).astype(np.float32)
    aff = spacing_affine((2.0, 1.0, 1.0), (10, 20, 30))
    np.testing.assert_allclose(resample_to_grid(NiftiVolume(a, aff), aff, a.shape), a, atol=1e-6)
    moved = aff.copy()
    moved[0, 3] += 1.0  # reference grid one voxel further along x
    out = resample_to_grid(NiftiVolume(a, aff), moved, a.shape, order=0, pad=-1)
    np.testing.assert_array_equal(out[:, :, :-1], a[:, :, 1:])
    assert (out[:, :, -1] == -1).all()


def test_grid_for_spacing_keeps_field_of_view():
    aff = spacing_affine((3.0, 1.0, 1.0), (0, 0, 0))
    a2, shape = grid_for_spacing(aff, (10, 20, 20), (1.0, 1.0, 1.0))
    assert shape == (30, 20, 20)
    np.testing.assert_allclose(np.linalg.norm(a2[:3, :3], axis=0), [1, 1, 1])
    # first voxel's outer edge stays at −0.5 old voxels: z edge −1.5 mm
    assert a2[2, 3] - 0.5 == pytest.approx(-1.5)


def test_real_sts_pet_and_mr_land_on_the_ct_grid(tmp_path):
    path = import_real_sts(tmp_path / "sts")
    meta = json.loads(path.read_text())
    assert meta["modalities"] == ["CT", "PT", "MR"] and meta["cases"][0]["labelled"]
    case = tmp_path / "sts" / "STS_002"
    ct_src = read_nifti(STS / "CT/nifti/image/image.nii.gz")
    ct = read_nifti(case / "CT.nii.gz")
    np.testing.assert_array_equal(ct.data, ct_src.data)  # reference channel untouched
    np.testing.assert_allclose(ct.affine, ct_src.affine, atol=1e-5)
    label = read_nifti(case / "label.nii.gz").data > 0
    assert label.sum() == 17090
    # The same expert GTV rasterised on the PET and MR grids, brought to the CT grid by the same
    # world-coordinate resampling, must coincide with the CT-grid mask.
    for sub, min_dice in (("PET", 0.85), ("MR_T1", 0.97)):
        m = read_nifti(STS / sub / "nifti/mask/mask.nii.gz")
        on_ct = resample_to_grid(m, ct.affine, ct.data.shape, order=1) >= 0.5
        assert dice(on_ct, label) >= min_dice, sub
    pt = read_nifti(case / "PT.nii.gz").data
    assert pt.shape == ct.data.shape and pt[label].max() > 15 and pt.min() >= 0
    assert np.unravel_index(pt.argmax(), pt.shape) in set(map(tuple, np.argwhere(label)))


def test_real_sts_as_unlabelled_training_case(tmp_path):
    import_real_sts(tmp_path / "u", split="train", labelled=False)
    assert not (tmp_path / "u/STS_002/label.nii.gz").exists()
    item = CaseDataset(tmp_path / "u", ["CT", "PT"], "train", [{"method": "window", "min": -160, "max": 240},
                                                                 {"method": "zscore-foreground", "threshold": -1}])[0]
    assert item["label"] is None and item["image"].shape == (2, 48, 143, 161)


def test_brats2013_crop_keeps_every_tumour_voxel(tmp_path):
    path = import_brats2013(tmp_path / "b")
    meta = json.loads(path.read_text())
    assert meta["modalities"] == ["T1c", "FLAIR"] and "CC BY-NC-SA" in meta["licence"]
    for c in meta["cases"]:
        split, labelled = BRATS2013_SPLIT[c["id"]]
        assert (c["split"], c["labelled"]) == (split, labelled)
        t1c = read_nifti(tmp_path / "b" / c["id"] / "T1c.nii.gz")
        assert all(s < 240 for s in t1c.data.shape[1:]) and t1c.data.shape[0] < 155  # cropped
        if labelled:
            full = read_nifti(shared_data("brats2013", c["id"], "OTMultiClass.nii.gz")).data > 0
            lab = read_nifti(tmp_path / "b" / c["id"] / "label.nii.gz").data > 0
            assert lab.sum() == full.sum()
            # world position of the first tumour voxel is unchanged by the crop
            kz, ky, kx = np.argwhere(lab)[0]
            w_crop = t1c.affine @ [kx, ky, kz, 1]
            src = read_nifti(shared_data("brats2013", c["id"], "T1c_subtrMeanDivStd.nii.gz"), dtype=None)
            i = np.linalg.solve(src.affine, w_crop).round().astype(int)
            assert full[i[2], i[1], i[0]]
        else:
            assert not (tmp_path / "b" / c["id"] / "label.nii.gz").exists()


def test_brats_style_folder(tmp_path):
    src = tmp_path / "src"
    aff = spacing_affine((1.0, 1.0, 1.0))
    for n, cid in enumerate(["BraTS19_A", "BraTS19_B"]):
        vol = np.zeros((20, 30, 30), np.float32)
        vol[5:15, 8:25, 6:20] = 100 + n
        seg = np.zeros_like(vol, np.uint8)
        seg[8:10, 10:12, 10:12] = 2
        for stem, arr in (("t1ce", vol), ("t2", vol * 2), ("seg", seg)):
            name = f"{cid}_{stem}.nii.gz" if n else f"{stem}.nii.gz"  # both namings
            write_nifti(src / cid / name, arr, aff)
    import_brats_style(src, tmp_path / "out", splits={"BraTS19_B": ("train", False)})
    meta = json.loads((tmp_path / "out/dataset.json").read_text())
    assert meta["modalities"] == ["T1c", "T2"] and meta["normalization"]["T2"]["method"] == "minmax-percentile"
    a = read_nifti(tmp_path / "out/BraTS19_A/T1c.nii.gz")
    assert a.data.shape == (14, 21, 18)  # non-zero box + 2 voxels
    assert read_nifti(tmp_path / "out/BraTS19_A/label.nii.gz").data.sum() == 8
    assert not (tmp_path / "out/BraTS19_B/label.nii.gz").exists()
    (src / "BraTS19_C").mkdir()
    with pytest.raises(ValueError, match="BraTS19_C: lacks t1ce.nii.gz"):
        import_brats_style(src, tmp_path / "out2")


def test_hecktor_style_folder_resamples_pet_onto_1mm(tmp_path):
    src = tmp_path / "h"
    ct_aff = spacing_affine((3.0, 1.0, 1.0), (-20.0, -20.0, -30.0))
    pt_aff = spacing_affine((3.0, 4.0, 4.0), (-21.0, -22.0, -30.0))
    centre, r = (0.0, 2.0, 3.0), 8.0
    gt = ball((20, 40, 40), ct_aff, centre, r)
    write_nifti(src / "P1__CT.nii.gz", np.where(gt, 40, 0).astype(np.float32) - 0, ct_aff)
    write_nifti(src / "P1__PT.nii.gz", ball((20, 12, 12), pt_aff, centre, r).astype(np.float32) * 8, pt_aff)
    write_nifti(src / "P1__gtvt.nii.gz", gt.astype(np.uint8), ct_aff)
    import_hecktor_style(src, tmp_path / "out")
    case = tmp_path / "out/P1"
    lab = read_nifti(case / "label.nii.gz")
    pt = read_nifti(case / "PT.nii.gz")
    assert lab.spacing == pytest.approx((1.0, 1.0, 1.0)) and pt.data.shape == lab.data.shape
    assert volume_ml(lab.data > 0, lab.spacing) == pytest.approx(4 / 3 * np.pi * r**3 / 1000, rel=0.1)
    # PET centre of mass falls on the label's (same world point), within a PET voxel
    com = lambda a: np.average(np.argwhere(a > 0), axis=0, weights=a[a > 0])  # noqa: E731
    assert np.abs(com(pt.data) - com(lab.data.astype(float))).max() < 4
    (src / "P2__CT.nii.gz").write_bytes((src / "P1__CT.nii.gz").read_bytes())
    with pytest.raises(ValueError, match="P2__PT.nii.gz: missing"):
        import_hecktor_style(src, tmp_path / "out3")


def test_crop_helpers_and_global_stats():
    m = np.zeros((5, 6, 7), bool)
    m[1:3, 2:4, 3:6] = True
    bb = nonzero_bbox(m, 1)
    assert bb == (slice(0, 4), slice(1, 5), slice(2, 7))
    a = crop_affine(spacing_affine((2.0, 1.0, 1.0)), bb)
    np.testing.assert_allclose(a[:3, 3], [2, 1, 0])
    with pytest.raises(ValueError, match="empty"):
        nonzero_bbox(np.zeros((2, 2, 2), bool))
    s = global_foreground_stats([np.arange(101.0)], threshold=-1, lower_pct=0, upper_pct=100)
    assert s["mean"] == pytest.approx(50) and s["lower"] == 0 and s["upper"] == 100


def test_brats2013_on_a_coarser_target_grid_keeps_tumour_volume(tmp_path):
    import_brats2013(tmp_path / "b1")
    import_brats2013(tmp_path / "b2", target_spacing=(2.0, 2.0, 2.0))
    cid = "brats_2013_pat0005_1"
    fine = read_nifti(tmp_path / "b1" / cid / "label.nii.gz")
    coarse = read_nifti(tmp_path / "b2" / cid / "label.nii.gz")
    assert coarse.spacing == pytest.approx((2.0, 2.0, 2.0))
    assert all(abs(c * 2 - f) <= 1 for c, f in zip(coarse.data.shape, fine.data.shape))
    # linear interpolation ≥ 0.5 includes exact half-way ties, a slight dilation at 2× downsampling
    assert volume_ml(coarse.data > 0, coarse.spacing) == pytest.approx(volume_ml(fine.data > 0, fine.spacing), rel=0.1)


def test_import_cli(tmp_path, capsys):
    from delineo_models.data.import_cli import import_dataset, main

    assert main(["real-sts-002", str(tmp_path / "s"), "--unlabelled", "--split", "train"]) == 0
    meta = json.loads((tmp_path / "s/dataset.json").read_text())
    assert meta["cases"][0]["split"] == "train" and not meta["cases"][0]["labelled"]
    assert main(["real-sts-002", str(tmp_path / "s")]) == 1
    assert "exists; refusing to overwrite" in capsys.readouterr().err
    assert main(["hecktor-style", str(tmp_path / "nothing"), str(tmp_path / "o")]) == 1
    assert "nothing: not a folder" in capsys.readouterr().err
    assert main(["brats-style", str(tmp_path / "nothing"), str(tmp_path / "o")]) == 1
    assert "nothing: not a folder" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown dataset kind"):
        import_dataset("nifti", None, tmp_path / "x")


def test_grid_for_spacing_centres_like_the_app_gridAtSpacing():
    # Same numbers as electron/pipeline/normalize/body-crop.test.ts ('gridAtSpacing').
    aff = np.eye(4)
    aff[:3, 3] = [-50, -40, 100]
    aff[2, 2] = 2.5
    a2, shape = grid_for_spacing(aff, (20, 40, 50), (3.0, 2.0, 2.0), box=((4, 15), (5, 24), (10, 29)))
    assert shape == (10, 10, 10)
    first = a2 @ [0, 0, 0, 1]
    assert first[0] == pytest.approx(-39.5) and first[1] == pytest.approx(-40 + 4.5 + 1)
    assert first[2] == pytest.approx(100 + 3.5 * 2.5 + 1.5)
    assert (a2 @ [9, 0, 0, 1])[0] == pytest.approx(-21.5)
    a3, shape3 = grid_for_spacing(np.diag([1.0, 1, 1, 1]) + np.array([[0, 0, 0, -50]] + [[0] * 4] * 3), (10, 10, 10), (3, 3, 3))
    assert shape3 == (3, 3, 3) and (a3 @ [0, 0, 0, 1])[0] == pytest.approx(-48.5)
