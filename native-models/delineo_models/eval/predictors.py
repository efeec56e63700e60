"""Things that contour a case for the reports: trained runs and the classical PET baselines.

Every predictor takes a ``CaseImages`` (physical units, the expert contour's grid) and returns
``{"combined": bool mask, "heads": [bool mask per network head]}`` on that same grid, so
metrics are always measured where the expert drew.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..data.nifti_io import read_nifti
from .app_input import back_to_case_grid, prepare_like_app
from .baselines import suv25, suv41
from .postprocess import case_masks
from .sliding_window import sliding_window_predict


@dataclass
class CaseImages:
    """One evaluation case in physical units on one grid.

    Attributes:
        id: case id.
        channels: modality name → float32 (D, H, W) (HU, SUV, MR a.u.).
        affine: NIfTI 4×4 of the grid; spacing: (z, y, x) mm.
        label: expert mask (D, H, W) bool, or None.
        split, labelled: as in the dataset.json the case came from.
    """

    id: str
    channels: dict
    affine: np.ndarray
    spacing: tuple
    label: np.ndarray | None
    split: str = "test"
    source: str = ""


def load_cases(root, ids=None) -> list[CaseImages]:
    """All cases of a dataset.json folder (or those in ``ids``) with every channel, unnormalised."""
    root = Path(root)
    meta = json.loads((root / "dataset.json").read_text())
    out = []
    for c in meta["cases"]:
        if ids is not None and c["id"] not in ids:
            continue
        chans, aff, sp = {}, None, None
        for m in meta["modalities"]:
            v = read_nifti(root / c["id"] / f"{m}.nii.gz")
            chans[m] = v.data
            aff, sp = (v.affine, v.spacing) if aff is None else (aff, sp)
        lab_path = root / c["id"] / "label.nii.gz"
        label = read_nifti(lab_path, dtype=None).data > 0 if lab_path.exists() else None
        out.append(CaseImages(c["id"], chans, aff, sp, label, c.get("split", "test"), c.get("source", "")))
    return out


@dataclass
class Suv41Predictor:
    """PET 41 %-of-SUVmax region growing from the hottest voxel (26-neighbourhood)."""

    name: str = "SUV 41 % (region growing)"
    kind: str = "classical"
    modalities: list = field(default_factory=lambda: ["PT"])
    training_use: dict = field(default_factory=dict)

    def predict(self, case: CaseImages) -> dict:
        m = suv41(case.channels["PT"])
        return {"combined": m, "heads": [m]}


@dataclass
class Suv25Predictor:
    """Fixed SUV ≥ 2.5, connected component of the hottest voxel (26-neighbourhood)."""

    name: str = "SUV ≥ 2.5 (component of SUVmax)"
    kind: str = "classical"
    modalities: list = field(default_factory=lambda: ["PT"])
    training_use: dict = field(default_factory=dict)

    def predict(self, case: CaseImages) -> dict:
        m = suv25(case.channels["PT"])
        return {"combined": m, "heads": [m]}


class RunPredictor:
    """A finished training run applied as the app applies a model card.

    Steps (``app_input.prepare_like_app``): body crop on the planning channel, resample to the
    run's target spacing (trilinear, the run's pad values), normalise with the run's
    ChannelNormalization dicts; sliding window with the run's patch and overlap (Gaussian
    weighting), sigmoid per head, mean of heads; probabilities back onto the case grid,
    threshold, drop components below min_component_ml, fill holes per slice when fill_holes.
    """

    def __init__(self, run_dir, name: str | None = None, which: str = "best") -> None:
        from ..train import load_trained  # lazy: torch only when a run is evaluated

        self.run_dir = Path(run_dir)
        self.net, self.cfg = load_trained(self.run_dir, which)
        d = self.cfg["data"]
        self.modalities = list(d["modalities"])
        self.kind = "supervised" if self.cfg["method"] == "supervised" else "semi-supervised"
        self.name = name or f"{self.cfg['method']} · {self.cfg['network']['name']} ({self.run_dir.name})"
        use = training_use(self.cfg, self.run_dir)
        # A supervised run never sees its dataset's unlabelled cases.
        self.training_use = {k: v for k, v in use.items() if self.kind != "supervised" or v == "labelled"}

    def _probs(self, image: np.ndarray, pads) -> np.ndarray:
        import torch

        net = self.net

        @torch.no_grad()
        def fn(batch):
            out = net(torch.from_numpy(np.ascontiguousarray(batch)))
            return torch.cat([torch.sigmoid(l) for l in out["logits"]], dim=1).numpy()

        inf = self.cfg["inference"]
        return sliding_window_predict(fn, image, tuple(self.cfg["training"]["patch_size"]), float(inf["overlap"]),
                                      pad_value=pads)

    def predict(self, case: CaseImages) -> dict:
        d, inf = self.cfg["data"], self.cfg["inference"]
        image, aff, pads = prepare_like_app(case, self.modalities, d["normalization"], d["pad_values"],
                                            tuple(float(s) for s in d["target_spacing"]))
        probs = back_to_case_grid(self._probs(image, pads), aff, case)
        return case_masks(case, probs.mean(0), probs, float(inf["threshold"]), float(inf.get("min_component_ml", 0)),
                          bool(inf.get("fill_holes", False)))


def training_use(cfg: dict, run_dir=None) -> dict:
    """Which case ids a run trained on: id → "labelled" | "unlabelled".

    Read from the dataset.json of the run's data roots: ``data.root`` (or ``run_dir/dataset``
    where the trainer ran ``data.import``, or the phantoms it generated in ``run_dir/phantoms``)
    for its train split, and each
    ``data.extra_unlabelled`` entry (``root``, or ``run_dir/extra_<i>`` where the trainer ran
    an importer), whose cases are unlabelled by construction.
    """
    use: dict[str, str] = {}
    d = cfg.get("data", {})
    roots = []
    if d.get("import") and run_dir is not None:
        roots.append((Path(run_dir) / "dataset", "train", None))  # the trainer ran an importer there
    elif d.get("root"):
        roots.append((Path(d["root"]), "train", None))
    elif run_dir is not None:
        roots.append((Path(run_dir) / "phantoms", "train", None))
    for i, extra in enumerate(d.get("extra_unlabelled", []) or []):
        r = extra.get("root") or extra.get("path") or (Path(run_dir) / f"extra_{i}" if run_dir is not None else None)
        if r:
            roots.append((Path(r), extra.get("split", "train"), "unlabelled"))
    for root, split, force in roots:
        p = root / "dataset.json"
        if not p.exists():
            continue
        for c in json.loads(p.read_text())["cases"]:
            if split is not None and c.get("split") != split:
                continue
            use[c["id"]] = force or ("labelled" if c.get("labelled") else "unlabelled")
    return use
