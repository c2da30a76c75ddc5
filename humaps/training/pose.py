"""Training the section-6 pose model, in the order it happens.

1. :func:`fit_statistics` — the inputs' z-scores and the mean pose, from the training windows only;
2. :func:`pretrain_cycle_nets` — PressNet and AccelNet learn true poses → measured signals, then freeze;
3. :func:`train_epoch` — one pass of the weighted losses over shuffled batches;
4. :func:`train_pose_model` — the whole run: steps 1–3, the validation subjects' MPJPE after every
   epoch and the weights of the best epoch (early stopping), checkpoints, resume.

Data follow :class:`humaps.data.features.PoseSequences`: ``P`` (N,T,32) N/cm²,
``A`` (N,T,18), ``J`` (N,T,24,3) m (the frame the model is trained in), ``fs`` Hz.

Determinism: the weights are initialised after ``seed_everything(seed)``; each
epoch then reseeds torch from (seed, epoch) and draws its batch order from its
own generator, so an epoch's randomness (order, dropout) does not depend on
what ran before it. That is what makes a resumed run bit-identical to an
uninterrupted one: a checkpoint only needs the weights, the optimiser state,
the curves and the epoch number.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm  # text bars: executed notebooks have no widget front end

from humaps.cache import cached, data_digest
from humaps.data.channels import AUX, N_AUX, N_PRESSURE
from humaps.data.normalise import Normaliser
from humaps.models.cycle_nets import AccelNet, PressNet
from humaps.models.pose_net import PoseNet, PoseNetConfig
from humaps.runtime import seed_everything
from humaps.skeleton import REPORTED as _REPORTED_NAMES
from humaps.skeleton import indices
from humaps.training.augment import augment_windows
from humaps.training.losses import TERMS, total_loss
from humaps.training.schedule import SCHEDULES, adamw, lr_scheduler, optimiser_step

ACC = AUX["acceleration"]  # what AccelNet reconstructs: the 6 insole accelerations
REPORTED = indices(_REPORTED_NAMES)  # the 16 joints of Table 4 (the per-epoch test-fold curve)


@dataclass(frozen=True)
class PoseTrainConfig:
    """How the pose model is trained. The paper gives the loss terms; every value here is ours."""

    epochs: int = 100
    batch_size: int = 32
    lr: float = 1e-4  # the peak of the schedule
    lr_schedule: str = "onecycle"  # "onecycle" or "constant" (humaps.training.schedule)
    warmup: float = 0.05  # fraction of the steps spent warming up
    final_lr: float = 0.02  # the lr at the end, as a fraction of the peak
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    # loss weights (section 6.4–6.6); a weight of 0 switches the term off
    w_mpjpe: float = 1.0  # m
    w_mpjae: float = 1.0  # rad
    w_feat: float = 0.1  # ‖z − z_pose‖² / d
    w_recon: float = 1.0  # MPJPE of the decoded z_pose: what trains the pose encoder
    w_press: float = 0.1  # L1 in z-scored N/cm²
    w_acc: float = 0.1  # L1 in z-scored g
    use_cycle: bool = True  # PressNet/AccelNet and their cycle losses
    # device augmentation of the training windows (humaps.training.augment): 0 = none, 1 = the measured
    # ranges of what differs between real insoles and wearers
    augment: float = 0.0
    # cycle networks (SolePoser-style)
    cycle_hidden: int = 128
    cycle_epochs: int = 30
    cycle_lr: float = 1e-3
    seed: int = 0
    threads: int = 0  # torch threads; 0 = leave torch's default

    def __post_init__(self):
        for name in ("epochs", "batch_size", "cycle_epochs", "cycle_hidden"):
            if getattr(self, name) < 1:
                raise ValueError(f"PoseTrainConfig.{name} must be >= 1, got {getattr(self, name)!r}")
        if self.lr <= 0 or self.cycle_lr <= 0:
            raise ValueError(f"PoseTrainConfig learning rates must be > 0, got lr={self.lr}, cycle_lr={self.cycle_lr}")
        if self.augment < 0:
            raise ValueError(f"PoseTrainConfig.augment must be >= 0, got {self.augment!r}")
        if self.lr_schedule not in SCHEDULES or not 0 < self.warmup < 1 or not 0 <= self.final_lr <= 1:
            raise ValueError(f"PoseTrainConfig needs lr_schedule in {SCHEDULES}, 0 < warmup < 1, 0 <= final_lr <= 1")
        for term in TERMS:
            if getattr(self, f"w_{term}") < 0:
                raise ValueError(f"PoseTrainConfig.w_{term} must be >= 0, got {getattr(self, f'w_{term}')}")

    def weights(self, *, pose_encoder: bool) -> dict[str, float]:
        """{term: weight} of :data:`humaps.training.losses.TERMS` as trained (switched-off parts give 0)."""
        w = {term: getattr(self, f"w_{term}") for term in TERMS}
        if not pose_encoder:
            w |= {"feat": 0.0, "recon": 0.0}  # nothing to align without a pose encoder
        if not self.use_cycle:
            w |= {"press": 0.0, "acc": 0.0}
        return w


@dataclass(frozen=True)
class InputStats:
    """What is fitted on the training windows before anything is trained."""

    pressure: Normaliser  # over the 32 cells
    aux: Normaliser  # over the 18 auxiliary channels
    joint_mean: np.ndarray  # (24, 3) m, the mean training pose

    def cycle_targets(self, P: torch.Tensor, A: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised pressures (…,32) and accelerations (…,6): what PressNet/AccelNet predict."""
        p = (P - torch.as_tensor(self.pressure.mean)) / torch.as_tensor(self.pressure.std)
        acc = (A[..., ACC] - torch.as_tensor(self.aux.mean[ACC])) / torch.as_tensor(self.aux.std[ACC])
        return p, acc


