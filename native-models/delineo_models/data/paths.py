"""Where the real data and the git-ignored work folder are.

The real data sets live in ``../shared/data`` beside the checkout (never copied into the
repository); ``DELINEO_SHARED_DATA`` overrides that. Imported / converted data goes to
``native-models/data/`` which git ignores.
"""
from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[3]

#: Folder holding brats2013/, real-sts-002/, … .
SHARED_DATA = Path(os.environ.get("DELINEO_SHARED_DATA", _REPO.parent / "shared" / "data"))

#: Git-ignored work folder for converted data sets.
WORK_DATA = _REPO / "native-models" / "data"


def shared_data(*parts: str) -> Path:
    """A path inside the shared real-data folder."""
    return SHARED_DATA.joinpath(*parts)
