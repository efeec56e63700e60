"""Real data sets → our dataset.json layout (one folder per case, all channels on one grid).

Supported sources:
* BraTS-style folders ``<case>/{t1ce,t2,flair,seg}.nii.gz`` (also BraTS naming
  ``<case>/<case>_t1ce.nii.gz``): whole tumour = seg > 0; zero-region crop (paper 000).
* HECKTOR-style flat folders ``<case>__CT.nii.gz``, ``<case>__PT.nii.gz``,
  ``<case>__gtvt.nii.gz``: PET resampled onto the CT's grid or onto 1 mm isotropic (paper 003).
* ``brats2013/`` in the shared data (its real names: ``T1c_subtrMeanDivStd``,
  ``Flair_subtrMeanDivStd``, ``OTMultiClass``, ``brainmask``): cropped to the brain mask.
* ``real-sts-002/`` (MIRP NIfTI of the TCIA STS_002 thigh sarcoma): PET and MR resampled
  trilinearly onto the CT grid, the CT-grid expert GTV mask as label.

Intensity normalisation is left to the model card (see ``preprocess.PAPER_NORMALIZATION``);
each dataset.json records the paper's choice under ``"normalization"``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .nifti_io import NiftiVolume, read_nifti, write_json_atomic, write_nifti
from .paths import shared_data
from .preprocess import PAPER_NORMALIZATION, crop_affine, nonzero_bbox
from .resample import grid_for_spacing, resample_to_grid

#: Pad values (physical outside) per channel name when resampling.
PAD = {"CT": -1024.0, "PT": 0.0}

#: The four shared BraTS 2013 cases and the split the reports use: one labelled and one
#: unlabelled training case (semi-supervised, issue 8 item 5), two held-out test cases.
BRATS2013_SPLIT = {
    "brats_2013_pat0003_1": ("train", True),
    "brats_2013_pat0004_1": ("train", False),
    "brats_2013_pat0005_1": ("test", True),
    "brats_2013_pat0006_1": ("test", True),
}


def _write_case(out: Path, cid: str, channels: dict, label, affine, overwrite: bool) -> None:
    for name, arr in channels.items():
        write_nifti(out / cid / f"{name}.nii.gz", arr.astype(np.float32), affine, overwrite)
    if label is not None:
        write_nifti(out / cid / "label.nii.gz", label.astype(np.uint8), affine, overwrite)


def _on_grid(vols: dict[str, NiftiVolume], label: NiftiVolume | None, ref: str, spacing):
    """All channels and the label on the reference channel's grid (or its resampled version)."""
    r = vols[ref]
    if spacing is None:
        aff, shape = r.affine, r.data.shape
    else:
        aff, shape = grid_for_spacing(r.affine, r.data.shape, spacing)
    same = lambda v: v.data.shape == tuple(shape) and np.allclose(v.affine, aff, atol=1e-4)  # noqa: E731
    chans = {k: (v.data if same(v) else resample_to_grid(v, aff, shape, 1, PAD.get(k, 0.0))) for k, v in vols.items()}
    lab = None
    if label is not None:
        # Linear interpolation of the binary mask then ≥ 0.5 keeps the surface where it was
        # better than nearest-neighbour on anisotropic grids.
        lab = (label.data > 0).astype(np.float32)
        lab = (lab if same(label) else resample_to_grid(NiftiVolume(lab, label.affine), aff, shape, 1, 0.0)) >= 0.5
    return chans, lab, aff


def _finish(out: Path, modalities, cases, spacing, normalization, extra=None) -> Path:
    meta = {"modalities": list(modalities), "spacing": [float(s) for s in spacing], "cases": cases,
            "normalization": normalization, **(extra or {})}
    return write_json_atomic(out / "dataset.json", meta, overwrite=True)