def _check(data) -> None:
    N, T = data.P.shape[:2]
    for key, tail in (("P", (N_PRESSURE,)), ("A", (N_AUX,)), ("J", (24, 3))):
        arr = getattr(data, key)
        if arr.shape != (N, T, *tail):
            raise ValueError(f"training data {key!r}: expected (N, T, {', '.join(map(str, tail))}) "
                             f"matching P's (N, T)={(N, T)}, got {arr.shape}")


def fit_statistics(train) -> InputStats:
    """Step 1: per-channel z-scores of P and A and the mean pose, over all training frames."""
    _check(train)
    return InputStats(pressure=Normaliser.fit(train.P), aux=Normaliser.fit(train.A),
                      joint_mean=train.J.reshape(-1, 24, 3).mean(0, dtype=np.float64).astype(np.float32))


def _tensors(data) -> tuple[torch.Tensor, ...]:
    return tuple(torch.as_tensor(np.ascontiguousarray(getattr(data, k)), dtype=torch.float32) for k in "PAJ")


def _epoch_order(n: int, seed: int, epoch: int) -> torch.Tensor:
    torch.manual_seed(seed * 100_003 + epoch)  # dropout of this epoch
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100_003 + epoch))


@dataclass
class CycleNets:
    """The frozen pose → signal networks of the cycle losses, and their pretraining curves."""

    press: PressNet
    accel: AccelNet
    curves: list[dict] = field(default_factory=list)

    @torch.no_grad()
    def errors(self, data, stats: InputStats, batch_size: int = 64) -> dict:
        """Their own reconstruction errors on ``data`` (true poses in), physical units."""
        P, A, J = _tensors(data)
        p_hat = torch.cat([self.press(J[i:i + batch_size]) for i in range(0, len(J), batch_size)])
        a_hat = torch.cat([self.accel(J[i:i + batch_size]) for i in range(0, len(J), batch_size)])
        p_hat = stats.pressure.inverse(p_hat.numpy())
        a_hat = a_hat.numpy() * stats.aux.std[ACC] + stats.aux.mean[ACC]
        acc = A[..., ACC].numpy()
        return {"press_mae_ncm2": float(np.abs(p_hat - P.numpy()).mean()),
                "acc_mae_g": float(np.abs(a_hat - acc).mean()),
                "press_mean_ncm2": float(P.abs().mean()), "acc_mean_abs_g": float(np.abs(acc).mean())}


def pretrain_cycle_nets(train, stats: InputStats, cfg: PoseTrainConfig, *, progress: bool = False) -> CycleNets:
    """Step 2: train PressNet and AccelNet on true poses → measured signals (L1), then freeze them."""
    P, A, J = _tensors(train)
    p_t, acc_t = stats.cycle_targets(P, A)
    torch.manual_seed(cfg.seed * 100_003 - 1)
    press = PressNet(hidden=cfg.cycle_hidden, fs_hz=train.fs)
    accel = AccelNet(hidden=cfg.cycle_hidden, fs_hz=train.fs)
    params = list(press.parameters()) + list(accel.parameters())
    opt = adamw(params, lr=cfg.cycle_lr, weight_decay=cfg.weight_decay)
    curves = []
    for epoch in tqdm(range(cfg.cycle_epochs), desc="cycle nets", disable=not progress, leave=False):
        sums = np.zeros(2)
        for idx in _epoch_order(len(P), cfg.seed + 7, epoch).split(cfg.batch_size):
            lp = torch.nn.functional.l1_loss(press(J[idx]), p_t[idx])
            la = torch.nn.functional.l1_loss(accel(J[idx]), acc_t[idx])
            optimiser_step(lp + la, opt, params, grad_clip=cfg.grad_clip)
            sums += len(idx) * np.array([lp.item(), la.item()])
        curves.append({"epoch": epoch + 1, "press_l1": sums[0] / len(P), "acc_l1": sums[1] / len(P)})
    return CycleNets(press.freeze(), accel.freeze(), curves)


