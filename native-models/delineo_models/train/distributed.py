"""DistributedDataParallel under ``torchrun``: gloo on CPU, NCCL on CUDA; rank 0 logs and saves."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistInfo:
    """Where this process stands: rank, world size and the device it trains on."""

    rank: int
    world_size: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        """Rank 0 writes logs, checkpoints and runs validation."""
        return self.rank == 0


def init_distributed() -> DistInfo:
    """Joins the process group when started by torchrun (WORLD_SIZE > 1), else a single process.

    The backend is NCCL when CUDA is available, gloo otherwise (CPU machines and CI).
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo", rank=rank, world_size=world)
    return DistInfo(rank, world, device)


def wrap_ddp(model: torch.nn.Module, info: DistInfo) -> torch.nn.Module:
    """Wraps in DDP when distributed. ``find_unused_parameters`` because a method may leave a
    head unused (e.g. the supervised baseline ignores MIM's latent branch)."""
    if info.world_size <= 1:
        return model
    ids = [info.device.index] if info.device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=ids, find_unused_parameters=True)


def unwrap(model: torch.nn.Module) -> torch.nn.Module:
    """The plain module inside a DDP wrapper (for saving and export)."""
    return model.module if hasattr(model, "module") else model


def barrier(info: DistInfo) -> None:
    """Waits for every rank (no-op in a single process)."""
    if info.world_size > 1 and dist.is_initialized():
        dist.barrier()


def cleanup() -> None:
    """Leaves the process group if one was joined."""
    if dist.is_initialized():
        dist.destroy_process_group()
