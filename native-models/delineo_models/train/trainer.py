"""The one training loop shared by every method (supervised, MCML, UA-MT): seeded, resumable, logged."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from tqdm import tqdm

from ..losses import DiceBCELoss
from ..nets import build_network, count_parameters
from .checkpoint import load_checkpoint, save_checkpoint
from .config import load_config, network_kwargs, run_dir_for
from .data_source import CaseSource, build_source
from .distributed import barrier, init_distributed, unwrap, wrap_ddp
from .metrics_log import MetricsLog
from .validation import validate_cases


class Trainer:
    """Owns the loop: data, network, SGD with poly decay, checkpoints, logs and validation.

    A method is a subclass that sets :attr:`method` and overrides :meth:`losses` (and, if
    it keeps extra state such as a teacher, :meth:`after_step`, :meth:`extra_state`,
    :meth:`load_extra_state`). ``ν·L_latent`` is added for every method when the network
    returns a latent loss (MIM), so ``+mim`` is a network switch, not a method.

    Args:
        config: dict or YAML path (see :mod:`.config`).
        source: patch source; default: built from ``config['data']``.
        run_dir: output folder; default ``{output_dir}/{method}__{network}__{name}``.
    """

    method = "supervised"

    def __init__(self, config: dict | str | Path, source: CaseSource | None = None,
                 run_dir: Path | None = None) -> None:
        self.cfg = load_config(config)
        self.cfg["method"] = self.method
        self.dist = init_distributed()
        tr = self.cfg["training"]
        torch.set_num_threads(int(tr["threads"]))
        seed = int(self.cfg["seed"])
        torch.manual_seed(seed + self.dist.rank)
        self.rng = np.random.default_rng([seed, self.dist.rank])
        self.run_dir = Path(run_dir) if run_dir else run_dir_for(self.cfg)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.net_name = self.cfg["network"]["name"]
        self.net_kwargs = network_kwargs(self.cfg)
        self.net = build_network(self.net_name, **self.net_kwargs).to(self.dist.device)
        self.model = wrap_ddp(self.net, self.dist)
        if tr["optimizer"] == "adamw":
            self.opt = torch.optim.AdamW(self.net.parameters(), lr=tr["lr"], weight_decay=tr["weight_decay"])
        else:
            self.opt = torch.optim.SGD(self.net.parameters(), lr=tr["lr"], momentum=tr["momentum"],
                                       weight_decay=tr["weight_decay"])
        self.seg_loss = DiceBCELoss()
        self.step = 0
        self.best = -1.0
        self.elapsed = 0.0
        self.log = MetricsLog(self.run_dir)
        self.setup()
        self.source = source if source is not None else build_source(self.cfg, self.run_dir)
        if tr["resume"] and (self.run_dir / "checkpoint_last.pt").exists():
            self.resume(self.run_dir / "checkpoint_last.pt")

    # -- what a method overrides -------------------------------------------------------------
    def setup(self) -> None:
        """Extra state of a method (e.g. the EMA teacher); called once before resuming."""

    def batch_split(self) -> tuple[int, int]:
        """(labelled, unlabelled) samples per batch: all labelled for the supervised baseline."""
        return int(self.cfg["training"]["batch_size"]), 0

    def losses(self, x: torch.Tensor, y: torch.Tensor, out: dict[str, Any], step: int) -> dict[str, torch.Tensor]:
        """Loss terms of one batch. ``x`` holds the labelled samples first (``y`` their labels),
        then the unlabelled ones; ``out`` is the network's output on ``x``. Must return 'total'."""
        n_l = y.shape[0]
        seg = sum(self.seg_loss(l[:n_l], y) for l in out["logits"]) / len(out["logits"])
        return {"total": seg, "seg": seg}

    def after_step(self, step: int) -> None:
        """Runs after each optimiser step (the UA-MT teacher's EMA update)."""

    def extra_state(self) -> dict[str, Any]:
        """Method state to checkpoint."""
        return {}

    def load_extra_state(self, state: dict[str, Any]) -> None:
        """Restores :meth:`extra_state`."""

    # -- the loop ------------------------------------------------------------------------------
    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Labelled patches then unlabelled ones, as tensors on the training device."""
        n_l, n_u = self.batch_split()
        imgs, labs = self.source.labelled_batch(n_l, self.rng)
        if n_u:
            imgs = np.concatenate([imgs, self.source.unlabelled_batch(n_u, self.rng)])
        dev = self.dist.device
        return torch.from_numpy(imgs).float().to(dev), torch.from_numpy(labs).float().to(dev)

    def fit(self) -> Path:
        """Trains to ``training.iterations``, validating and checkpointing on the way; returns the run folder."""
        tr = self.cfg["training"]
        total = int(tr["iterations"])
        if self.dist.is_main:
            (self.run_dir / "config.yaml").write_text(yaml.safe_dump(self.cfg, sort_keys=False))
        bar = tqdm(range(self.step, total), initial=self.step, total=total, disable=not self.dist.is_main,
                   desc=f"{self.method} {self.cfg['name']}", dynamic_ncols=True)
        t0 = time.time() - self.elapsed
        try:
            for step in bar:
                lr = tr["lr"] * (1 - step / total) ** tr["poly_power"]
                for g in self.opt.param_groups:
                    g["lr"] = lr
                x, y = self.next_batch()
                self.model.train()
                out = self.model(x)
                terms = self.losses(x, y, out, step)
                if "latent_loss" in out:
                    terms["latent"] = out["latent_loss"]
                    terms["total"] = terms["total"] + self.cfg["method_args"]["latent_weight"] * out["latent_loss"]
                self.opt.zero_grad(set_to_none=True)
                terms["total"].backward()
                self.opt.step()
                self.after_step(step)
                self.step = step + 1
                self.elapsed = time.time() - t0
                row = {k: round(float(v.detach()), 6) for k, v in terms.items()}
                bar.set_postfix(loss=f"{row['total']:.3f}")
                if self.dist.is_main and (step % 10 == 0 or self.step == total):
                    self.log.write("train", {"step": self.step, "lr": round(lr, 6), "seconds": round(self.elapsed, 1), **row})
                if self.step % int(tr["validate_every"]) == 0 or self.step == total:
                    self.validate_and_keep_best()
                if self.step % int(tr["checkpoint_every"]) == 0 or self.step == total:
                    self.save(self.run_dir / "checkpoint_last.pt")
                if self.out_of_time():
                    # A CPU budget ran out before the schedule did: end as a finished run would.
                    if self.dist.is_main:
                        self.log.write("train", {"step": self.step, "stopped": "max_minutes reached"})
                    self.validate_and_keep_best()
                    self.save(self.run_dir / "checkpoint_last.pt")
                    break
        except KeyboardInterrupt:
            self.save(self.run_dir / "checkpoint_last.pt")
            raise
        if self.dist.is_main:
            self.write_summary()
        barrier(self.dist)
        return self.run_dir

    def out_of_time(self) -> bool:
        """True when ``training.max_minutes`` > 0 and this run has trained that long (all sessions)."""
        limit = float(self.cfg["training"].get("max_minutes", 0) or 0)
        return limit > 0 and self.elapsed >= 60 * limit

    def validate_and_keep_best(self) -> dict[str, float]:
        """Validates on rank 0, logs, and saves ``checkpoint_best.pt`` when the Dice improves."""
        if not self.dist.is_main:
            return {}
        inf = self.cfg["inference"]
        scores = validate_cases(self.net, self.source.validation, self.cfg["training"]["patch_size"], inf["overlap"],
                                inf["threshold"], self.dist.device)
        if scores:
            self.log.write("val", {"step": self.step, **{k: round(v, 4) for k, v in scores.items()}})
            if scores["val_dice"] > self.best:
                self.best = scores["val_dice"]
                self.save(self.run_dir / "checkpoint_best.pt")
        return scores

    # -- checkpoints -----------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Atomic checkpoint with method name, network name + init args, step, RNG and optimiser state."""
        if not self.dist.is_main:
            return
        save_checkpoint(path, {
            "method": self.method, "network": {"name": self.net_name, "kwargs": self.net_kwargs},
            "config": self.cfg, "step": self.step, "best": self.best, "elapsed": self.elapsed,
            "model": unwrap(self.model).state_dict(), "optimizer": self.opt.state_dict(),
            "rng": self.rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "extra": self.extra_state(),
        })

    def resume(self, path: Path) -> None:
        """Continues from a checkpoint of the same method and network.

        Raises:
            ValueError: the checkpoint belongs to another method or network (names the file).
        """
        state = load_checkpoint(path)
        if state["method"] != self.method or state["network"]["name"] != self.net_name:
            raise ValueError(f"{path}: checkpoint is {state['method']}/{state['network']['name']}, "
                             f"not {self.method}/{self.net_name}")
        self.net.load_state_dict(state["model"])
        self.opt.load_state_dict(state["optimizer"])
        self.step, self.best, self.elapsed = state["step"], state["best"], state.get("elapsed", 0.0)
        self.rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        self.load_extra_state(state["extra"])

    def write_summary(self) -> None:
        """``training.json``: what was trained on what, for how long, and the best validation Dice."""
        val = self.log.read("val")
        summary = {"method": self.method, "network": self.net_name, "parameters": count_parameters(self.net),
                   "iterations": self.step, "seconds": round(self.elapsed, 1), "best_val_dice": self.best,
                   "last_val": val[-1] if val else None, "data": self.source.summary,
                   "world_size": self.dist.world_size}
        (self.run_dir / "training.json").write_text(json.dumps(summary, indent=2))
