"""Training the section-6 pose model: normalisation, cycle-net pretraining, the loop, resume.

Data are plain dicts of numpy arrays following the contract of
``humaps.data.features.pose_sequences``: ``P`` (N,T,32) N/cm², ``A`` (N,T,18),
``J`` (N,T,24,3) m pelvis-centred (float32). Everything is fitted on the
training windows only; the test fold never influences normalisation, cycle
networks or the model.

Determinism: the weights are initialised after ``seed_everything(seed)``; each
epoch then reseeds torch from (seed, epoch) and draws its batch order from
its own generator, so an epoch's randomness (order, dropout) does not depend
on what ran before it. That is what makes a resumed run bit-identical to an
uninterrupted one: the checkpoint only needs the weights, the optimiser
state, the curves and the epoch number.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from humaps.losses import total_loss
from humaps.models.cycle_nets import AccelNet, PressNet
from humaps.models.pose_net import PoseNet, PoseNetConfig
from humaps.runtime import seed_everything

STD_FLOOR = 1e-3  # channels that never move (a dead cell) are scaled by this, not by ~0


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings of one pose-model training run (built by ``PoseConfig.train_config()``)."""

    epochs: int = 100
    batch_size: int = 32
    lr: float = 1e-4
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    #: (term, weight) pairs over humaps.losses.TERMS; weight 0 switches a term off
    weights: tuple[tuple[str, float], ...] = (("mpjpe", 1.0), ("mpjae", 1.0), ("feat", 0.1), ("recon", 1.0),
                                              ("press", 0.1), ("acc", 0.1))
    cycle_epochs: int = 30
    cycle_lr: float = 1e-3
    cycle_hidden: int = 128
    fs_hz: float = 100.0
    seed: int = 0
    threads: int = 0  # 0 = leave torch's thread count alone

    def __post_init__(self):
        for name in ("epochs", "batch_size", "cycle_epochs", "cycle_hidden"):
            if getattr(self, name) < 1:
                raise ValueError(f"TrainConfig.{name} must be >= 1, got {getattr(self, name)!r}")
        if self.lr <= 0 or self.cycle_lr <= 0:
            raise ValueError(f"TrainConfig learning rates must be > 0, got lr={self.lr}, cycle_lr={self.cycle_lr}")

    @property
    def weight_dict(self) -> dict[str, float]:
        return dict(self.weights)

    @property
    def uses_cycle(self) -> bool:
        return self.weight_dict.get("press", 0.0) > 0 or self.weight_dict.get("acc", 0.0) > 0


@dataclass
class TrainResult:
    model: PoseNet
    curves: list[dict]  # one dict per epoch: epoch, seconds, loss terms, optional valid_mpjpe_cm
    stats: dict  # normalisation statistics (numpy), fitted on the training windows
    press_net: PressNet | None = None
    accel_net: AccelNet | None = None
    cycle_curves: list[dict] = field(default_factory=list)


def _check(data: dict) -> None:
    for key, tail in (("P", (32,)), ("A", (18,)), ("J", (24, 3))):
        if key not in data:
            raise KeyError(f"training data needs arrays 'P', 'A', 'J'; missing {key!r}")
        arr = data[key]
        if arr.ndim != 2 + len(tail) or arr.shape[2:] != tail or arr.shape[:2] != data["P"].shape[:2]:
            raise ValueError(f"training data {key!r}: expected (N, T, {', '.join(map(str, tail))}) "
                             f"matching P's (N, T)={data['P'].shape[:2]}, got {arr.shape}")


def fit_normalisation(data: dict) -> dict:
    """Per-channel mean/std of P and A and the mean pose of J, over all training frames."""
    _check(data)
    p = data["P"].reshape(-1, 32).astype(np.float64)
    a = data["A"].reshape(-1, 18).astype(np.float64)
    return {
        "p_mean": p.mean(0).astype(np.float32), "p_std": np.maximum(p.std(0), STD_FLOOR).astype(np.float32),
        "a_mean": a.mean(0).astype(np.float32), "a_std": np.maximum(a.std(0), STD_FLOOR).astype(np.float32),
        "joint_mean": data["J"].reshape(-1, 24, 3).astype(np.float64).mean(0).astype(np.float32),
    }


