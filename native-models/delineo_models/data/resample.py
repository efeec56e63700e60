"""Resampling NIfTI volumes onto another grid through world coordinates (trilinear or nearest).

Used by the importers to bring every modality of a case onto one grid (the planning CT's, or
an isotropic grid where a paper resamples), so a case's channels stack voxel for voxel.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from .nifti_io import NiftiVolume


def resample_to_grid(moving: NiftiVolume, ref_affine: np.ndarray, ref_shape, order: int = 1,
                     pad: float = 0.0) -> np.ndarray:
    """Sample ``moving`` at the voxel centres of a reference grid.

    Both affines map (i, j, k) = (x, y, z) indices to the same world frame; arrays are
    (z, y, x). Points outside ``moving`` get ``pad`` (its physical outside value: 0 SUV,
    −1024 HU, 0 MR).

    Args:
        moving: source volume.
        ref_affine: 4×4 of the reference grid.
        ref_shape: (D, H, W) of the reference grid.
        order: 1 trilinear, 0 nearest.
        pad: value outside the source.
    Returns:
        float32 array of ref_shape.
    """
    d, h, w = (int(s) for s in ref_shape)
    m = np.linalg.inv(moving.affine) @ np.asarray(ref_affine, float)  # ref index → moving index
    # affine_transform maps output (z, y, x) indices to input (z, y, x): reverse both axes of m.
    p = np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]], float)
    mat = p @ m[:3, :3] @ p
    off = p @ m[:3, 3]
    out = ndimage.affine_transform(moving.data.astype(np.float32, copy=False), mat, offset=off,
                                   output_shape=(d, h, w), order=order, mode="constant", cval=pad)
    return out.astype(np.float32, copy=False)


def grid_for_spacing(affine: np.ndarray, shape, spacing_zyx, box=None) -> tuple[np.ndarray, tuple[int, int, int]]:
    """A grid with the same orientation covering the physical extent of ``box`` (default: the
    whole volume) at another voxel size — the app's ``gridAtSpacing``
    (electron/pipeline/normalize/body-crop.ts), rule for rule.

    Per axis: extent = box voxels · old spacing (voxel faces, not centres); n = max(1,
    round(extent / new spacing)); the n new voxels are centred in the extent, so the first new
    centre lies (extent − n · new)/2 + new/2 mm inside the box's first face.

    Args:
        affine: 4×4 of the source grid (i, j, k) = (x, y, z).
        shape: (D, H, W) of the source grid.
        spacing_zyx: new voxel size (z, y, x) mm.
        box: optional ((z0, z1), (y0, y1), (x0, x1)) inclusive index bounds.
    Returns:
        (new_affine, new_shape (D, H, W)).
    """
    old = np.linalg.norm(affine[:3, :3], axis=0)  # x, y, z
    new = np.array([spacing_zyx[2], spacing_zyx[1], spacing_zyx[0]], float)
    d, h, w = shape
    bounds = [(0, w - 1), (0, h - 1), (0, d - 1)] if box is None else [tuple(box[2]), tuple(box[1]), tuple(box[0])]
    size, start = [], np.zeros(3)
    for a in range(3):
        extent = (bounds[a][1] - bounds[a][0] + 1) * old[a]
        n = max(1, int(round(extent / new[a])))
        size.append(n)
        start[a] = bounds[a][0] - 0.5 + ((extent - n * new[a]) / 2 + new[a] / 2) / old[a]
    a2 = affine.copy()
    a2[:3, :3] = affine[:3, :3] / old * new
    a2[:3, 3] = affine[:3, 3] + affine[:3, :3] @ start
    return a2, (size[2], size[1], size[0])


def resample_to_spacing(vol: NiftiVolume, spacing_zyx, order: int = 1, pad: float = 0.0) -> NiftiVolume:
    """``vol`` on a grid of the given (z, y, x) spacing covering the same field of view."""
    a, shape = grid_for_spacing(vol.affine, vol.data.shape, spacing_zyx)
    return NiftiVolume(resample_to_grid(vol, a, shape, order, pad), a)
