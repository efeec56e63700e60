"""Geometry of the synthetic phantoms: body, tissues, tumour and distractor shapes.

Everything is drawn in millimetres on an anisotropic grid (like real CT, e.g. 3 × 1 × 1 mm),
so shapes keep their physical size whatever the spacing. Tissue classes are small integers;
the renderers in ``phantom_render`` turn them into HU, SUV and MR intensities.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Tissue codes shared with phantom_render.
AIR, FAT, MUSCLE, CORTEX, MARROW, LUNG, ORGAN, FLUID = range(8)
TISSUE_NAMES = ("air", "fat", "muscle", "cortical bone", "marrow", "lung", "soft organ", "fluid")


@dataclass
class Grid:
    """Voxel-centre coordinates in mm, centred on the volume, as broadcastable open grids.

    Attributes:
        shape: (D, H, W).
        spacing: (z, y, x) mm.
        z, y, x: arrays of shape (D,1,1), (1,H,1), (1,1,W).
    """

    shape: tuple[int, int, int]
    spacing: tuple[float, float, float]
    z: np.ndarray = field(init=False)
    y: np.ndarray = field(init=False)
    x: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        d, h, w = self.shape
        sz, sy, sx = self.spacing
        self.z = ((np.arange(d) - (d - 1) / 2) * sz).reshape(d, 1, 1)
        self.y = ((np.arange(h) - (h - 1) / 2) * sy).reshape(1, h, 1)
        self.x = ((np.arange(w) - (w - 1) / 2) * sx).reshape(1, 1, w)

    def index_to_mm(self, idx) -> np.ndarray:
        """(z, y, x) voxel index → (z, y, x) mm in this grid's centred frame."""
        d, h, w = self.shape
        return (np.asarray(idx, float) - (np.array([d, h, w]) - 1) / 2) * np.asarray(self.spacing)


@dataclass
class Anatomy:
    """A drawn body: tissue map plus the named structures the renderers treat specially."""

    kind: str
    tissue: np.ndarray  # int8 (D, H, W)
    structures: dict[str, np.ndarray]  # name → bool mask


def _ellipse(grid: Grid, cy: float, cx: float, ay: float, ax: float) -> np.ndarray:
    """In-plane ellipse extruded along z (bool (1 or D, H, W))."""
    return ((grid.y - cy) / ay) ** 2 + ((grid.x - cx) / ax) ** 2 <= 1.0


def ellipsoid(grid: Grid, c, radii) -> np.ndarray:
    """Bool mask of an axis-aligned ellipsoid, centre c and semi-axes radii in (z, y, x) mm."""
    return ((grid.z - c[0]) / radii[0]) ** 2 + ((grid.y - c[1]) / radii[1]) ** 2 + ((grid.x - c[2]) / radii[2]) ** 2 <= 1.0


