"""Dice / HD95 of an exported model (ONNX + card) on real cases (STS_002 or BraTS 2013 test) vs expert labels.

Runs exactly what the card prescribes — resampling to targetSpacing (the data importer),
per-channel normalisation, sliding window with the card's patch and overlap, combine,
threshold — on ONNX Runtime CPU, and prints a JSON object for ``delineo-export --metrics``.
The expert mask is MIRP's rasterisation on the CT grid, resampled with the images.

    .venv/bin/python scripts/measure_real.py models/pet-ct-gtv.json [--channels CT,PT]
    .venv/bin/python scripts/measure_real.py models-research/brats-t1c-flair-wt.json --data brats2013 --channels T1c,FLAIR
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort

from delineo_models.data import CaseDataset
from delineo_models.data.importers import import_brats2013, import_real_sts
from delineo_models.eval import case_metrics, sliding_window_predict
from delineo_models.eval.postprocess import to_mask


def predict_case(sess, card: dict, item: dict, ct_hu: np.ndarray | None = None) -> np.ndarray:
    """The card's binary mask for one normalised case: sliding window, combine, threshold, small components, holes."""
    patch = tuple(reversed(card["patchSize"]))

    def predict(batch):
        return np.concatenate(sess.run(None, {card["inputName"]: batch.astype(np.float32)}), axis=1)

    probs = sliding_window_predict(predict, item["image"], patch, card["overlap"])
    prob = probs.mean(0) if card["combine"] == "mean" else probs[0]
    # The app's post-processing: small components dropped, holes filled when the card asks.
    return to_mask(prob, item["spacing"], card["threshold"], card["minComponentMl"], bool(card.get("fillHoles", False)), ct_hu)


def measure(card_path: Path, data: str = "sts", channels: list[str] | None = None) -> dict:
    """Metrics of the card's model on real labelled cases at the card's target spacing.

    Args:
        data: 'sts' (STS_002, unlabelled in training) or 'brats2013' (its held-out test cases).
        channels: dataset channel names in card order (default: the card's modalities).
    """
    card = json.loads(card_path.read_text())
    spacing_zyx = tuple(reversed(card["targetSpacing"]))
    chans = channels or [i["modality"] for i in card["inputs"]]
    norms = [i["normalization"] for i in card["inputs"]]
    sess = ort.InferenceSession(str(card_path.parent / card["onnx"]["file"]), providers=["CPUExecutionProvider"])
    with tempfile.TemporaryDirectory() as tmp:
        if data == "sts":
            root = import_real_sts(Path(tmp) / "d", split="test", labelled=True, target_spacing=spacing_zyx)
        else:
            root = import_brats2013(Path(tmp) / "d", target_spacing=spacing_zyx)
        folder = Path(root).parent if Path(root).is_file() else root
        ds = CaseDataset(folder, chans, "test", norms)
        items = [ds[i] for i in range(len(ds)) if ds[i]["label"] is not None]
        # The CT in HU (an identity z-score) for the fillHoles bone rule, as the app reads its planning CT.
        hu = CaseDataset(folder, ["CT"], "test", [{"method": "zscore-fixed", "mean": 0, "std": 1}]) if "CT" in chans else None
        cts = {it["id"]: it["image"][0] for it in (hu[i] for i in range(len(hu)))} if hu else {}
    per_case = {}
    for item in items:
        mask = predict_case(sess, card, item, cts.get(item["id"]))
        ref = item["label"][0] > 0
        m = case_metrics(mask, ref, item["spacing"])
        voxel_ml = float(np.prod(item["spacing"])) / 1000.0
        per_case[item["id"]] = {"dice": round(float(m["dice"]), 4), "hd95_mm": round(float(m["hd95_mm"]), 2),
                                "pred_ml": round(float(mask.sum() * voxel_ml), 1),
                                "expert_ml": round(float(ref.sum() * voxel_ml), 1)}
    if data == "sts":
        c = per_case["STS_002"]
        return {"realSts002Dice": c["dice"], "realSts002Hd95Mm": c["hd95_mm"], "realSts002PredMl": c["pred_ml"],
                "realSts002ExpertMl": c["expert_ml"],
                "realSts002Note": f"STS_002 ({'+'.join(chans)}) was unlabelled in training; its expert GTV is used only here"}
    out = {f"brats2013Test_{cid}_{k}": v for cid, c in per_case.items() for k, v in c.items() if k in ("dice", "hd95_mm")}
    out["brats2013TestMeanDice"] = round(float(np.mean([c["dice"] for c in per_case.values()])), 4)
    out["brats2013Note"] = "held-out BraTS 2013 test cases (whole tumour), never seen in training"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("card", type=Path)
    ap.add_argument("--data", choices=["sts", "brats2013"], default="sts")
    ap.add_argument("--channels", help="dataset channels to feed, e.g. CT,MR or T1c,FLAIR (default: the card's modalities)")
    args = ap.parse_args()
    try:
        print(json.dumps(measure(args.card, args.data, args.channels.split(",") if args.channels else None), indent=2))
    except (ValueError, OSError) as err:
        print(f"measure_real: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
