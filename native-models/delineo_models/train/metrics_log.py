"""Training log: one JSON object per line (metrics.jsonl) and the same rows as CSV (metrics.csv)."""

from __future__ import annotations

import csv
import json
from pathlib import Path


class MetricsLog:
    """Appends rows of scalars; CSV columns are fixed by the first row of each kind ('train', 'val').

    Args:
        run_dir: folder that receives ``metrics.jsonl`` and ``metrics_<kind>.csv``.
    """

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)

    def write(self, kind: str, row: dict[str, float | int | str]) -> None:
        """Appends ``row`` (tagged with ``kind``) to both logs, flushing so a crash loses nothing."""
        row = {"kind": kind, **row}
        with open(self.run_dir / "metrics.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
        path = self.run_dir / f"metrics_{kind}.csv"
        new = not path.exists()
        # Columns are those of the first row; later rows fill them (missing → empty, extra → JSONL only).
        fields = list(row) if new else next(csv.reader(open(path, newline="")))
        with open(path, "a", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", restval="")
            if new:
                writer.writeheader()
            writer.writerow(row)

    def read(self, kind: str | None = None) -> list[dict]:
        """All rows logged so far (optionally of one kind)."""
        path = self.run_dir / "metrics.jsonl"
        if not path.exists():
            return []
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [r for r in rows if kind is None or r["kind"] == kind]
