"""``CaseDataset``: the cases of a dataset.json folder, normalised per channel."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .nifti_io import read_nifti
from .normalize import normalize


def load_dataset_json(root: str | Path) -> dict:
    """Read and check ``root/dataset.json``.

    Raises:
        ValueError: naming the file, when it is missing, not JSON, or lacks modalities/cases.
    """
    p = Path(root) / "dataset.json"
    try:
        meta = json.loads(p.read_text())
    except FileNotFoundError:
        raise ValueError(f"{p}: no dataset.json (make one with make_phantom_dataset or an importer)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    for key in ("modalities", "cases"):
        if key not in meta:
            raise ValueError(f"{p}: lacks {key!r}")
    return meta


class CaseDataset:
    """Cases of one split, each as a normalised multi-channel image and an optional label.

    Items are dicts::

        {"id": str, "image": float32 (C, D, H, W), "label": uint8 (1, D, H, W) or None,
         "spacing": (z, y, x) mm, "modalities": [...], "labelled": bool, "split": str,
         "affine": 4×4 (NIfTI, of the first modality)}

    "label" is None for a case marked unlabelled even if a label file exists, so the
    semi-supervised split in dataset.json is the only thing that decides what a trainer sees.

    Args:
        root: folder with dataset.json and one sub-folder per case.
        modalities: channel order, e.g. ["CT", "PT"] (a subset/reordering of the dataset's).
        split: "train" | "val" | "test" or None for all cases.
        normalization: one model-card ChannelNormalization dict per modality (see
            ``normalize``).
        cache: keep loaded items in memory (phantom and the real sets fit easily).
    Raises:
        ValueError: unknown modality, or a normalisation list of the wrong length.
    """

    def __init__(self, root, modalities, split=None, normalization=None, cache: bool = True) -> None:
        self.root = Path(root)
        self.meta = load_dataset_json(self.root)
        self.modalities = list(modalities)
        missing = [m for m in self.modalities if m not in self.meta["modalities"]]
        if missing:
            raise ValueError(f"{self.root / 'dataset.json'}: has no modality {missing} (has {self.meta['modalities']})")
        if normalization is None or len(normalization) != len(self.modalities):
            raise ValueError(f"CaseDataset: need one normalization dict per modality {self.modalities}, got {normalization}")
        self.normalization = list(normalization)
        self.cases = [c for c in self.meta["cases"] if split is None or c["split"] == split]
        self._cache: dict[int, dict] | None = {} if cache else None

    def __len__(self) -> int:
        return len(self.cases)

    def labelled_indices(self) -> list[int]:
        """Indices of the cases whose label a trainer may use."""
        return [i for i, c in enumerate(self.cases) if c["labelled"]]

    def unlabelled_indices(self) -> list[int]:
        """Indices of the cases without a usable label."""
        return [i for i, c in enumerate(self.cases) if not c["labelled"]]

    def __getitem__(self, i: int) -> dict:
        if self._cache is not None and i in self._cache:
            return self._cache[i]
        case = self.cases[i]
        folder = self.root / case["id"]
        chans = []
        affine = None
        spacing = None
        for m, spec in zip(self.modalities, self.normalization):
            vol = read_nifti(folder / f"{m}.nii.gz")
            if chans and vol.data.shape != chans[0].shape:
                raise ValueError(f"{folder / (m + '.nii.gz')}: shape {vol.data.shape} differs from "
                                 f"{self.modalities[0]} {chans[0].shape}; the importer must resample to one grid")
            if affine is None:
                affine, spacing = vol.affine, vol.spacing
            chans.append(normalize(vol.data, spec))
        label = None
        if case["labelled"]:
            lab = read_nifti(folder / "label.nii.gz", dtype=None).data
            label = (lab > 0).astype(np.uint8)[None]
        item = {"id": case["id"], "image": np.stack(chans).astype(np.float32), "label": label,
                "spacing": tuple(spacing), "modalities": list(self.modalities), "labelled": bool(case["labelled"]),
                "split": case["split"], "affine": affine}
        if self._cache is not None:
            self._cache[i] = item
        return item
