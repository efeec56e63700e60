"""Phantom generator: determinism, geometry on disk, contrast design, distractors, labels."""
import json
import time

import nibabel as nib
import numpy as np
import pytest
from scipy import ndimage

from delineo_models.data import generate_case, make_phantom_dataset
from delineo_models.data.phantom import shift_int

SIZE = (32, 64, 64)


def test_case_is_deterministic_and_seed_dependent():
    a = generate_case(np.random.default_rng(3), ("CT", "PT"), SIZE)
    b = generate_case(np.random.default_rng(3), ("CT", "PT"), SIZE)
    c = generate_case(np.random.default_rng(4), ("CT", "PT"), SIZE)
    np.testing.assert_array_equal(a["PT"], b["PT"])
    np.testing.assert_array_equal(a["label"], b["label"])
    assert not np.array_equal(a["CT"], c["CT"])


@pytest.mark.parametrize("seed", range(6))
def test_pet_ct_contrast_design(seed):
    case = generate_case(np.random.default_rng(seed), ("CT", "PT"))
    lab = case["label"].astype(bool)
    assert lab.sum() > 50, "tumour present"
    ct, pt = case["CT"], case["PT"]
    # Low CT contrast: the tumour core's median is within 40 HU of muscle (45 HU nominal).
    core = ndimage.binary_erosion(lab, iterations=2)
    muscle = (ct > 0) & (ct < 100) & ~ndimage.binary_dilation(lab, iterations=3)
    assert abs(float(np.median(ct[core])) - float(np.median(ct[muscle]))) < 40
    # PET: background SUV mostly 0.2–2, body median around 0.5–1.5, tumour clearly hotter.
    body = ct > -500
    assert 0.2 < float(np.median(pt[body])) < 1.6
    j = case["meta"]["jitter_vox_zyx"]
    assert 1 <= max(abs(j[1]), abs(j[2])) <= 2 and abs(j[0]) <= 1
    tum_pt = pt[shift_int(lab, j)]
    assert 1.5 < float(tum_pt.max()) < 16
    assert case["meta"]["distractors"], "at least one hot distractor"


def test_some_cases_have_distractors_hotter_than_the_tumour():
    hotter = 0
    for seed in range(12):
        case = generate_case(np.random.default_rng(seed), ("CT", "PT"), SIZE)
        lab = shift_int(case["label"].astype(bool), case["meta"]["jitter_vox_zyx"])
        if lab.any() and case["PT"][~lab].max() > case["PT"][lab].max():
            hotter += 1
    assert 1 <= hotter < 12, "the hottest voxel is sometimes, not always, a distractor"


def test_mr_t2_tumour_is_brighter_than_muscle():
    case = generate_case(np.random.default_rng(1), ("CT", "MR"), SIZE, mr_weighting="T2")
    lab = shift_int(case["label"].astype(bool), case["meta"]["jitter_vox_zyx"])
    muscle = (case["CT"] > 20) & (case["CT"] < 80) & ~lab
    assert np.median(case["MR"][lab]) > 1.3 * np.median(case["MR"][muscle])


def test_rejects_unknown_modalities():
    with pytest.raises(ValueError, match="modalities"):
        generate_case(np.random.default_rng(0), ("PT", "MR"))


