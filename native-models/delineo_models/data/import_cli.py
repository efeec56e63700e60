"""``python -m delineo_models.data.import_cli KIND [SRC] OUT``: any supported source → dataset.json folder.

KIND is one of ``brats-style``, ``hecktor-style``, ``brats2013``, ``real-sts-002`` (the last two
default to the shared data folder when SRC is omitted). Errors are one line naming the file.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import importers

KINDS = {
    "brats-style": lambda src, out, a: importers.import_brats_style(src, out, overwrite=a.overwrite),
    "hecktor-style": lambda src, out, a: importers.import_hecktor_style(
        src, out, target_spacing=None if a.keep_grid else tuple(a.spacing), overwrite=a.overwrite),
    "brats2013": lambda src, out, a: importers.import_brats2013(out, src=src, overwrite=a.overwrite),
    "real-sts-002": lambda src, out, a: importers.import_real_sts(
        out, src=src, split=a.split, labelled=not a.unlabelled, overwrite=a.overwrite),
}


def import_dataset(kind: str, src, out_dir, **options) -> Path:
    """Import a source of the given kind (see KINDS) into ``out_dir``; returns dataset.json.

    Raises:
        ValueError: unknown kind, or the importer's one-line error naming the file.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown dataset kind {kind!r}; one of {', '.join(KINDS)}")
    ns = argparse.Namespace(overwrite=False, keep_grid=False, spacing=(1.0, 1.0, 1.0), split="test", unlabelled=False)
    for k, v in options.items():
        setattr(ns, k, v)
    return KINDS[kind](Path(src) if src else None, Path(out_dir), ns)


def main(argv=None) -> int:
    """Console entry point."""
    ap = argparse.ArgumentParser(prog="delineo-import", description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=sorted(KINDS))
    ap.add_argument("paths", nargs="+", metavar="[SRC] OUT")
    ap.add_argument("--spacing", type=float, nargs=3, default=[1.0, 1.0, 1.0], help="hecktor-style target (z y x) mm")
    ap.add_argument("--keep-grid", action="store_true", help="hecktor-style: keep the CT grid")
    ap.add_argument("--split", default="test", help="real-sts-002: split to record")
    ap.add_argument("--unlabelled", action="store_true", help="real-sts-002: import without the label")
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args(argv)
    if len(a.paths) > 2 or (len(a.paths) == 1 and a.kind in ("brats-style", "hecktor-style")):
        ap.error(f"{a.kind}: give SRC and OUT" if a.kind.endswith("-style") else "give [SRC] OUT")
    src, out = (a.paths[0], a.paths[1]) if len(a.paths) == 2 else (None, a.paths[0])
    try:
        path = KINDS[a.kind](Path(src) if src else None, Path(out), a)
    except (ValueError, FileExistsError) as exc:
        print(f"delineo-import: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
