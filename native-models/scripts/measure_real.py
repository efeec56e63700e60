"""Dice / HD95 of a shipped model (ONNX + card) on the real STS_002 study vs its expert GTV.

Runs exactly what the card prescribes — resampling to targetSpacing (the data importer),
per-channel normalisation, sliding window with the card's patch and overlap, combine,
threshold — on ONNX Runtime CPU, and prints a JSON object for ``delineo-export --metrics``.
The expert mask is MIRP's rasterisation on the CT grid, resampled with the images.

    .venv/bin/python scripts/measure_real.py models/pet-ct-gtv.json [--channels CT,PT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
from scipy import ndimage

from delineo_models.data import CaseDataset
from delineo_models.data.importers import import_real_sts
from delineo_models.eval import case_metrics, sliding_window_predict


def measure(card_path: Path, channels: list[str] | None = None) -> dict:
    """Metrics of the card's model on STS_002 (labelled, at the card's target spacing)."""
    card = json.loads(card_path.read_text())
    spacing_zyx = tuple(reversed(card["targetSpacing"]))
    patch = tuple(reversed(card["patchSize"]))
    chans = channels or [i["modality"] for i in card["inputs"]]
    sess = ort.InferenceSession(str(card_path.parent / card["onnx"]["file"]), providers=["CPUExecutionProvider"])
    with tempfile.TemporaryDirectory() as tmp:
        root = import_real_sts(Path(tmp) / "sts", split="test", labelled=True, target_spacing=spacing_zyx)
        item = CaseDataset(root, chans, "test", [i["normalization"] for i in card["inputs"]])[0]

    def predict(batch):
        return np.concatenate(sess.run(None, {card["inputName"]: batch.astype(np.float32)}), axis=1)

    probs = sliding_window_predict(predict, item["image"], patch, card["overlap"])
    prob = probs.mean(0) if card["combine"] == "mean" else probs[0]
    mask = prob >= card["threshold"]
    # Drop components under minComponentMl, as the app's post-processing does.
    lab, n = ndimage.label(mask)
    voxel_ml = float(np.prod(item["spacing"])) / 1000.0
    for k in range(1, n + 1):
        if (lab == k).sum() * voxel_ml < card["minComponentMl"]:
            mask[lab == k] = False
    ref = item["label"][0] > 0
    m = case_metrics(mask, ref, item["spacing"])
    return {"realSts002Dice": round(float(m["dice"]), 4), "realSts002Hd95Mm": round(float(m["hd95_mm"]), 2),
            "realSts002PredMl": round(float(mask.sum() * voxel_ml), 1),
            "realSts002ExpertMl": round(float(ref.sum() * voxel_ml), 1),
            "realSts002Note": f"STS_002 ({'+'.join(chans)}) unlabelled in training; expert GTV used only here"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("card", type=Path)
    ap.add_argument("--channels", help="dataset channels to feed, e.g. CT,MR (default: the card's modalities)")
    args = ap.parse_args()
    try:
        print(json.dumps(measure(args.card, args.channels.split(",") if args.channels else None), indent=2))
    except (ValueError, OSError) as err:
        print(f"measure_real: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
