"""``delineo-train --config native-models/configs/<name>.yaml`` (also under torchrun)."""

from __future__ import annotations

import argparse
import sys

from .api import run_training
from .distributed import cleanup


def main(argv: list[str] | None = None) -> int:
    """Parses arguments, trains, prints the run folder; one-line error and exit 1 on bad input."""
    ap = argparse.ArgumentParser(prog="delineo-train", description="Train a Delineo segmentation model from a YAML config.")
    ap.add_argument("--config", required=True, help="YAML config (see native-models/configs/)")
    ap.add_argument("--iterations", type=int, help="override training.iterations")
    ap.add_argument("--output-dir", help="override output_dir (run folders go below it)")
    args = ap.parse_args(argv)
    from .config import load_config
    try:
        cfg = load_config(args.config)
        if args.iterations:
            cfg["training"]["iterations"] = args.iterations
        if args.output_dir:
            cfg["output_dir"] = args.output_dir
        run_dir = run_training(cfg)
    except ValueError as err:
        print(f"delineo-train: {err}", file=sys.stderr)
        return 1
    finally:
        cleanup()
    print(run_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