def test_dataset_on_disk(tmp_path):
    t0 = time.perf_counter()
    path = make_phantom_dataset(tmp_path / "ds", 10, ("CT", "PT"), labelled_fraction=0.3, seed=7, size=SIZE,
                                spacing=(3.0, 1.0, 1.0))
    per_case = (time.perf_counter() - t0) / 10
    meta = json.loads(path.read_text())
    assert meta["modalities"] == ["CT", "PT"] and meta["spacing"] == [3.0, 1.0, 1.0]
    splits = [c["split"] for c in meta["cases"]]
    assert splits.count("test") == 2 and splits.count("val") == 1 and splits.count("train") == 7
    train = [c for c in meta["cases"] if c["split"] == "train"]
    assert sum(c["labelled"] for c in train) == 2  # round(0.3 × 7)
    for c in meta["cases"]:
        folder = tmp_path / "ds" / c["id"]
        assert (folder / "label.nii.gz").exists() == c["labelled"]
        assert c["labelled"] or c["split"] == "train"
    img = nib.load(str(tmp_path / "ds" / meta["cases"][0]["id"] / "CT.nii.gz"))
    assert img.shape == (64, 64, 32)  # NIfTI (x, y, z)
    np.testing.assert_allclose(img.header.get_zooms(), (1.0, 1.0, 3.0))
    assert per_case < 1.0, f"{per_case:.2f} s per case"
    with pytest.raises(FileExistsError):
        make_phantom_dataset(tmp_path / "ds", 1, ("CT", "PT"), 0.3, seed=7, size=SIZE)


def test_case_content_independent_of_dataset_size(tmp_path):
    make_phantom_dataset(tmp_path / "a", 2, ("CT", "MR"), 1.0, seed=5, size=SIZE)
    make_phantom_dataset(tmp_path / "b", 4, ("CT", "MR"), 1.0, seed=5, size=SIZE)
    a = nib.load(str(tmp_path / "a/phantom_0001/MR.nii.gz")).get_fdata()
    b = nib.load(str(tmp_path / "b/phantom_0001/MR.nii.gz")).get_fdata()
    np.testing.assert_array_equal(a, b)


def test_shift_int_moves_content_without_wrapping():
    a = np.zeros((1, 1, 5))
    a[0, 0, 1] = 1
    np.testing.assert_array_equal(shift_int(a, (0, 0, 2))[0, 0], [0, 0, 0, 1, 0])
    np.testing.assert_array_equal(shift_int(a, (0, 0, -1))[0, 0], [1, 0, 0, 0, 0])
    np.testing.assert_array_equal(shift_int(a, (0, 0, -2))[0, 0], [0, 0, 0, 0, 0])


def test_sarcoma_profile_draws_larger_hotter_masses_and_a_warm_femur():
    # STS_002-like phantoms: 0.1.0 failed on a 53 ml, SUVmax 21.5 thigh mass next to a femur
    # with marrow SUV ~1.3–2.2, all outside the default profile's ranges.
    from delineo_models.data.phantom import PROFILES
    from delineo_models.data.phantom_anatomy import MARROW
    opts = PROFILES["sarcoma"]
    vols, peaks, marrow = [], [], []
    for seed in range(8):
        case = generate_case(np.random.default_rng(seed), ("CT", "PT"), (48, 96, 96), (3.0, 2.0, 2.0), **opts)
        vols.append(case["meta"]["tumour_ml"])
        peaks.append(case["meta"]["suvmax_in_tumour"])
        if case["meta"]["anatomy"] == "thigh":
            bone = (case["CT"] > 150) & (case["CT"] < 400)  # marrow HU (250 nominal), not cortex
            bone = ndimage.binary_erosion(bone, iterations=1)
            marrow.append(float(np.median(case["PT"][bone])) if bone.any() else 0.0)
    defaults = [generate_case(np.random.default_rng(s), ("CT", "PT"), (48, 96, 96), (3.0, 2.0, 2.0))["meta"]
                for s in range(8)]
    assert max(vols) > 45.0 > max(d["tumour_ml"] for d in defaults)
    assert max(peaks) > 15.0
    assert np.median(vols) > np.median([d["tumour_ml"] for d in defaults])
    assert marrow and max(marrow) > 1.6, marrow  # default marrow is SUV 1.2 ± 25 %
    assert MARROW == 4