def import_brats_style(src, out_dir, modalities=("t1ce", "t2"), names=None, splits=None,
                       crop_margin: int = 2, overwrite: bool = False, source: str = "BraTS-style") -> Path:
    """Import ``<case>/{t1ce,t2,flair,seg}.nii.gz`` folders.

    Args:
        src: folder of case folders.
        out_dir: output dataset folder.
        modalities: file stems to use, in channel order.
        names: channel names in dataset.json (default: T1c/T2/FLAIR/T1 for t1ce/t2/flair/t1).
        splits: {case id: (split, labelled)}; default every case ("test", True).
        crop_margin: voxels kept around the non-zero region (paper 000's zero-region crop).
    Returns:
        dataset.json path.
    Raises:
        ValueError: naming the folder, when a case lacks a modality or no case is found.
    """
    default_names = {"t1ce": "T1c", "t2": "T2", "flair": "FLAIR", "t1": "T1"}
    names = list(names or [default_names.get(m, m) for m in modalities])
    src, out = Path(src), Path(out_dir)
    if not src.is_dir():
        raise ValueError(f"{src}: not a folder")
    cases, spacing = [], None
    folders = sorted(p for p in src.iterdir() if p.is_dir())
    for folder in folders:
        def find(stem):
            for cand in (folder / f"{stem}.nii.gz", folder / f"{folder.name}_{stem}.nii.gz", folder / f"{stem}.nii"):
                if cand.exists():
                    return cand
            return None
        files = {n: find(m) for n, m in zip(names, modalities)}
        if any(v is None for v in files.values()):
            missing = [m for (n, m) in zip(names, modalities) if files[n] is None]
            raise ValueError(f"{folder}: lacks {', '.join(m + '.nii.gz' for m in missing)}")
        seg = find("seg")
        vols = {n: read_nifti(f) for n, f in files.items()}
        lab = read_nifti(seg, dtype=None) if seg else None
        split, labelled = (splits or {}).get(folder.name, ("test", True))
        nonzero = np.any([v.data != 0 for v in vols.values()], axis=0)
        bbox = nonzero_bbox(nonzero, crop_margin)
        chans = {n: v.data[bbox] for n, v in vols.items()}
        label = (lab.data[bbox] > 0) if (lab is not None and labelled) else None
        aff = crop_affine(vols[names[0]].affine, bbox)
        _write_case(out, folder.name, chans, label, aff, overwrite)
        spacing = vols[names[0]].spacing
        cases.append({"id": folder.name, "labelled": label is not None, "split": split, "source": source})
    if not cases:
        raise ValueError(f"{src}: no case folders found")
    norm = {n: PAPER_NORMALIZATION["MR-minmax"] for n in names}
    return _finish(out, names, cases, spacing, norm, {"preprocessing": "zero-region crop; min-max per scan (card)"})


def import_hecktor_style(src, out_dir, target_spacing=(1.0, 1.0, 1.0), splits=None, overwrite: bool = False,
                         source: str = "HECKTOR-style") -> Path:
    """Import a flat folder of ``<case>__CT.nii.gz``, ``<case>__PT.nii.gz``, ``<case>__gtvt.nii.gz``.

    PET and label are resampled onto the CT grid, or — paper 003's preprocessing, the
    default — everything onto ``target_spacing`` (z, y, x) mm with trilinear interpolation.
    Pass ``target_spacing=None`` to keep the CT grid.

    Raises:
        ValueError: naming the file, when a case has CT without PT, or nothing is found.
    """
    src, out = Path(src), Path(out_dir)
    if not src.is_dir():
        raise ValueError(f"{src}: not a folder")
    cts = sorted(src.glob("*__CT.nii.gz"))
    if not cts:
        raise ValueError(f"{src}: no <case>__CT.nii.gz files")
    cases, spacing = [], None
    for ct_path in cts:
        cid = ct_path.name[: -len("__CT.nii.gz")]
        pt_path, gt_path = src / f"{cid}__PT.nii.gz", src / f"{cid}__gtvt.nii.gz"
        if not pt_path.exists():
            raise ValueError(f"{pt_path}: missing (needed with {ct_path.name})")
        split, labelled = (splits or {}).get(cid, ("test", True))
        vols = {"CT": read_nifti(ct_path), "PT": read_nifti(pt_path)}
        lab = read_nifti(gt_path) if (labelled and gt_path.exists()) else None
        chans, label, aff = _on_grid(vols, lab, "CT", target_spacing)
        _write_case(out, cid, chans, label, aff, overwrite)
        spacing = NiftiVolume(chans["CT"], aff).spacing
        cases.append({"id": cid, "labelled": label is not None, "split": split, "source": source})
    norm = {"CT": PAPER_NORMALIZATION["CT-window"], "PT": PAPER_NORMALIZATION["PT-zscore"]}
    return _finish(out, ["CT", "PT"], cases, spacing, norm,
                   {"preprocessing": f"PET → CT grid; resampled to {target_spacing} mm (trilinear)"})


