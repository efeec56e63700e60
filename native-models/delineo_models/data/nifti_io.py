"""NIfTI reading and writing in the (z, y, x) array order the rest of the package uses.

NIfTI stores voxels as (i, j, k) = (x, y, z); numpy code here indexes (z, y, x) like the
TypeScript Volume (slice, row, column). Every read and write goes through this module so the
transpose happens in exactly one place. Writes are atomic (temp file in the same folder,
fsync, rename) and refuse to overwrite unless asked, because source data must never be
clobbered by a re-run.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nibabel as nib
import numpy as np


@dataclass(frozen=True)
class NiftiVolume:
    """A volume in (z, y, x) order with its voxel→world affine (NIfTI RAS convention, mm).

    Attributes:
        data: array of shape (D, H, W) = (z, y, x).
        affine: 4×4 matrix mapping (i, j, k, 1) = (x, y, z index) to world mm, as in the file.
    """

    data: np.ndarray
    affine: np.ndarray

    @property
    def spacing(self) -> tuple[float, float, float]:
        """Voxel size in mm as (z, y, x), from the affine's column norms."""
        norms = np.linalg.norm(self.affine[:3, :3], axis=0)
        return (float(norms[2]), float(norms[1]), float(norms[0]))


def read_nifti(path: str | Path, dtype: type | None = np.float32) -> NiftiVolume:
    """Read a NIfTI-1/2 file as (z, y, x).

    Args:
        path: .nii or .nii.gz file.
        dtype: cast to this dtype (None keeps the stored one after scaling).
    Raises:
        ValueError: naming the file, when it is not a 3-D image (4-D with a singleton
            fourth axis is accepted).
    """
    p = Path(path)
    try:
        img = nib.load(str(p))
        arr = np.asanyarray(img.dataobj)
    except Exception as exc:  # nibabel raises many types; callers want one line with the file
        raise ValueError(f"{p}: not a readable NIfTI file ({exc})") from exc
    if arr.ndim == 4 and arr.shape[3] == 1:
        arr = arr[..., 0]
    if arr.ndim != 3:
        raise ValueError(f"{p}: expected a 3-D image, found shape {arr.shape}")
    arr = np.ascontiguousarray(arr.transpose(2, 1, 0))
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    return NiftiVolume(arr, np.asarray(img.affine, dtype=np.float64))


def spacing_affine(spacing_zyx: tuple[float, float, float], origin_xyz=(0.0, 0.0, 0.0)) -> np.ndarray:
    """An axis-aligned affine with the given (z, y, x) voxel size in mm and origin."""
    aff = np.diag([spacing_zyx[2], spacing_zyx[1], spacing_zyx[0], 1.0])
    aff[:3, 3] = origin_xyz
    return aff


def write_nifti(path: str | Path, data: np.ndarray, affine: np.ndarray, overwrite: bool = False) -> Path:
    """Write a (z, y, x) array as NIfTI-1 atomically (temp file, fsync, rename).

    Args:
        path: destination (.nii.gz compresses).
        data: array (D, H, W).
        affine: 4×4 voxel (i=x, j=y, k=z) → world mm; written to both sform and qform.
        overwrite: replace an existing file; without it an existing file is an error.
    Raises:
        FileExistsError: the destination exists and overwrite is False.
    """
    p = Path(path)
    if p.exists() and not overwrite:
        raise FileExistsError(f"{p}: exists; refusing to overwrite")
    if data.ndim != 3:
        raise ValueError(f"{p}: expected a (D, H, W) array, got shape {data.shape}")
    img = nib.Nifti1Image(np.ascontiguousarray(data.transpose(2, 1, 0)), affine)
    img.set_sform(affine, code=1)
    img.set_qform(affine, code=1)
    p.parent.mkdir(parents=True, exist_ok=True)
    suffix = ".nii.gz" if p.name.endswith(".nii.gz") else ".nii"
    return _replace_atomically(p, suffix, lambda tmp: nib.save(img, tmp))


def write_text_atomic(path: str | Path, text: str, overwrite: bool = True) -> Path:
    """Write a text file atomically (temp file in the same folder, fsync, rename).

    Raises:
        FileExistsError: when ``path`` exists and ``overwrite`` is False.
    """
    p = Path(path)
    if p.exists() and not overwrite:
        raise FileExistsError(f"{p}: exists; refusing to overwrite")
    p.parent.mkdir(parents=True, exist_ok=True)
    return _replace_atomically(p, p.suffix, lambda tmp: Path(tmp).write_text(text))


def _replace_atomically(p: Path, suffix: str, write) -> Path:
    """Let ``write(tmp)`` fill a temp file beside ``p``, fsync it, rename it onto ``p``; the
    temp file never outlives a failure."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=p.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p


def write_json_atomic(path: str | Path, obj, overwrite: bool = False) -> Path:
    """Write JSON atomically (temp file, fsync, rename), 2-space indented."""
    import json

    return write_text_atomic(path, json.dumps(obj, indent=2) + "\n", overwrite=overwrite)