def test_profile_is_recorded_and_unknown_profiles_are_refused(tmp_path):
    path = make_phantom_dataset(tmp_path / "s", 2, ("CT", "PT"), labelled_fraction=1.0, seed=3, size=(16, 32, 32),
                                profile="sarcoma")
    assert json.loads(path.read_text())["generator"]["profile"] == "sarcoma"
    with pytest.raises(ValueError, match="profile.*'liver'"):
        make_phantom_dataset(tmp_path / "x", 2, ("CT", "PT"), profile="liver")


def test_default_options_leave_default_phantoms_unchanged():
    # The new options draw no random numbers at their defaults: seeds keep their phantoms.
    a = generate_case(np.random.default_rng(5), ("CT", "PT"), SIZE)
    b = generate_case(np.random.default_rng(5), ("CT", "PT"), SIZE, tumour_radius_mm=(8.0, 20.0),
                      tumour_suvmax=(3.0, 15.0), marrow_suv=None, body_scale=(1.0, 1.0), thigh_fraction=0.5,
                      peritumoral=None, hip=None, margin=None)
    np.testing.assert_array_equal(a["PT"], b["PT"])
    wide = (8, 80, 80)  # 160 mm field at 2 mm: the default body (76–116 mm across) leaves air around it
    small = generate_case(np.random.default_rng(5), ("CT", "PT"), wide, (3.0, 2.0, 2.0))
    big = generate_case(np.random.default_rng(5), ("CT", "PT"), wide, (3.0, 2.0, 2.0), body_scale=(1.5, 1.5))
    assert (big["CT"] > -500).sum() > 1.5 * (small["CT"] > -500).sum()


def test_sarcoma_bone_profile_draws_a_low_hu_femur():
    # STS_002's femur is ~190–300 HU at 2 mm (proximal, thin cortex); the default femur has a
    # 1100 HU cortex. The sarcoma-bone profile must cover the real one.
    from delineo_models.data.phantom import PROFILES
    from delineo_models.data.phantom_render import CT_HU
    from delineo_models.data.phantom_anatomy import CORTEX
    peaks = []
    for seed in range(6):
        case = generate_case(np.random.default_rng(seed), ("CT", "PT"), (16, 96, 96), (3.0, 2.0, 2.0),
                             **PROFILES["sarcoma-bone"])
        if case["meta"]["anatomy"] == "thigh":
            peaks.append(float(np.percentile(case["CT"], 99.9)))
    assert peaks and max(peaks) < 950 < CT_HU[CORTEX], peaks  # no 1100 HU cortex left
    assert min(peaks) > 200, peaks  # still bone, above soft tissue


def test_sarcoma_pet_profile_varies_pet_resolution_and_adds_unlabelled_peritumoral_uptake():
    # Half the masses get an FDG-avid shell that is not labelled, and the PSF is drawn per case.
    from scipy import ndimage
    from delineo_models.data.phantom import PROFILES
    from delineo_models.data.phantom_anatomy import FAT, MUSCLE, Grid
    from delineo_models.data.phantom_render import render_pet
    halos = [generate_case(np.random.default_rng(s), ("CT", "PT"), (16, 64, 64), (3.0, 2.0, 2.0), **PROFILES["sarcoma-pet"])
             for s in range(8)]
    assert 0 < sum("peritumoral" in c["meta"]["distractors"] for c in halos) < 8
    # Same draws with and without the shell: only the PET around the mass changes, not the label.
    grid = Grid((16, 48, 48), (3.0, 2.0, 2.0))
    z, y, x = np.indices(grid.shape)
    tissue = np.full(grid.shape, MUSCLE, np.int8)
    tissue[:, :, :4] = FAT
    tumour = ((z - 8) * 3.0) ** 2 + ((y - 24) * 2.0) ** 2 + ((x - 24) * 2.0) ** 2 < 12.0 ** 2
    none = np.zeros(grid.shape, bool)
    def pet(halo, psf=6.0):
        return render_pet(np.random.default_rng(0), grid, tissue, tumour, none, {}, psf, (10.0, 10.0), None, halo)
    plain, shell = pet(None), pet((8.0, 0.5))
    dist = ndimage.distance_transform_edt(~tumour, sampling=grid.spacing)
    ring = (dist > 2) & (dist <= 6)
    assert shell[ring].mean() > 1.5 * plain[ring].mean()
    far = dist > 14
    assert abs(shell[far].mean() - plain[far].mean()) < 0.05 * plain[far].mean()  # the shell fades out
    # A wider PSF spreads the mass: lower peak, more uptake just outside it.
    wide = pet(None, psf=10.0)
    assert wide.max() < plain.max() and wide[ring].mean() > plain[ring].mean()