def draw_anatomy(rng: np.random.Generator, grid: Grid, kind: str, body_scale: float = 1.0) -> Anatomy:
    """Draw a thigh-like or thorax-like cross-section (extruded along z, gently tapered).

    Args:
        rng: the case's generator.
        grid: voxel grid.
        kind: "thigh" or "thorax".
        body_scale: factor on the body's semi-axes (1: 38–58 mm; a real thigh is often larger
            than the field of view). Draws no random number, so it leaves other draws alone.
    """
    d = grid.shape[0]
    taper = 1.0 + 0.08 * (grid.z / max(1.0, grid.z.max() if d > 1 else 1.0))  # limbs and chests narrow along z
    tissue = np.zeros(grid.shape, np.int8)
    structures: dict[str, np.ndarray] = {}
    ay, ax = rng.uniform(38, 52) * body_scale, rng.uniform(42, 58) * body_scale
    cy, cx = rng.uniform(-4, 4), rng.uniform(-4, 4)
    body = ((grid.y - cy) / (ay * taper)) ** 2 + ((grid.x - cx) / (ax * taper)) ** 2 <= 1.0
    fat_t = rng.uniform(4, 12)
    inner = ((grid.y - cy) / (ay * taper - fat_t)) ** 2 + ((grid.x - cx) / (ax * taper - fat_t)) ** 2 <= 1.0
    tissue[np.broadcast_to(body, grid.shape)] = FAT
    tissue[np.broadcast_to(inner, grid.shape)] = MUSCLE
    if kind == "thigh":
        # Intermuscular fat septa: thin planes through the muscle, the texture real thighs show.
        for _ in range(rng.integers(2, 5)):
            ang = rng.uniform(0, np.pi)
            off = rng.uniform(-20, 20)
            dist = np.abs(np.cos(ang) * (grid.y - cy) + np.sin(ang) * (grid.x - cx) - off)
            sept = np.broadcast_to((dist < rng.uniform(0.8, 1.6)) & inner, grid.shape)
            tissue[sept] = FAT
        fy, fx = cy + rng.uniform(-10, 10), cx + rng.uniform(-12, 12)
        fr = rng.uniform(11, 15)
        femur = np.broadcast_to(_ellipse(grid, fy, fx, fr, fr * rng.uniform(0.9, 1.1)), grid.shape)
        marrow = np.broadcast_to(_ellipse(grid, fy, fx, fr - 4.5, fr - 4.5), grid.shape)
        tissue[femur] = CORTEX
        tissue[marrow] = MARROW
        structures["bone"] = femur.copy()
        for _ in range(rng.integers(1, 3)):  # femoral vessels: small tubes, bright on T2, blood pool on PET
            vy, vx = fy + rng.uniform(-25, 25), fx + rng.uniform(-25, 25)
            vessel = np.broadcast_to(_ellipse(grid, vy, vx, 3.0, 3.0), grid.shape) & (tissue == MUSCLE)
            tissue[vessel] = ORGAN
    else:
        # Two lungs either side of a mediastinum, a vertebra behind it, heart in front.
        ly, lx = cy - rng.uniform(-4, 4), rng.uniform(18, 24)
        lry, lrx = rng.uniform(20, 28), rng.uniform(13, 18)
        for sgn in (-1, 1):
            lung = ellipsoid(grid, (0, ly, cx + sgn * lx), (400, lry, lrx)) & inner
            tissue[np.broadcast_to(lung, grid.shape)] = LUNG
        med = np.broadcast_to(_ellipse(grid, ly, cx, lry * 0.8, lx - lrx + 2), grid.shape) & inner
        tissue[med & (tissue == MUSCLE)] = ORGAN
        vy = cy + ay * 0.55
        vert = np.broadcast_to(_ellipse(grid, vy, cx, 9, 9), grid.shape)
        tissue[vert] = CORTEX
        tissue[np.broadcast_to(_ellipse(grid, vy, cx, 6, 6), grid.shape)] = MARROW
        structures["bone"] = vert.copy()
        heart = ellipsoid(grid, (rng.uniform(-30, 30), ly - lry * 0.3, cx + rng.uniform(-6, 6)), (35, 14, 16))
        structures["heart"] = np.broadcast_to(heart, grid.shape) & (tissue == ORGAN)
    return Anatomy(kind, tissue, structures)


def lobulated_blob(rng: np.random.Generator, grid: Grid, centre, radius: float, irregularity: float = 0.18):
    """An irregular tumour-like blob: a sphere whose radius varies with direction, plus lobules.

    The boundary is r(u) = R·(1 + Σ a_k cos(ω_k·u + φ_k)) over 3–5 random low-frequency terms,
    which gives the bosselated outline sarcomas and nodal masses show; 0–3 smaller spheres
    near the surface add lobulation.

    Returns:
        (mask, normalised radius field r / r(u)) — the second is < 1 inside and is what the
        renderer uses for a necrotic core (field < 0.45) and a rim.
    """
    dz, dy, dx = grid.z - centre[0], grid.y - centre[1], grid.x - centre[2]
    r = np.sqrt(dz**2 + dy**2 + dx**2) + 1e-6
    u = (dz / r, dy / r, dx / r)
    factor = np.ones(np.broadcast_shapes(dz.shape, dy.shape, dx.shape))
    for _ in range(rng.integers(3, 6)):
        w = rng.normal(size=3)
        w *= rng.uniform(1.5, 3.5) / np.linalg.norm(w)
        factor = factor + rng.uniform(0.3, 1.0) * irregularity * np.cos(w[0] * u[0] + w[1] * u[1] + w[2] * u[2] + rng.uniform(0, 2 * np.pi))
    field_ = r / (radius * np.clip(factor, 0.5, 1.6))
    mask = field_ <= 1.0
    for _ in range(rng.integers(0, 4)):
        v = rng.normal(size=3)
        v /= np.linalg.norm(v)
        lc = np.asarray(centre) + v * radius * rng.uniform(0.6, 0.95)
        lr = radius * rng.uniform(0.3, 0.55)
        mask = mask | ellipsoid(grid, lc, (lr, lr, lr))
    return mask, field_


