"""Synthetic multi-modal tumour phantoms written as a dataset.json folder.

A case is a thigh-like or thorax-like body with an irregular, low-CT-contrast tumour, rendered
as CT (HU) plus either PET (SUV) or MR (T2-like), with distractors the model must not call
tumour (hot nodes, bladder/gland, brown fat, muscle and myocardial uptake on PET; cysts,
vessels and fat lobules on MR), and a 1–2 voxel misregistration of the second modality.
Deterministic per (seed, case index); about 0.3 s per 64×96×96 case.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import ndimage

from .nifti_io import spacing_affine, write_json_atomic, write_nifti
from .phantom_anatomy import (CORTEX, FAT, LUNG, MARROW, MUSCLE, ORGAN, Grid, add_hip_bones, draw_anatomy,
                              ellipsoid, lobulated_blob, random_point_in)
from .phantom_render import render_ct, render_mr, render_pet, smooth_noise

#: Default phantom spacing (z, y, x) mm: thick slices like clinical CT.
DEFAULT_SPACING = (3.0, 1.0, 1.0)


def shift_int(arr: np.ndarray, shift) -> np.ndarray:
    """Translate by whole voxels (z, y, x): output[i] = input[i - shift], edges repeated (no wrap)."""
    pads = [(abs(s), abs(s)) for s in shift]
    padded = np.pad(arr, pads, mode="edge")
    sl = tuple(slice(abs(s) - s, abs(s) - s + n) for s, n in zip(shift, arr.shape))
    return padded[sl]


def _jitter(rng: np.random.Generator) -> tuple[int, int, int]:
    """A misregistration of 1–2 voxels in-plane and 0–1 slice, never zero."""
    while True:
        j = (int(rng.integers(-1, 2)), int(rng.integers(-2, 3)), int(rng.integers(-2, 3)))
        if max(abs(j[1]), abs(j[2])) >= 1:
            return j


#: Generator options that make phantoms look like a real FDG-avid thigh sarcoma (STS_002-like:
#: a 50 ml mass with SUVmax ~20 in a thigh filling the field of view, femoral marrow SUV
#: 1.3–2.2). Selected per config (``data.phantom.profile: sarcoma``); the defaults stay as they
#: were so that other configs and seeds keep their phantoms.
PROFILES: dict[str, dict] = {
    "default": {},
    "sarcoma": {"tumour_radius_mm": (10.0, 27.0), "tumour_suvmax": (4.0, 26.0), "marrow_suv": (0.8, 2.6),
                "body_scale": (1.0, 1.7), "thigh_fraction": 0.75},
}
# "sarcoma-bone": as "sarcoma", plus a proximal-femur-like bone (cancellous 120–350 HU under a
# thin 300–800 HU cortex), which is what STS_002's femur looks like at 2 mm (median ~190–300 HU,
# SUV 1.2–2.2) and what a model trained on shaft-like femurs (1100 HU cortex) called tumour.
PROFILES["sarcoma-bone"] = {**PROFILES["sarcoma"], "marrow_hu": (120.0, 350.0), "cortex_hu": (300.0, 800.0)}
# "sarcoma-pet": as "sarcoma-bone", with the PET of different scanners and reconstructions
# (system resolution 5–10 mm FWHM instead of always 6) and, in half the cases, FDG-avid tissue
# around the mass that is not tumour (peritumoral oedema/inflammation: a 3–10 mm shell at 20–70 %
# of the tumour's uptake, unlabelled). The PET-avid extent of a real sarcoma can reach well past
# the GTV drawn on CT/MR; a model that contours "where PET is warm" over-segments.
PROFILES["sarcoma-pet"] = {**PROFILES["sarcoma-bone"], "psf_fwhm_mm": (5.0, 10.0),
                           "peritumoral": {"probability": 0.5, "shell_mm": (3.0, 10.0), "fraction": (0.2, 0.7)}}
# "sarcoma-hip": as "sarcoma-pet", plus, in 60 % of the thighs, the bones of the hip level
# (oblique rods and a femoral head with a thin cortex over textured cancellous bone), marrow up to
# SUV 3.5 and, in half of those, patchy warm soft tissue along the bones (capsule, tendon
# insertions). A crop around a proximal-thigh mass holds such bones; a model that has only seen
# a round shaft calls the warm, irregular bone and soft tissue between them tumour.
PROFILES["sarcoma-hip"] = {**PROFILES["sarcoma-pet"], "marrow_suv": (0.8, 3.5),
                           "hip": {"probability": 0.6, "texture_hu": (15.0, 60.0),
                                   "periarticular": {"probability": 0.5, "suv": (1.2, 2.8), "shell_mm": (2.0, 8.0)}}}
# "sarcoma-margin": as "sarcoma-hip", plus, in 70 % of the masses, the PET edge STS_002 shows:
# a hot side and a cool side (2–6×), a warm unlabelled lobe beside the cool side (5–15 mm, at
# 0.7–1.5× the cool side's uptake, over fat and muscle alike), in 60 % a patchy fat plane
# around the mass, and more necrotic cores (SUV 0.8–2.5). A model that contours the PET's
# half-maximum follows the lobe; the label follows the mass on CT.
PROFILES["sarcoma-margin"] = {**PROFILES["sarcoma-hip"],
                              "margin": {"probability": 0.7, "gradient": (2.0, 6.0),
                                         "lobe": {"shell_mm": (5.0, 15.0), "fraction": (0.7, 1.5)},
                                         "fat_rim": {"probability": 0.6, "mm": (2.0, 6.0)},
                                         "necrosis": {"probability": 0.6, "suv": (0.8, 2.5)}}}
# "sarcoma-ct": as "sarcoma-margin", with the CT STS_002 shows (CT window at 2 mm, measured
# against its expert contour): the mass ~30 HU above muscle (smoothed 63 vs 35 HU) with a ~14 HU
# texture, pixel noise σ ~25 HU, and fat over about half of the surface within 4–8 mm. The
# older profiles' CT contrast (8–25 HU either way, noise 8–20) hides the CT edge; here a mass is
# 10–45 HU off muscle (above it in 80 %), most masses abut a fat plane, and the PET margin of
# "sarcoma-margin" is drawn in 80 %: the CT edge is worth learning where the PET edge misleads.
PROFILES["sarcoma-ct"] = {**PROFILES["sarcoma-margin"],
                          "margin": {**PROFILES["sarcoma-margin"]["margin"], "probability": 0.8,
                                     "fat_rim": {"probability": 0.8, "mm": (2.0, 8.0)}},
                          "ct_contrast": {"tumour_hu": (10.0, 45.0), "hyperdense": 0.8, "texture_hu": (6.0, 15.0),
                                          "noise_hu": (10.0, 35.0)}}

# "sarcoma-site": as "sarcoma-ct", with half of the thigh masses where STS_002's lies: against
# the subcutaneous fat or a fascial plane, fat around much of the mass (its MR shows a dark mass
# in bright fat; the PET spills into that fat and 0.4.0's contour follows it).
PROFILES["sarcoma-site"] = {**PROFILES["sarcoma-ct"], "superficial": {"probability": 0.5, "cover_mm": (3.0, 10.0)}}


def generate_case(rng: np.random.Generator, modalities, size=(64, 96, 96), spacing=DEFAULT_SPACING,
                  mr_weighting: str = "T2", psf_fwhm_mm: float | tuple[float, float] = 6.0, tumour_radius_mm=(8.0, 20.0),
                  tumour_suvmax=(3.0, 15.0), marrow_suv=None, body_scale=(1.0, 1.0),
                  thigh_fraction: float = 0.5, marrow_hu=None, cortex_hu=None, peritumoral: dict | None = None,
                  hip: dict | None = None, margin: dict | None = None, ct_contrast: dict | None = None,
                  superficial: dict | None = None) -> dict:
    """Draw one phantom case.

    Args:
        rng: generator for this case (all randomness comes from it).
        modalities: ("CT", "PT") or ("CT", "MR"); the first is the reference frame of the label.
        size: (D, H, W) voxels.
        spacing: (z, y, x) mm.
        mr_weighting: "T2" or "T1" contrast for an MR channel.
        psf_fwhm_mm: PET point-spread function FWHM, or a (low, high) range drawn per case.
        tumour_radius_mm: (low, high) of the tumour's mean radius.
        tumour_suvmax: (low, high) of the tumour's peak SUV before blur and noise.
        marrow_suv: (low, high) SUV of bone marrow (None: the tissue table's 1.2), so that a
            warm femur, not only the tumour, is seen above muscle.
        body_scale: (low, high) factor on the body's semi-axes (a thigh can fill the field).
        thigh_fraction: probability of thigh (vs thorax) anatomy.
        marrow_hu, cortex_hu: (low, high) HU of marrow / cortical bone (None: the table's 250 / 1100).
        peritumoral: FDG-avid non-tumour tissue around the mass, drawn with ``probability``: a
            shell ``shell_mm`` (low, high) thick at ``fraction`` (low, high) of the tumour's
            SUVmax, fading outwards; never labelled. None: no such tissue.
        hip: hip-level bones in a thigh, drawn with ``probability`` (``add_hip_bones``), with a
            trabecular texture of ``texture_hu`` (low, high) SD on all marrow and, drawn with
            ``periarticular.probability``, patchy uptake of ``periarticular.suv`` in the soft
            tissue within ``periarticular.shell_mm`` of bone (PET only; never labelled).
        margin: what blurs a mass's edge on PET, drawn with ``probability`` (``_draw_margin``):
            a hot and a cool side (uptake ratio ``gradient``), a warm lobe of unlabelled tissue
            beside the cool side (``lobe.shell_mm``, at ``lobe.fraction`` of the cool side's
            uptake), a patchy fat plane around the mass (``fat_rim``), and a necrotic core in
            more masses (``necrosis.probability``, SUV ``necrosis.suv``).
        ct_contrast: the tumour's CT contrast, texture and the CT noise (``render_ct``'s
            ``contrast``); None: 8–25 HU either way, 6 HU texture, noise σ 8–20 HU.
        superficial: in a thigh, drawn with ``probability``: a mass centred in muscle within 0.6
            radii of fat (subcutaneous or on a fascial plane), so that fat surrounds much of it,
            bulging the skin under ``cover_mm`` (low, high) of fat. None: anywhere in muscle.
    Returns:
        dict with one float32 (D, H, W) image per modality, "label" uint8 (D, H, W) and
        "meta" (anatomy kind, tumour volume in ml, SUVmax, jitter, distractor names).
    """
    modalities = tuple(modalities)
    if modalities not in (("CT", "PT"), ("CT", "MR")):
        raise ValueError(f"phantom: modalities must be ('CT','PT') or ('CT','MR'), got {modalities}")
    grid = Grid(tuple(int(s) for s in size), tuple(float(s) for s in spacing))
    kind = "thigh" if rng.random() < thigh_fraction else "thorax"
    # Default options draw nothing extra, so default phantoms are bit-identical to before.
    scale = float(rng.uniform(*body_scale)) if body_scale[1] > body_scale[0] else float(body_scale[0])
    anat = draw_anatomy(rng, grid, kind, scale)
    hip_bones = add_hip_bones(rng, grid, anat) if hip and kind == "thigh" and rng.random() < hip["probability"] else None
    tissue = anat.tissue
    bone_near = ndimage.binary_dilation(np.isin(tissue, (CORTEX, MARROW)), iterations=3)
    allowed = np.isin(tissue, (MUSCLE, ORGAN, LUNG) if kind == "thorax" else (MUSCLE,)) & ~bone_near
    radius = rng.uniform(*tumour_radius_mm)
    shallow = superficial is not None and kind == "thigh" and rng.random() < superficial["probability"]
    if shallow:  # in muscle, its centre within 0.6 radii of fat: under the skin or on a fascial plane
        allowed &= ndimage.distance_transform_edt(tissue != FAT, sampling=grid.spacing) <= 0.6 * radius
    centre = random_point_in(rng, grid, allowed, margin_vox=(3, 12, 12))
    tumour, rfield = lobulated_blob(rng, grid, centre, radius)
    if shallow:  # the lump bulges the skin under a cover of fat rather than being cut off by it
        cover = ndimage.distance_transform_edt(~tumour, sampling=grid.spacing) <= rng.uniform(*superficial["cover_mm"])
        tissue[cover & (tissue == 0)] = FAT
    body = tissue > 0
    tumour &= body & ~np.isin(tissue, (CORTEX, MARROW))
    necrosis = tumour & (rfield < 0.45) if (radius > 12 and rng.random() < 0.4) else np.zeros_like(tumour)
    tissue = np.where(tumour, MUSCLE, tissue).astype(np.int8)  # tumour displaces lung/fat
    edge = _draw_margin(rng, grid, tumour, centre, tissue, margin) if margin and rng.random() < margin["probability"] else None
    if edge is not None:
        tissue = edge["tissue"]
        if not necrosis.any() and radius > 10 and rng.random() < margin["necrosis"]["probability"]:
            necrosis = tumour & (rfield < 0.45)
    keep_out = ndimage.binary_dilation(tumour, iterations=4)

    bone_hu = None
    if marrow_hu is not None or cortex_hu is not None:
        bone_hu = (float(rng.uniform(*marrow_hu)) if marrow_hu is not None else None,
                   float(rng.uniform(*cortex_hu)) if cortex_hu is not None else None)
    texture = float(rng.uniform(*hip["texture_hu"])) if hip else None
    images: dict[str, np.ndarray] = {"CT": render_ct(rng, grid, tissue, tumour, necrosis, bone_hu, texture, ct_contrast)}
    distractor_names: list[str] = []
    second = modalities[1]
    if second == "PT":
        distractors = _pet_distractors(rng, grid, tissue, anat.structures, keep_out)
        if hip_bones is not None and rng.random() < hip["periarticular"]["probability"]:
            distractors["periarticular"] = _periarticular(rng, grid, tissue, keep_out, hip["periarticular"])
        distractor_names = sorted(distractors)
        # Options off by default draw nothing, so existing profiles keep their phantoms.
        psf = float(rng.uniform(*psf_fwhm_mm)) if isinstance(psf_fwhm_mm, (tuple, list)) else float(psf_fwhm_mm)
        halo = None
        if peritumoral is not None and rng.random() < peritumoral["probability"]:
            halo = (float(rng.uniform(*peritumoral["shell_mm"])), float(rng.uniform(*peritumoral["fraction"])))
            distractor_names.append("peritumoral")
        blurred_edge = {}
        if edge is not None:
            distractor_names.append("warm-lobe")
            blurred_edge = {"uptake_scale": edge["uptake_scale"], "lobe": edge["lobe"], "necrosis_suv": margin["necrosis"]["suv"]}
        img = render_pet(rng, grid, tissue, tumour, necrosis, distractors, psf, tumour_suvmax,
                         None if marrow_suv is None else float(rng.uniform(*marrow_suv)), halo, **blurred_edge)
    else:
        bright, distractor_names = _mr_bright(rng, grid, tissue, keep_out, mr_weighting)
        img = render_mr(rng, grid, tissue, tumour, necrosis, bright, mr_weighting)
    jitter = _jitter(rng)
    images[second] = shift_int(img, jitter)
    vox_ml = float(np.prod(grid.spacing)) / 1000.0
    meta = {
        "anatomy": kind,
        "tumour_ml": round(float(tumour.sum()) * vox_ml, 3),
        "necrotic_core": bool(necrosis.any()),
        "jitter_vox_zyx": list(jitter),
        "distractors": distractor_names,
    }
    if edge is not None:
        meta["margin"] = edge["meta"]
    if second == "PT":
        meta["suvmax_in_tumour"] = round(float(images["PT"][shift_int(tumour, jitter)].max()), 3) if tumour.any() else 0.0
    return {**images, "label": tumour.astype(np.uint8), "meta": meta}


def _pet_distractors(rng, grid, tissue, structures, keep_out) -> dict:
    """Hot non-tumour structures: name → (mask, SUV)."""
    out: dict[str, tuple[np.ndarray, float]] = {}
    soft = np.isin(tissue, (FAT, MUSCLE)) & ~keep_out
    for i in range(int(rng.integers(1, 4))):  # FDG-avid lymph nodes
        c = random_point_in(rng, grid, soft)
        r = rng.uniform(3.5, 7.0)
        out[f"node{i}"] = (ellipsoid(grid, c, (r * 1.3, r, r)) & ~keep_out, rng.uniform(3.0, 10.0))
    if rng.random() < 0.4:  # physiological muscle uptake (tensed muscle), elongated along z
        c = random_point_in(rng, grid, (tissue == MUSCLE) & ~keep_out)
        out["muscle-uptake"] = (ellipsoid(grid, c, (40, rng.uniform(4, 7), rng.uniform(8, 14))) & (tissue == MUSCLE) & ~keep_out,
                                rng.uniform(2.0, 4.0))
    if rng.random() < 0.3:  # brown fat: clustered small blobs inside fat
        fat = (tissue == FAT) & ~keep_out
        blobs = np.zeros(grid.shape, bool)
        c0 = random_point_in(rng, grid, fat)
        for _ in range(6):
            c = c0 + rng.normal(0, [6, 10, 10])
            blobs |= ellipsoid(grid, c, (4, 3, 3))
        out["brown-fat"] = (blobs & fat, rng.uniform(2.0, 6.0))
    if rng.random() < 0.35:  # bladder or a hot gland: large, very hot, not tumour
        c = random_point_in(rng, grid, np.isin(tissue, (MUSCLE, ORGAN)) & ~keep_out)
        r = rng.uniform(9, 16)
        out["bladder-or-gland"] = (ellipsoid(grid, c, (r, r, r * 1.2)) & (tissue > 0) & ~keep_out, rng.uniform(8.0, 30.0))
    if "heart" in structures and structures["heart"].any():
        out["myocardium"] = (structures["heart"] & ~keep_out, rng.uniform(1.5, 8.0))
    return out


def _draw_margin(rng, grid: Grid, tumour, centre, tissue, opts) -> dict:
    """What makes a real mass's PET edge a poor guide to its GTV (STS_002: a hot side at SUV ~20,
    a cool side at ~4 next to a warm, unlabelled lobe of ~3 over fat and muscle, a cold core):
    an uptake ramp across the mass from ``1/ratio`` (cool side) to 1, a warm lobe beside the cool
    side, flat to half of ``lobe.shell_mm`` and fading to 0 at it, at ``lobe.fraction`` of the cool
    side's mean uptake, and in ``fat_rim.probability`` of cases a patchy fat plane ``fat_rim.mm``
    thick around the mass.
    Returns the new tissue map, the uptake factor, the lobe (weight, fraction of SUVmax) and meta."""
    hot = rng.normal(size=3)
    hot /= np.linalg.norm(hot)
    rel = (grid.z - centre[0], grid.y - centre[1], grid.x - centre[2])
    proj = np.broadcast_to(rel[0] * hot[0] + rel[1] * hot[1] + rel[2] * hot[2], grid.shape)
    lo, hi = proj[tumour].min(), proj[tumour].max()
    ratio = float(rng.uniform(*opts["gradient"]))
    ramp = np.clip((proj - lo) / max(hi - lo, 1e-6), 0.0, 1.0)
    uptake_scale = 1.0 / ratio + (1.0 - 1.0 / ratio) * ramp
    cool = -hot + rng.normal(0, 0.4, size=3)
    cool /= np.linalg.norm(cool)
    r = np.sqrt(rel[0] ** 2 + rel[1] ** 2 + rel[2] ** 2) + 1e-6
    # Full within 60° of the cool direction, none beyond 120°; flat to half the shell, then fading.
    facing = np.clip(0.5 + (rel[0] * cool[0] + rel[1] * cool[1] + rel[2] * cool[2]) / r, 0.0, 1.0)
    shell = float(rng.uniform(*opts["lobe"]["shell_mm"]))
    dist = ndimage.distance_transform_edt(~tumour, sampling=grid.spacing)
    weight = np.where(tumour, 0.0, np.clip(2.0 * (1.0 - dist / shell), 0.0, 1.0) * facing)
    fraction = float(rng.uniform(*opts["lobe"]["fraction"]))
    tissue = tissue.copy()
    rim_mm = 0.0
    if rng.random() < opts["fat_rim"]["probability"]:
        rim_mm = float(rng.uniform(*opts["fat_rim"]["mm"]))
        patches = smooth_noise(rng, grid.shape, tuple(6.0 / s for s in grid.spacing)) > -0.3
        tissue[(dist > 0) & (dist <= rim_mm) & patches & (tissue == MUSCLE)] = FAT
    # Cool side's mean uptake is SUVmax / ratio / 1.6 (render_pet's heterogeneity has mean 1, max 1.6).
    return {"tissue": tissue, "uptake_scale": uptake_scale, "lobe": (weight, fraction / ratio / 1.6),
            "meta": {"hot_to_cool": round(ratio, 2), "lobe_mm": round(shell, 1), "lobe_fraction": round(fraction, 2),
                     "fat_rim_mm": round(rim_mm, 1)}}


def _periarticular(rng, grid, tissue, keep_out, opts) -> tuple[np.ndarray, float]:
    """Warm soft tissue along bone (joint capsule, tendon insertions): about half of the muscle
    within ``shell_mm`` of bone, in smooth patches, away from the tumour."""
    bone = np.isin(tissue, (CORTEX, MARROW))
    near = ndimage.distance_transform_edt(~bone, sampling=grid.spacing) <= rng.uniform(*opts["shell_mm"])
    patches = smooth_noise(rng, grid.shape, tuple(8.0 / s for s in grid.spacing)) > 0
    return near & patches & (tissue == MUSCLE) & ~keep_out, float(rng.uniform(*opts["suv"]))


def _mr_bright(rng, grid, tissue, keep_out, weighting):
    """Bright non-tumour MR structures (cysts / fluid on T2, fat lobules on T1)."""
    bright = np.zeros(grid.shape, bool)
    names = []
    for i in range(int(rng.integers(1, 4))):
        c = random_point_in(rng, grid, (tissue == MUSCLE) & ~keep_out)
        r = rng.uniform(3.0, 9.0)
        bright |= ellipsoid(grid, c, (r * 1.5, r, r)) & (tissue > 0)
        names.append(f"{'cyst' if weighting == 'T2' else 'fat-lobule'}{i}")
    return bright & ~keep_out, names


def _split(rng: np.random.Generator, n: int, labelled_fraction: float):
    """Deterministic test / val / train split: 20 % test, 10 % val (≥ 1 each from n ≥ 5),
    the rest train; labels kept for round(fraction · n_train) train cases (≥ 1 when fraction > 0)."""
    order = rng.permutation(n)
    n_test = max(1, round(0.2 * n)) if n >= 5 else 0
    n_val = max(1, round(0.1 * n)) if n >= 5 else 0
    split = {}
    for rank, i in enumerate(order):
        split[int(i)] = "test" if rank < n_test else "val" if rank < n_test + n_val else "train"
    train = [i for i in range(n) if split[i] == "train"]
    n_lab = 0 if labelled_fraction <= 0 else max(1, round(labelled_fraction * len(train)))
    labelled_train = set(rng.permutation(train)[:n_lab].tolist())
    return split, labelled_train


def make_phantom_dataset(out_dir, n_cases: int, modalities=("CT", "PT"), labelled_fraction: float = 0.2,
                         seed: int = 0, size=(64, 96, 96), spacing=DEFAULT_SPACING, mr_weighting: str = "T2",
                         overwrite: bool = False, profile: str = "default") -> Path:
    """Write ``n_cases`` phantoms as ``out_dir/<case>/{CT,PT|MR,label}.nii.gz`` + ``dataset.json``.

    Split: 20 % test, 10 % val, the rest train (see ``_split``). Val and test cases always
    carry labels (they are for measuring); of the train cases only ``labelled_fraction``
    do — the others get no label file at all, so a trainer cannot cheat by accident.
    Case i depends only on (seed, i), not on n_cases.

    Args:
        out_dir: dataset folder (created).
        n_cases: number of cases.
        modalities: ("CT", "PT") or ("CT", "MR").
        labelled_fraction: fraction of TRAIN cases that keep their label, 0–1.
        seed: master seed.
        size: (D, H, W) voxels; spacing: (z, y, x) mm, recorded in each NIfTI affine.
        mr_weighting: "T2" (paper 000's NPC CT/MR-T2) or "T1" (like real-sts-002's MR).
        overwrite: replace existing files (otherwise an existing case file is an error).
        profile: a key of ``PROFILES`` ("default" or "sarcoma"): generator options for all cases.
    Returns:
        Path of dataset.json.
    dataset.json:
        {"modalities": [...], "spacing": [z, y, x], "cases": [{"id", "labelled", "split",
        "source": "phantom", "meta": {...}}], "generator": {...}}
    """
    if not 0.0 <= labelled_fraction <= 1.0:
        raise ValueError(f"labelled_fraction must be in [0, 1], got {labelled_fraction}")
    if n_cases < 1:
        raise ValueError(f"n_cases must be >= 1, got {n_cases}")
    if profile not in PROFILES:
        raise ValueError(f"phantom profile must be one of {sorted(PROFILES)}, got {profile!r}")
    options = PROFILES[profile]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    split, labelled_train = _split(np.random.default_rng([seed, 1]), n_cases, labelled_fraction)
    affine = spacing_affine(spacing)
    children = np.random.SeedSequence(seed).spawn(n_cases)
    cases = []
    for i in range(n_cases):
        cid = f"phantom_{i:04d}"
        case = generate_case(np.random.default_rng(children[i]), modalities, size, spacing, mr_weighting, **options)
        labelled = split[i] != "train" or i in labelled_train
        for m in modalities:
            write_nifti(out / cid / f"{m}.nii.gz", case[m], affine, overwrite)
        if labelled:
            write_nifti(out / cid / "label.nii.gz", case["label"], affine, overwrite)
        cases.append({"id": cid, "labelled": bool(labelled), "split": split[i], "source": "phantom", "meta": case["meta"]})
    meta = {
        "modalities": list(modalities),
        "spacing": [float(s) for s in spacing],
        "cases": cases,
        "generator": {"name": "delineo_models.data.phantom", "seed": seed, "size": list(size),
                      "labelled_fraction": labelled_fraction, "profile": profile, "mr_weighting": mr_weighting if "MR" in modalities else None},
    }
    return write_json_atomic(out / "dataset.json", meta, overwrite=True)