def test_sarcoma_hip_profile_draws_oblique_textured_bones_and_warm_tissue_along_them():
    # STS_002's crop holds hip-level bones (oblique, irregular profiles, SUV up to ~3.4 with warm
    # soft tissue between them) that 0.3.0 called tumour; the round, z-extruded shaft never
    # showed the network such bone.
    from delineo_models.data.phantom import PROFILES
    from delineo_models.data.phantom_anatomy import CORTEX, MARROW, Grid, add_hip_bones, draw_anatomy
    opts = {**PROFILES["sarcoma-hip"], "thigh_fraction": 1.0,
            "hip": {**PROFILES["sarcoma-hip"]["hip"], "probability": 1.0,
                    "periarticular": {**PROFILES["sarcoma-hip"]["hip"]["periarticular"], "probability": 1.0}}}
    grid = (24, 64, 64)
    case = generate_case(np.random.default_rng(4), ("CT", "PT"), grid, (3.0, 2.0, 2.0), **opts)
    assert "periarticular" in case["meta"]["distractors"]
    # The bones added are not extruded along z: their in-plane footprint changes from slice to slice.
    anat = draw_anatomy(np.random.default_rng(1), Grid(grid, (3.0, 2.0, 2.0)), "thigh", 1.3)
    bones = add_hip_bones(np.random.default_rng(2), Grid(grid, (3.0, 2.0, 2.0)), anat)
    assert bones.any()
    changed = [not np.array_equal(bones[z], bones[z + 1]) for z in range(grid[0] - 1)]
    assert sum(changed) > grid[0] // 2
    assert (anat.tissue[bones] == CORTEX).mean() > 0.2 and (anat.tissue[bones] == MARROW).mean() > 0.2
    # Warm tissue along bone: muscle only, within the shell, patchy, never where the tumour may be.
    from delineo_models.data.phantom import _periarticular
    from delineo_models.data.phantom_anatomy import MUSCLE
    keep_out = np.zeros(grid, bool)
    keep_out[:, :, :32] = True
    warm, suv = _periarticular(np.random.default_rng(3), Grid(grid, (3.0, 2.0, 2.0)), anat.tissue, keep_out,
                               {"suv": (1.2, 2.8), "shell_mm": (6.0, 6.0)})
    bone_dist = ndimage.distance_transform_edt(~np.isin(anat.tissue, (CORTEX, MARROW)), sampling=(3.0, 2.0, 2.0))
    shell = (bone_dist <= 6.0) & (anat.tissue == MUSCLE) & ~keep_out
    assert warm.any() and 1.2 <= suv <= 2.8
    assert (anat.tissue[warm] == MUSCLE).all() and not (warm & keep_out).any() and (bone_dist[warm] <= 6.0).all()
    assert 0.2 < warm.sum() / shell.sum() < 0.8
    # Marrow carries a trabecular texture: rougher than the same bone without it.
    from delineo_models.data.phantom_render import render_ct
    g = Grid(grid, (3.0, 2.0, 2.0))
    none = np.zeros(grid, bool)
    marrow = ndimage.binary_erosion(anat.tissue == MARROW, iterations=1)
    plain = render_ct(np.random.default_rng(0), g, anat.tissue, none, none, (200.0, 500.0))
    rough = render_ct(np.random.default_rng(0), g, anat.tissue, none, none, (200.0, 500.0), 50.0)
    assert rough[marrow].std() > 1.5 * plain[marrow].std()


