"""Semi-supervised training: one loop (:class:`Trainer`), methods as small subclasses chosen by name.

Public API (used by ``delineo_models.eval`` and the export)::

    run_training(config: dict | str path) -> Path run_dir
        Trains config["method"] ∈ {"supervised", "mcml", "uamt"} on config["network"]
        ({"name": "mim-cmfnet" | "dual-branch-mmf" | "dual-branch", **init kwargs}); see
        ``config.DEFAULTS`` for every key. Resumes from run_dir/checkpoint_last.pt.
    load_trained(run_dir, which="best") -> (nn.Module in eval mode, config dict)

Methods: ``supervised`` (BCE + Dice on labelled cases), ``mcml`` (paper 000 eqs. 4–6,
two-branch nets), ``uamt`` (paper 003 eq. 1: EMA teacher, T MC-dropout passes, uncertainty
threshold, sigmoid ramp-up). ``+cmf`` / ``+mim`` are network switches; ν·L_latent is added
whenever the network returns a latent loss.

Console script: ``delineo-train --config native-models/configs/pet-ct-gtv.yaml``; on GPUs
``torchrun --nproc_per_node=N -m delineo_models.train.cli --config …`` (DDP, NCCL; gloo on CPU).
"""

from .api import load_trained, run_training
from .config import DEFAULTS, load_config
from .methods import TRAINERS, trainer_for
from .trainer import Trainer

__all__ = ["run_training", "load_trained", "Trainer", "TRAINERS", "trainer_for", "DEFAULTS", "load_config"]
