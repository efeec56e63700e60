"""The training methods by name — the single place the CLI's and configs' ``method`` values come from."""

from __future__ import annotations

from .mcml import MCMLTrainer
from .supervised import SupervisedTrainer
from .trainer import Trainer
from .uamt import UAMTTrainer

#: method name → Trainer subclass.
TRAINERS: dict[str, type[Trainer]] = {
    "supervised": SupervisedTrainer,
    "mcml": MCMLTrainer,
    "uamt": UAMTTrainer,
}


def trainer_for(method: str) -> type[Trainer]:
    """The Trainer subclass of a method name.

    Raises:
        ValueError: unknown method (the message lists the known ones).
    """
    if method not in TRAINERS:
        raise ValueError(f"unknown training method {method!r}; known: {', '.join(TRAINERS)}")
    return TRAINERS[method]
