"""ONNX export of a trained network (opset ≥ 17, dynamic batch) and its parity check against PyTorch."""

from __future__ import annotations

import copy
import os
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

from .wrapper import ProbabilityWrapper, output_spec

INPUT_NAME = "image"


def export_onnx(net: nn.Module, path: Path, patch_size: tuple[int, int, int], opset: int = 17,
                dynamic_spatial: bool = False) -> list[str]:
    """Writes ``path`` (atomically) with input ``image`` N×2×D×H×W and one probability output per head.

    Args:
        net: trained network (copied; the original is untouched).
        path: .onnx file to write; an existing file is an error (never overwritten silently).
        patch_size: (D, H, W) used for tracing; fixed in the graph unless ``dynamic_spatial``.
        opset: ONNX opset, ≥ 17.
        dynamic_spatial: also leave D, H, W symbolic (any multiple of 16 then works).

    Returns:
        The output names, in head order.

    Raises:
        ValueError: opset < 17 or ``path`` exists.
    """
    path = Path(path)
    if opset < 17:
        raise ValueError(f"ONNX opset must be ≥ 17, got {opset}")
    if path.exists():
        raise ValueError(f"{path}: exists; remove it first (exports never overwrite)")
    wrapped = ProbabilityWrapper(copy.deepcopy(net).cpu()).eval()
    names, _, _ = output_spec(net)
    axes = {0: "N", 2: "D", 3: "H", 4: "W"} if dynamic_spatial else {0: "N"}
    dynamic = {INPUT_NAME: axes, **{n: axes for n in names}}
    dummy = torch.zeros(1, 2, *patch_size)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    # The tracer warns about the input-shape guard in forward; the shape is fixed by the card anyway.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(wrapped, (dummy,), str(tmp), input_names=[INPUT_NAME], output_names=names,
                          dynamic_axes=dynamic, opset_version=opset, dynamo=False, do_constant_folding=True)
    model = onnx.load(str(tmp))
    onnx.checker.check_model(model)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return names


def onnx_predict(path: Path, x: np.ndarray) -> list[np.ndarray]:
    """Runs the exported graph on the CPU execution provider."""
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return sess.run(None, {INPUT_NAME: x.astype(np.float32)})


def parity(net: nn.Module, path: Path, x: np.ndarray) -> float:
    """max |ONNX Runtime − PyTorch| over all heads' probabilities for input ``x`` (N, 2, D, H, W)."""
    wrapped = ProbabilityWrapper(copy.deepcopy(net).cpu()).eval()
    with torch.no_grad():
        ref = [t.numpy() for t in wrapped(torch.from_numpy(x.astype(np.float32)))]
    got = onnx_predict(path, x)
    return max(float(np.abs(r - g).max()) for r, g in zip(ref, got))
