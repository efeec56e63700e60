"""A real 2-process DistributedDataParallel step on the gloo backend (CPU), as torchrun would run it."""

import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from delineo_models.train import trainer_for

from test_train_loop import config, synthetic_source


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, tmp: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(world),
                      LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    cfg = config(tmp, "mcml", "dual-branch-mmf", iterations=2)
    trainer = trainer_for("mcml")(cfg, source=synthetic_source(seed=rank))
    assert isinstance(trainer.model, torch.nn.parallel.DistributedDataParallel)
    before = torch.cat([p.detach().flatten() for p in trainer.net.parameters()]).clone()
    trainer.fit()
    after = torch.cat([p.detach().flatten() for p in trainer.net.parameters()])
    # Each rank saw different data (seeded by rank) yet the weights must agree: DDP averaged the gradients.
    gathered = [torch.zeros_like(after) for _ in range(world)]
    dist.all_gather(gathered, after)
    if rank == 0:
        torch.save({"moved": float((after - before).abs().max()),
                    "spread": float((gathered[0] - gathered[1]).abs().max())}, os.path.join(tmp, "ddp.pt"))
    dist.destroy_process_group()


def test_two_process_gloo_step_keeps_replicas_identical(tmp_path):
    mp.spawn(_worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    out = torch.load(tmp_path / "ddp.pt")
    assert out["moved"] > 0
    assert out["spread"] == 0.0
    assert (tmp_path / "mcml__dual-branch-mmf__t" / "checkpoint_last.pt").exists()
