"""Where training patches come from: labelled and unlabelled cases of dataset.json folders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import data as dm


@dataclass
class CaseSource:
    """Training cases held in memory, sampled into labelled / unlabelled patch batches.

    Args:
        labelled: CaseDataset items with a label (train split).
        unlabelled: items whose label the trainer must not see (label None).
        validation: labelled items for sliding-window validation.
        patch_size: (D, H, W).
        fg_fraction: share of labelled patches centred on tumour.
        augment: AugmentConfig or None.
        summary: what the data is, for the model card (counts, sources).
    """

    labelled: list[dict]
    unlabelled: list[dict]
    validation: list[dict]
    patch_size: tuple[int, int, int]
    fg_fraction: float = 0.5
    augment: Any = None
    summary: dict = field(default_factory=dict)

    def labelled_batch(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n patches from randomly chosen labelled cases → images (n,C,D,H,W), labels (n,1,D,H,W)."""
        if not self.labelled:
            raise ValueError("no labelled training case: raise data.phantom.labelled_fraction or label a case")
        imgs, labs = [], []
        for i in rng.integers(0, len(self.labelled), n):
            # Draw fg-centring per patch: sample_patches rounds n·fg_fraction, and round(0.5) is 0.
            fg = 1.0 if rng.random() < self.fg_fraction else 0.0
            im, lab = dm.sample_patches(self.labelled[i], self.patch_size, 1, fg, rng, self.augment)
            imgs.append(im[0])
            labs.append(lab[0])
        return np.stack(imgs), np.stack(labs)

    def unlabelled_batch(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n patches from unlabelled cases (labelled ones stand in when there are none), labels dropped."""
        pool = self.unlabelled or self.labelled
        imgs = []
        for i in rng.integers(0, len(pool), n):
            item = {**pool[i], "label": None}
            im, _ = dm.sample_patches(item, self.patch_size, 1, 0.0, rng, self.augment)
            imgs.append(im[0])
        return np.stack(imgs)


def build_source(cfg: dict, run_dir: Path) -> CaseSource:
    """Builds the cases a config names: ``data.root`` or phantoms generated into ``run_dir/phantoms``,
    plus ``data.extra_unlabelled`` dataset folders (e.g. real images imported without labels).

    Raises:
        ValueError: from the dataset readers, naming the file at fault.
    """
    d = cfg["data"]
    mods, norm = list(d["modalities"]), list(d["normalization"])
    if d.get("import"):
        root = _extra_root(d["import"], d, Path(run_dir) / "dataset", unlabelled=False)
    else:
        root = Path(d["root"]) if d["root"] else _make_phantoms(d, run_dir)
    train = dm.CaseDataset(root, mods, "train", norm)
    val = dm.CaseDataset(root, mods, "val", norm)
    labelled = [train[i] for i in train.labelled_indices()]
    unlabelled = [train[i] for i in train.unlabelled_indices()]
    validation = [val[i] for i in range(len(val)) if val[i]["label"] is not None][: d["max_val_cases"]]
    sources = [str(root)]
    for i, extra in enumerate(d["extra_unlabelled"]):
        extra_root = _extra_root(extra, d, Path(run_dir) / f"extra_{i}")
        ds = dm.CaseDataset(extra_root, mods, extra.get("split", "train"), norm)
        # ``repeat`` oversamples a few real cases among many phantoms (issue 8: learn real appearance).
        unlabelled += [{**ds[j], "label": None} for j in range(len(ds))] * int(extra.get("repeat", 1))
        sources.append(str(extra.get("root") or extra["importer"]))
    for item in labelled + unlabelled + validation:
        item.setdefault("modalities", mods)
    augment = dm.AugmentConfig() if d["augment"] else None
    # Count distinct cases: a repeated (oversampled) real case is still one case on the model card.
    summary = {"labelled": len(labelled), "unlabelled": len({it["id"] for it in unlabelled}), "validation": len(validation),
               "sources": sources}
    return CaseSource(labelled, unlabelled, validation, tuple(cfg["training"]["patch_size"]), d["fg_fraction"],
                      augment, summary)


def _make_phantoms(d: dict, run_dir: Path) -> Path:
    out = Path(run_dir) / "phantoms"
    if not (out / "dataset.json").exists():
        kw = dict(d["phantom"])
        kw.setdefault("modalities", tuple(d["modalities"]))
        kw.setdefault("spacing", tuple(d["target_spacing"]))
        kw["modalities"] = tuple(kw["modalities"])
        kw["spacing"] = tuple(kw["spacing"])
        if "size" in kw:
            kw["size"] = tuple(kw["size"])
        dm.make_phantom_dataset(out, **kw)
    return out


def _extra_root(extra: dict, d: dict, out: Path, unlabelled: bool = True) -> Path:
    """A dataset folder: an existing one (``root``) or one made by a data importer (``importer``:
    'import_real_sts' | 'import_brats2013') on the target grid — without labels when ``unlabelled``."""
    if extra.get("root"):
        return Path(extra["root"])
    from ..data import importers
    name = extra["importer"]
    if name not in ("import_real_sts", "import_brats2013"):
        raise ValueError(f"data.extra_unlabelled: unknown importer {name!r} (import_real_sts, import_brats2013)")
    if not (out / "dataset.json").exists():
        args = {"target_spacing": tuple(d["target_spacing"]), **extra.get("args", {})}
        if name == "import_real_sts" and unlabelled:
            args.setdefault("split", "train")
            args.setdefault("labelled", False)
        getattr(importers, name)(out, **args)
    return out