def test_sarcoma_margin_profile_blurs_the_pet_edge_but_not_the_label():
    # STS_002's mass has a hot side (SUV ~20) and a cool side (~4) beside a warm lobe of ~3 over fat
    # and muscle that the expert left out; a model that follows the PET's half-maximum follows the lobe.
    from delineo_models.data.phantom import PROFILES, _draw_margin
    from delineo_models.data.phantom_anatomy import FAT, MUSCLE, Grid
    from delineo_models.data.phantom_render import render_pet
    opts = PROFILES["sarcoma-margin"]["margin"]
    grid = Grid((20, 48, 48), (3.0, 2.0, 2.0))
    tissue = np.full(grid.shape, MUSCLE, np.int8)
    centre = (0.0, 0.0, 0.0)  # the grid's frame is centred
    tumour = np.broadcast_to(grid.z ** 2 + grid.y ** 2 + grid.x ** 2 < 14.0 ** 2, grid.shape)
    fixed = {**opts, "gradient": (5.0, 5.0), "lobe": {"shell_mm": (10.0, 10.0), "fraction": (1.0, 1.0)},
             "fat_rim": {"probability": 1.0, "mm": (4.0, 4.0)}}
    edge = _draw_margin(np.random.default_rng(2), grid, tumour, centre, tissue, fixed)
    scale = edge["uptake_scale"][tumour]
    assert scale.min() == pytest.approx(0.2, abs=0.01) and scale.max() == pytest.approx(1.0, abs=0.01)
    weight, level = edge["lobe"]
    assert level == pytest.approx(1.0 / 5.0 / 1.6)
    dist = ndimage.distance_transform_edt(~tumour, sampling=grid.spacing)
    assert not weight[tumour].any() and not weight[dist > 10.0].any() and weight.max() > 0.5
    # The lobe lies beside the cool side: where it is, the mass's nearest uptake is low.
    cool_side = edge["uptake_scale"] < 0.5
    near_cool = ndimage.binary_dilation(tumour & cool_side, iterations=4) & ~tumour
    assert weight[near_cool].mean() > 2 * weight[~tumour & ~near_cool & (dist <= 8)].mean()
    # The fat plane: only muscle within 4 mm of the mass turned to fat, in patches, never the mass.
    fat = edge["tissue"] == FAT
    assert fat.any() and not (fat & tumour).any() and (dist[fat] <= 4.0).all()
    assert 0.3 < fat.sum() / ((dist > 0) & (dist <= 4.0)).sum() < 0.95
    # Rendered: the cool side is cooler than the hot side and the lobe is warm, the label is the mass.
    none = np.zeros(grid.shape, bool)
    pet = render_pet(np.random.default_rng(0), grid, edge["tissue"], tumour, none, {}, 6.0, (20.0, 20.0), None, None,
                     edge["uptake_scale"], edge["lobe"])
    hot_side = tumour & (edge["uptake_scale"] > 0.8)
    assert pet[hot_side].mean() > 2.0 * pet[tumour & cool_side].mean()
    lobe = (weight > 0.5) & (dist > 4.0)
    assert pet[lobe].mean() > 1.6 * pet[(dist > 12.0)].mean()
    # In the profile, a mass with a margin says so and keeps its label unchanged in shape.
    always = {**PROFILES["sarcoma-margin"], "thigh_fraction": 1.0, "margin": {**opts, "probability": 1.0}}
    case = generate_case(np.random.default_rng(1), ("CT", "PT"), (24, 64, 64), (3.0, 2.0, 2.0), **always)
    assert "warm-lobe" in case["meta"]["distractors"] and 2.0 <= case["meta"]["margin"]["hot_to_cool"] <= 6.0
    assert case["label"].sum() > 0 and (case["CT"][case["label"] > 0].mean() > -20)