def train_epoch(model: PoseNet, opt: torch.optim.Optimizer, tensors: tuple[torch.Tensor, ...], order: torch.Tensor,
                *, cfg: PoseTrainConfig, weights: dict[str, float], stats: InputStats,
                cycle: CycleNets | None, scheduler=None, augment: torch.Generator | None = None) -> dict[str, float]:
    """Step 3: one pass over the training windows in ``order``; returns the mean of every loss term.

    ``augment``: a generator to draw the device augmentation of the model's inputs with
    (:func:`humaps.training.augment.augment_windows`, strength ``cfg.augment``); the cycle targets
    stay the measured signals."""
    P, A, J = tensors
    needs_pose = weights["feat"] > 0 or weights["recon"] > 0
    model.train()
    sums: dict[str, float] = {}
    for idx in order.split(cfg.batch_size):
        p, a, j = P[idx], A[idx], J[idx]
        p_in, a_in = (p, a) if augment is None else augment_windows(p, a, augment, cfg.augment)
        out = model(p_in, a_in, j if needs_pose else None)
        p_t, acc_t = stats.cycle_targets(p, a) if cycle is not None else (None, None)
        loss, values = total_loss(weights, out=out, joints=j, pressure=p_t, acceleration=acc_t,
                                  press_net=cycle and cycle.press, accel_net=cycle and cycle.accel)
        optimiser_step(loss, opt, model.parameters(), grad_clip=cfg.grad_clip, scheduler=scheduler)
        for k, v in values.items():
            sums[k] = sums.get(k, 0.0) + v * len(idx)
    return {f"loss_{k}": v / len(P) for k, v in sums.items()}


@torch.no_grad()
def predict(model: PoseNet, P: np.ndarray, A: np.ndarray, *, batch_size: int = 64) -> np.ndarray:
    """(N,T,24,3) predicted poses in metres for windows P (N,T,32), A (N,T,18)."""
    model.eval()
    p, a = (torch.as_tensor(np.ascontiguousarray(x), dtype=torch.float32) for x in (P, A))
    out = [model(p[i:i + batch_size], a[i:i + batch_size])["joints"] for i in range(0, len(p), batch_size)]
    return torch.cat(out).numpy() if out else np.zeros((0, *P.shape[1:2], 24, 3), np.float32)


class Checkpoints:
    """``cycle.pt`` after pretraining and ``last.pt`` after every epoch in one folder (or nowhere)."""

    def __init__(self, directory: str | Path | None):
        self.dir = None if directory is None else Path(directory)
        if self.dir is not None:
            self.dir.mkdir(parents=True, exist_ok=True)

    def load(self, name: str) -> dict | None:
        path = None if self.dir is None else self.dir / name
        return torch.load(path, weights_only=False) if path is not None and path.exists() else None

    def save(self, name: str, state: dict) -> None:
        if self.dir is None:
            return
        tmp = self.dir / f"{name}.tmp"
        torch.save(state, tmp)
        tmp.replace(self.dir / name)  # an interruption mid-write never leaves a corrupt checkpoint


def _cycle_nets(train, stats: InputStats, cfg: PoseTrainConfig, ckpt: Checkpoints, progress: bool) -> CycleNets:
    """Step 2, or its checkpoint. The nets depend only on the training windows and the cycle settings,
    so they are cached on those: the full model and the MPJAE ablation of a fold share them."""
    saved = ckpt.load("cycle.pt")
    if saved is None:
        key = (cfg.cycle_hidden, cfg.cycle_epochs, cfg.cycle_lr, cfg.weight_decay, cfg.batch_size, cfg.grad_clip,
               cfg.seed, cfg.threads, train.fs, data_digest(train))
        nets = cached("cycle_nets", key, lambda: pretrain_cycle_nets(train, stats, cfg, progress=progress))
        ckpt.save("cycle.pt", {"press": nets.press.state_dict(), "accel": nets.accel.state_dict(),
                               "curves": nets.curves})
        return nets
    press, accel = PressNet(hidden=cfg.cycle_hidden, fs_hz=train.fs), AccelNet(hidden=cfg.cycle_hidden, fs_hz=train.fs)
    press.load_state_dict(saved["press"]), accel.load_state_dict(saved["accel"])
    return CycleNets(press.freeze(), accel.freeze(), saved["curves"])