def random_point_in(rng: np.random.Generator, grid: Grid, allowed: np.ndarray, margin_vox=(2, 6, 6)):
    """A random voxel of ``allowed`` (away from the volume edges by margin) as (z, y, x) mm."""
    m = np.zeros(grid.shape, bool)
    d, h, w = grid.shape
    mz, my, mx = (min(margin_vox[0], d // 3), min(margin_vox[1], h // 3), min(margin_vox[2], w // 3))
    m[mz:d - mz, my:h - my, mx:w - mx] = True
    idx = np.flatnonzero(allowed & m)
    if idx.size == 0:
        idx = np.flatnonzero(m)
    k = np.unravel_index(idx[rng.integers(idx.size)], grid.shape)
    return grid.index_to_mm(k)


def capsule(grid: Grid, p0, p1, radius: float) -> np.ndarray:
    """Bool mask of the voxels within ``radius`` mm of the 3-D segment p0–p1 ((z, y, x) mm):
    an oblique rod with round ends, the shape of a femoral neck or a pubic ramus."""
    p0, d = np.asarray(p0, float), np.asarray(p1, float) - np.asarray(p0, float)
    rel = (grid.z - p0[0], grid.y - p0[1], grid.x - p0[2])
    t = np.clip((rel[0] * d[0] + rel[1] * d[1] + rel[2] * d[2]) / max(float(d @ d), 1e-9), 0.0, 1.0)
    return (rel[0] - t * d[0]) ** 2 + (rel[1] - t * d[1]) ** 2 + (rel[2] - t * d[2]) ** 2 <= radius**2


def add_hip_bones(rng: np.random.Generator, grid: Grid, anat: Anatomy) -> np.ndarray:
    """Bones of the hip level, drawn into ``anat.tissue``: 2–4 oblique rods (femoral neck,
    ischial and pubic rami, 8–28 mm thick, 30–90 mm long, any tilt) and, in half the cases, a
    femoral head (radius 19–25 mm), each a thin cortex (1.5–3.5 mm) around marrow. In an axial slice
    they cut as the elongated, irregular bone profiles a crop around a proximal-thigh mass
    holds, unlike the round shaft. Returns the new bone mask (cortex and marrow)."""
    muscle = anat.tissue == MUSCLE
    bone = np.zeros(grid.shape, bool)
    marrow = np.zeros(grid.shape, bool)
    parts = [("rod", random_point_in(rng, grid, muscle, (0, 4, 4))) for _ in range(int(rng.integers(2, 5)))]
    if rng.random() < 0.5:
        parts.append(("head", random_point_in(rng, grid, muscle, (0, 4, 4))))
    for kind, p0 in parts:
        wall = rng.uniform(1.5, 3.5)
        if kind == "rod":
            direction = rng.normal(size=3)
            direction /= np.linalg.norm(direction)
            p1 = p0 + direction * rng.uniform(30, 90)
            r = rng.uniform(4.0, 14.0)
            bone |= capsule(grid, p0, p1, r)
            marrow |= capsule(grid, p0, p1, max(r - wall, 1.0))
        else:
            r = rng.uniform(19, 25)
            bone |= ellipsoid(grid, p0, (r, r, r))
            marrow |= ellipsoid(grid, p0, (r - wall, r - wall, r - wall))
    inside = anat.tissue > 0
    anat.tissue[bone & inside] = CORTEX
    anat.tissue[marrow & inside] = MARROW
    anat.structures["hip-bones"] = bone & inside
    return bone & inside