def test_sarcoma_ct_profile_gives_the_mass_sts002s_ct_edge():
    # STS_002 at its expert contour: mass ~30 HU above muscle, pixel noise σ ~25 HU, fat over about
    # half of the surface. The older profiles' mass is 8–25 HU either way with noise 8–20 HU.
    from delineo_models.data.phantom import PROFILES
    from delineo_models.data.phantom_anatomy import Grid, MUSCLE
    from delineo_models.data.phantom_render import render_ct
    grid = Grid((12, 48, 48), (3.0, 1.0, 1.0))
    tissue = np.full(grid.shape, MUSCLE, np.int8)
    tumour = np.broadcast_to(grid.y ** 2 + grid.x ** 2 < 12.0 ** 2, grid.shape)
    none = np.zeros(grid.shape, bool)
    opts = PROFILES["sarcoma-ct"]["ct_contrast"]
    deltas, noises = [], []
    for seed in range(20):
        ct = render_ct(np.random.default_rng(seed), grid, tissue, tumour, none, contrast=opts)
        deltas.append(np.median(ct[tumour]) - np.median(ct[~tumour]))
        noises.append(np.std(np.diff(ct[~tumour].reshape(-1)[:2000])) / np.sqrt(2))
    deltas = np.array(deltas)
    assert (deltas > 0).mean() >= 0.6 and deltas.max() > 30 and np.abs(deltas).min() > 5
    assert max(noises) > 25 > min(noises)
    # The original contrast without the option: never beyond 25 HU (+ per-case table shifts).
    plain = [np.median(c[tumour]) - np.median(c[~tumour]) for c in
             (render_ct(np.random.default_rng(s), grid, tissue, tumour, none) for s in range(20))]
    assert max(np.abs(plain)) < 35
    # Whole cases: the label is the CT mass, most masses abut fat, the PET margin is drawn.
    rims = 0
    for seed in range(12):
        case = generate_case(np.random.default_rng(seed), ("CT", "PT"), (16, 64, 64), (3.0, 2.0, 2.0),
                             **{**PROFILES["sarcoma-ct"], "thigh_fraction": 1.0})
        rims += case["meta"].get("margin", {}).get("fat_rim_mm", 0.0) > 0
        assert case["label"].sum() > 0
    assert rims >= 6  # 64 % expected


def test_sarcoma_site_profile_puts_masses_against_fat_under_a_fat_cover():
    # STS_002's mass lies in fat (dark in bright fat on its T1 MR); a mass drawn anywhere in muscle
    # mostly has muscle around it. Superficial masses: fat near much of the surface, and a mass
    # that reaches the skin bulges it under fat instead of being cut off by it.
    from delineo_models.data.phantom import PROFILES
    always = {**PROFILES["sarcoma-site"], "thigh_fraction": 1.0, "body_scale": (1.6, 1.6), "margin": None,
              "superficial": {"probability": 1.0, "cover_mm": (3.0, 3.0)}}
    never = {**always, "superficial": None}
    spacing = (3.0, 2.0, 2.0)

    def fat_near(opts):
        fractions = []
        for seed in range(8):
            case = generate_case(np.random.default_rng(seed), ("CT", "PT"), (16, 96, 96), spacing, **opts)
            mass = case["label"] > 0
            dist = ndimage.distance_transform_edt(~mass, sampling=spacing)
            fractions.append((case["CT"][(dist > 0) & (dist <= 4)] < -30).mean())
            air = case["CT"] < -700
            if opts["superficial"] and air.any():
                # 3 mm of fat at least between mass and air (less one voxel of CT blur and noise).
                assert ndimage.distance_transform_edt(~air, sampling=spacing)[mass].min() >= 3.0 - 2.0
        return np.mean(fractions)

    assert fat_near(always) > max(0.3, fat_near(never) + 0.1)  # measured 0.38 vs 0.23
    assert PROFILES["sarcoma-site"]["superficial"]["probability"] == 0.5