@dataclass
class TrainResult:
    model: PoseNet  # the weights of the best epoch on ``valid`` (the last epoch without ``valid``)
    curves: list[dict]  # one dict per epoch: epoch, seconds, loss terms, optional valid_mpjpe_cm
    stats: InputStats
    cycle: CycleNets | None = None
    best_epoch: int = 0  # 1-based epoch whose weights ``model`` holds

    @property
    def best_valid_mpjpe_cm(self) -> float:
        """The validation MPJPE of the selected epoch (NaN without validation windows)."""
        return float(self.curves[self.best_epoch - 1].get("valid_mpjpe_cm", np.nan)) if self.curves else np.nan


def valid_mpjpe_cm(model: PoseNet, valid) -> float:
    """Global MPJPE (cm, the 16 joints Table 4 reports) of ``model`` on the windows ``valid``."""
    pred = predict(model, valid.P, valid.A)
    return float(np.linalg.norm(pred - valid.J, axis=-1)[..., REPORTED].mean() * 100)


def train_pose_model(model_cfg: PoseNetConfig, cfg: PoseTrainConfig, train, *, valid=None,
                     checkpoint_dir: str | Path | None = None, progress: bool = False,
                     stop_after_epoch: int | None = None) -> TrainResult:
    """Train a :class:`PoseNet` on ``train`` windows (steps 1–3); returns the model, curves and cycle nets.

    ``valid``: windows of *validation* subjects (never test subjects): their Global MPJPE (cm) is
    recorded after every epoch, and the returned model holds the weights of the epoch where it was
    lowest (early stopping; the epoch count is an upper bound). Without ``valid``: the last epoch.
    ``checkpoint_dir``: calling again with the same folder resumes after the last finished
    epoch. ``stop_after_epoch`` ends early (simulates an interruption in tests).
    """
    seed_everything(cfg.seed, threads=cfg.threads or None)
    stats = fit_statistics(train)
    model = PoseNet(model_cfg)
    model.set_normalisation(pressure=stats.pressure, aux=stats.aux, joint_mean=stats.joint_mean)
    weights = cfg.weights(pose_encoder=model_cfg.use_pose_encoder)
    ckpt = Checkpoints(checkpoint_dir)
    cycle = _cycle_nets(train, stats, cfg, ckpt, progress) if weights["press"] or weights["acc"] else None

    opt = adamw(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = -(-len(train.P) // cfg.batch_size)
    scheduler = lr_scheduler(opt, kind=cfg.lr_schedule, total_steps=cfg.epochs * steps_per_epoch,
                             warmup=cfg.warmup, final=cfg.final_lr)
    curves: list[dict] = []
    best: tuple[float, int, dict | None] = (np.inf, 0, None)  # (valid MPJPE, epoch, weights) of the best epoch
    if (saved := ckpt.load("last.pt")) is not None:
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(saved["scheduler"])
        curves, best = saved["curves"], saved.get("best", best)
    tensors = _tensors(train)
    end = cfg.epochs if stop_after_epoch is None else min(cfg.epochs, stop_after_epoch)
    bar = tqdm(range(len(curves), end), desc="pose model", disable=not progress, initial=len(curves),
               total=cfg.epochs)
    for epoch in bar:
        t0 = time.perf_counter()
        order = _epoch_order(len(train.P), cfg.seed, epoch)
        augment = torch.Generator().manual_seed(cfg.seed * 100_003 + epoch + 50_000) if cfg.augment > 0 else None
        row = {"epoch": epoch + 1, **train_epoch(model, opt, tensors, order, cfg=cfg, weights=weights, stats=stats,
                                                  cycle=cycle, scheduler=scheduler, augment=augment),
               "seconds": time.perf_counter() - t0}
        if valid is not None:
            row["valid_mpjpe_cm"] = valid_mpjpe_cm(model, valid)
            if row["valid_mpjpe_cm"] < best[0]:  # ties keep the earlier epoch
                best = (row["valid_mpjpe_cm"], epoch + 1, {k: v.clone() for k, v in model.state_dict().items()})
        curves.append(row)
        bar.set_postfix(loss=f"{row['loss_total']:.4f}")
        ckpt.save("last.pt", {"model": model.state_dict(), "optimizer": opt.state_dict(), "curves": curves,
                              "scheduler": None if scheduler is None else scheduler.state_dict(), "best": best})
    best_epoch = len(curves)
    if best[2] is not None and len(curves) == cfg.epochs:  # finished: keep the best epoch's weights
        model.load_state_dict(best[2])
        best_epoch = best[1]
    model.eval()
    return TrainResult(model=model, curves=curves, stats=stats, cycle=cycle, best_epoch=best_epoch)
