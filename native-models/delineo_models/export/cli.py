"""``delineo-export --run <run folder> --out native-models/models/<name> [--metrics m.json]``."""

from __future__ import annotations

import argparse
import json
import sys

from .api import export_run


def main(argv: list[str] | None = None) -> int:
    """Exports, prints the two written paths; one-line error and exit 1 on bad input."""
    ap = argparse.ArgumentParser(prog="delineo-export", description="Export a trained run to ONNX + model card.")
    ap.add_argument("--run", required=True, help="training run folder (from delineo-train)")
    ap.add_argument("--out", required=True, help="output path without extension, e.g. native-models/models/pet-ct-gtv")
    ap.add_argument("--metrics", help="JSON object of extra measured metrics for the card")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--checkpoint", choices=["best", "last"], default="best")
    args = ap.parse_args(argv)
    try:
        extra = json.loads(open(args.metrics).read()) if args.metrics else None
        onnx_path, card_path = export_run(args.run, args.out, extra, args.opset, args.checkpoint)
    except (ValueError, OSError, json.JSONDecodeError) as err:
        print(f"delineo-export: {err}", file=sys.stderr)
        return 1
    print(onnx_path)
    print(card_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
