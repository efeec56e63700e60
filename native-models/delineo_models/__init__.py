"""Delineo's segmentation networks, semi-supervised trainers, evaluation and ONNX export."""

__version__ = "0.1.0"
