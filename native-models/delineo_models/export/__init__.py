"""ONNX export and model cards.

``export_run(run_dir, out)`` → (``out.onnx``, ``out.json``): opset ≥ 17, input ``image``
N×2×D×H×W (card channel order), sigmoid probabilities per head, parity with PyTorch checked
(≤ 1e-4), and the card of ``electron/pipeline/inference/model-card.ts`` with the ONNX sha256.
Console script: ``delineo-export --run <run> --out native-models/models/<name>``.
"""

from .api import PARITY_TOLERANCE, export_run
from .model_card import CARD_KEYS, INTENDED_USE, build_model_card, sha256_file, write_model_card
from .onnx_export import INPUT_NAME, export_onnx, onnx_predict, parity
from .wrapper import ProbabilityWrapper, output_spec

__all__ = ["export_run", "PARITY_TOLERANCE", "CARD_KEYS", "INTENDED_USE", "build_model_card", "sha256_file",
           "write_model_card", "INPUT_NAME", "export_onnx", "onnx_predict", "parity", "ProbabilityWrapper",
           "output_spec"]