def import_brats2013(out_dir, src=None, splits=None, crop_margin: int = 2, target_spacing=None,
                     overwrite: bool = False) -> Path:
    """Import the shared ``brats2013/`` cases as channels T1c and FLAIR, label = OTMultiClass > 0.

    The images are z-scored inside the brain with a constant outside value, so the
    "zero region" of paper 000 is the outside of ``brainmask`` (> 0.5); voxels outside it
    are set to each channel's brain minimum so min-max normalisation sees the brain's range.
    Split: ``BRATS2013_SPLIT`` unless given. ``target_spacing`` (z, y, x) mm resamples the
    cropped case (trilinear; label by linear interpolation ≥ 0.5); the data are 1 mm already.
    Licence CC BY-NC-SA 3.0: training and evaluation only, recorded in dataset.json.
    """
    src = Path(src) if src else shared_data("brats2013")
    out = Path(out_dir)
    splits = splits or BRATS2013_SPLIT
    if not src.is_dir():
        raise ValueError(f"{src}: not a folder")
    cases, spacing = [], None
    folders = sorted(p for p in src.iterdir() if p.is_dir())
    if not folders:
        raise ValueError(f"{src}: no BraTS 2013 case folders")
    for folder in folders:
        try:
            t1c = read_nifti(folder / "T1c_subtrMeanDivStd.nii.gz")
            fl = read_nifti(folder / "Flair_subtrMeanDivStd.nii.gz")
            brain = read_nifti(folder / "brainmask.nii.gz").data > 0.5
            ot = read_nifti(folder / "OTMultiClass.nii.gz").data
        except FileNotFoundError as exc:
            raise ValueError(f"{folder}: missing {Path(exc.filename).name}") from None
        split, labelled = splits.get(folder.name, ("test", True))
        bbox = nonzero_bbox(brain, crop_margin)
        chans = {}
        for name, v in (("T1c", t1c), ("FLAIR", fl)):
            arr = v.data.copy()
            arr[~brain] = arr[brain].min()
            chans[name] = arr[bbox]
        label = (ot[bbox] > 0) if labelled else None
        aff = crop_affine(t1c.affine, bbox)
        if target_spacing is not None:
            vols = {k: NiftiVolume(v, aff) for k, v in chans.items()}
            lab_vol = NiftiVolume(label.astype(np.float32), aff) if label is not None else None
            chans, label, aff = _on_grid(vols, lab_vol, "T1c", target_spacing)
        _write_case(out, folder.name, chans, label, aff, overwrite)
        spacing = NiftiVolume(chans["T1c"], aff).spacing
        cases.append({"id": folder.name, "labelled": label is not None, "split": split,
                      "source": "BraTS 2013 (Menze et al. 2015), CC BY-NC-SA 3.0 CH"})
    norm = {n: PAPER_NORMALIZATION["MR-minmax"] for n in ("T1c", "FLAIR")}
    return _finish(out, ["T1c", "FLAIR"], cases, spacing, norm,
                   {"licence": "CC BY-NC-SA 3.0 CH: training and evaluation only; never bundled",
                    "preprocessing": "crop to brainmask (+2 voxels); outside brain = brain minimum; min-max per scan (card)"})


def import_real_sts(out_dir, src=None, split: str = "test", labelled: bool = True, target_spacing=None,
                    overwrite: bool = False) -> Path:
    """Import the shared ``real-sts-002/`` study as one case with channels CT, PT, MR.

    PET (5.47 mm pixels) and MR are resampled trilinearly onto the CT grid (0.98 × 0.98 ×
    3.27 mm) — or everything onto ``target_spacing`` (z, y, x) — in world coordinates; the
    label is the expert GTV rasterised on the CT grid by MIRP (``CT/nifti/mask``).

    Args:
        split, labelled: how the case is used ("test" with label for evaluation; "train"
            without label to use it as unlabelled training data).
    """
    src = Path(src) if src else shared_data("real-sts-002")
    out = Path(out_dir)
    paths = {"CT": src / "CT/nifti/image/image.nii.gz", "PT": src / "PET/nifti/image/image.nii.gz",
             "MR": src / "MR_T1/nifti/image/image.nii.gz"}
    for p in paths.values():
        if not p.exists():
            raise ValueError(f"{p}: missing (real-sts-002 NIfTI layout expected)")
    vols = {k: read_nifti(p) for k, p in paths.items()}
    lab = read_nifti(src / "CT/nifti/mask/mask.nii.gz") if labelled else None
    chans, label, aff = _on_grid(vols, lab, "CT", target_spacing)
    cid = "STS_002"
    _write_case(out, cid, chans, label, aff, overwrite)
    spacing = NiftiVolume(chans["CT"], aff).spacing
    cases = [{"id": cid, "labelled": label is not None, "split": split,
              "source": "TCIA Soft-tissue-Sarcoma STS_002 (Vallières et al. 2015), CC BY 3.0"}]
    norm = {"CT": PAPER_NORMALIZATION["CT-window"], "PT": PAPER_NORMALIZATION["PT-zscore"], "MR": PAPER_NORMALIZATION["MR-minmax"]}
    return _finish(out, ["CT", "PT", "MR"], cases, spacing, norm,
                   {"licence": "CC BY 3.0", "units": {"CT": "HU", "PT": "SUVbw", "MR": "a.u. (T1)"},
                    "preprocessing": "PET and MR → CT grid, trilinear, world coordinates; pad 0"})
