"""An exported model (``<name>.onnx`` + ``<name>.json`` card) applied exactly as the card says.

This is what the app runs, so real.md can be regenerated from the repository's shipped
models alone (run folders are git-ignored). Card axes are [x, y, z]; ours are (z, y, x).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..data.importers import BRATS2013_SPLIT
from .app_input import back_to_case_grid, prepare_like_app
from .postprocess import case_masks
from .sliding_window import sliding_window_predict


class CardPredictor:
    """ONNX Runtime (CPU) inference driven by a model card.

    Args:
        card_path: the card JSON; the ONNX file is ``card["onnx"]["file"]`` beside it.
        channels: case channel names in card input order (default: the card's modalities;
            e.g. ["T1c", "FLAIR"] for a brain card whose inputs are both "MR").
    Raises:
        ValueError: naming the card, when it or its ONNX file is missing or unreadable.
    """

    def __init__(self, card_path, channels=None) -> None:
        import onnxruntime as ort

        self.card_path = Path(card_path)
        try:
            self.card = json.loads(self.card_path.read_text())
            onnx_file = self.card_path.parent / self.card["onnx"]["file"]
            self.session = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types (NoSuchFile, Fail, …)
            raise ValueError(f"{self.card_path}: cannot load model card / ONNX ({exc})") from None
        self.modalities = list(channels or [i["modality"] for i in self.card["inputs"]])
        self.name = f"{self.card['name']} {self.card['version']} (shipped ONNX)"
        method = str(self.card.get("training", {}).get("method", ""))
        self.kind = "supervised" if method.startswith("supervised") else "semi-supervised"
        self.training_use = _training_use_from_card(self.card)

    def predict(self, case) -> dict:
        c = self.card
        ts = tuple(reversed([float(v) for v in c["targetSpacing"]]))
        image, aff, pads = prepare_like_app(case, self.modalities, [i["normalization"] for i in c["inputs"]],
                                            [i["padValue"] for i in c["inputs"]], ts)
        patch = tuple(int(p) for p in reversed(c["patchSize"]))

        def fn(batch):
            return np.concatenate(self.session.run(None, {c["inputName"]: batch.astype(np.float32)}), axis=1)

        probs = back_to_case_grid(sliding_window_predict(fn, image, patch, float(c["overlap"]), pad_value=pads), aff, case)
        combined = probs.mean(0) if c.get("combine") == "mean" else probs[0]
        return case_masks(case, combined, probs, float(c["threshold"]), float(c.get("minComponentMl", 0)),
                          bool(c.get("fillHoles", False)))


def _training_use_from_card(card: dict) -> dict:
    """Real cases a card's training used, from its free-text training data (cards list no ids).

    STS_002 only ever enters training unlabelled (issue 8: real labels for evaluation only);
    a BraTS 2013 card was trained on ``BRATS2013_SPLIT``'s train cases.
    """
    text = json.dumps(card.get("training", {})) + json.dumps(card.get("card", {}))
    use = {}
    if "STS_002" in text or "STS-002" in text:
        use["STS_002"] = "unlabelled"
    if "BraTS 2013" in text:
        use.update({k: ("labelled" if lab else "unlabelled") for k, (split, lab) in BRATS2013_SPLIT.items() if split == "train"})
    return use