def _tensors(data: dict) -> tuple[torch.Tensor, ...]:
    return tuple(torch.as_tensor(np.ascontiguousarray(data[k]), dtype=torch.float32) for k in ("P", "A", "J"))


def _epoch_order(n: int, seed: int, epoch: int) -> torch.Tensor:
    torch.manual_seed(seed * 100_003 + epoch)  # dropout of this epoch
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100_003 + epoch))


def cycle_targets(P: torch.Tensor, A: torch.Tensor, stats: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """Normalised pressures (…,32) and accelerations (…,6) — what PressNet/AccelNet predict."""
    p = (P - torch.as_tensor(stats["p_mean"])) / torch.as_tensor(stats["p_std"])
    acc = (A[..., :6] - torch.as_tensor(stats["a_mean"][:6])) / torch.as_tensor(stats["a_std"][:6])
    return p, acc


def pretrain_cycle_nets(data: dict, stats: dict, cfg: TrainConfig, *, progress: bool = False
                        ) -> tuple[PressNet, AccelNet, list[dict]]:
    """Train PressNet and AccelNet on true poses → measured signals (L1), then freeze them."""
    _check(data)
    P, A, J = _tensors(data)
    p_t, acc_t = cycle_targets(P, A, stats)
    torch.manual_seed(cfg.seed * 100_003 - 1)
    press, accel = PressNet(hidden=cfg.cycle_hidden, fs_hz=cfg.fs_hz), AccelNet(hidden=cfg.cycle_hidden, fs_hz=cfg.fs_hz)
    params = list(press.parameters()) + list(accel.parameters())
    opt = torch.optim.AdamW(params, lr=cfg.cycle_lr, weight_decay=cfg.weight_decay)
    curves = []
    for epoch in tqdm(range(cfg.cycle_epochs), desc="cycle nets", disable=not progress, leave=False):
        order = _epoch_order(len(P), cfg.seed + 7, epoch)
        sums = np.zeros(2)
        for idx in order.split(cfg.batch_size):
            lp = torch.nn.functional.l1_loss(press(J[idx]), p_t[idx])
            la = torch.nn.functional.l1_loss(accel(J[idx]), acc_t[idx])
            opt.zero_grad(set_to_none=True)
            (lp + la).backward()
            torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
            opt.step()
            sums += len(idx) * np.array([lp.item(), la.item()])
        curves.append({"epoch": epoch + 1, "press_l1": sums[0] / len(P), "acc_l1": sums[1] / len(P)})
    return press.freeze(), accel.freeze(), curves


@torch.no_grad()
def cycle_errors(press: PressNet, accel: AccelNet, data: dict, stats: dict, batch_size: int = 64) -> dict:
    """Cycle networks' own reconstruction errors on ``data`` (true poses in), physical units."""
    P, A, J = _tensors(data)
    p_hat = torch.cat([press(J[i:i + batch_size]) for i in range(0, len(J), batch_size)])
    a_hat = torch.cat([accel(J[i:i + batch_size]) for i in range(0, len(J), batch_size)])
    p_hat = p_hat * torch.as_tensor(stats["p_std"]) + torch.as_tensor(stats["p_mean"])
    a_hat = a_hat * torch.as_tensor(stats["a_std"][:6]) + torch.as_tensor(stats["a_mean"][:6])
    return {"press_mae_ncm2": float((p_hat - P).abs().mean()), "acc_mae_g": float((a_hat - A[..., :6]).abs().mean()),
            "press_mean_ncm2": float(P.abs().mean()), "acc_mean_abs_g": float(A[..., :6].abs().mean())}


@torch.no_grad()
def predict(model: PoseNet, P: np.ndarray, A: np.ndarray, *, batch_size: int = 64) -> np.ndarray:
    """(N,T,24,3) predicted poses in metres for windows P (N,T,32), A (N,T,18)."""
    model.eval()
    p, a = (torch.as_tensor(np.ascontiguousarray(x), dtype=torch.float32) for x in (P, A))
    out = [model(p[i:i + batch_size], a[i:i + batch_size])["joints"] for i in range(0, len(p), batch_size)]
    return torch.cat(out).numpy() if out else np.zeros((0, *P.shape[1:2], 24, 3), np.float32)


def _save(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # an interruption mid-write never leaves a corrupt checkpoint


def train_pose_model(model_cfg: PoseNetConfig, cfg: TrainConfig, train: dict, *, valid: dict | None = None,
                     checkpoint_dir: str | Path | None = None, progress: bool = False,
                     stop_after_epoch: int | None = None) -> TrainResult:
    """Train a :class:`PoseNet` on ``train`` windows; returns the model, curves and cycle nets.

    ``checkpoint_dir``: after cycle pretraining (``cycle.pt``) and after every epoch
    (``last.pt``) the state is saved there; calling again with the same directory resumes
    from the last finished epoch. ``stop_after_epoch`` ends early (simulates an
    interruption in tests). ``valid``: windows to report MPJPE (cm) on after each epoch.
    """
    _check(train)
    seed_everything(cfg.seed, threads=cfg.threads or None)
    stats = fit_normalisation(train)
    model = PoseNet(model_cfg)
    model.set_normalisation(stats)
    weights = cfg.weight_dict
    if not model_cfg.use_pose_encoder and (weights.get("feat", 0) or weights.get("recon", 0)):
        weights = weights | {"feat": 0.0, "recon": 0.0}  # nothing to align without a pose encoder
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
    if ckpt_dir is not None:
        ckpt_dir.mkdir(parents=True, exist_ok=True)

    press = accel = None
    cycle_curves: list[dict] = []
    if cfg.uses_cycle:
        cycle_path = ckpt_dir / "cycle.pt" if ckpt_dir is not None else None
        if cycle_path is not None and cycle_path.exists():
            saved = torch.load(cycle_path, weights_only=False)
            press = PressNet(hidden=cfg.cycle_hidden, fs_hz=cfg.fs_hz)
            accel = AccelNet(hidden=cfg.cycle_hidden, fs_hz=cfg.fs_hz)
            press.load_state_dict(saved["press"]), accel.load_state_dict(saved["accel"])
            press.freeze(), accel.freeze()
            cycle_curves = saved["curves"]
        else:
            press, accel, cycle_curves = pretrain_cycle_nets(train, stats, cfg, progress=progress)
            if cycle_path is not None:
                _save(cycle_path, {"press": press.state_dict(), "accel": accel.state_dict(), "curves": cycle_curves})

    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    curves: list[dict] = []
    start = 0
    last = ckpt_dir / "last.pt" if ckpt_dir is not None else None
    if last is not None and last.exists():
        saved = torch.load(last, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        curves, start = saved["curves"], saved["epoch"]

    P, A, J = _tensors(train)
    needs_pose = model_cfg.use_pose_encoder and (weights.get("feat", 0) or weights.get("recon", 0))
    end = cfg.epochs if stop_after_epoch is None else min(cfg.epochs, stop_after_epoch)
    bar = tqdm(range(start, end), desc="pose model", disable=not progress, initial=start, total=cfg.epochs)
    for epoch in bar:
        t0 = time.perf_counter()
        model.train()
        order = _epoch_order(len(P), cfg.seed, epoch)
        sums: dict[str, float] = {}
        for idx in order.split(cfg.batch_size):
            p, a, j = P[idx], A[idx], J[idx]
            out = model(p, a, j if needs_pose else None)
            p_t, acc_t = cycle_targets(p, a, stats) if press is not None else (None, None)
            loss, values = total_loss(weights, out=out, joints=j, pressure=p_t, acceleration=acc_t,
                                      press_net=press, accel_net=accel)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            opt.step()
            for k, v in values.items():
                sums[k] = sums.get(k, 0.0) + v * len(idx)
        row = {"epoch": epoch + 1, **{f"loss_{k}": v / len(P) for k, v in sums.items()},
               "seconds": time.perf_counter() - t0}
        if valid is not None:
            pred = predict(model, valid["P"], valid["A"])
            row["valid_mpjpe_cm"] = float(np.linalg.norm(pred - valid["J"], axis=-1).mean() * 100)
        curves.append(row)
        bar.set_postfix(loss=f"{row['loss_total']:.4f}")
        if last is not None:
            _save(last, {"model": model.state_dict(), "optimizer": opt.state_dict(), "curves": curves,
                         "epoch": epoch + 1})
    model.eval()
    return TrainResult(model=model, curves=curves, stats=stats, press_net=press, accel_net=accel,
                       cycle_curves=cycle_curves)
