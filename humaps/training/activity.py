"""Training the section-7 classifiers under the four strategies of :mod:`humaps.strategies`.

Inputs are the window arrays of :class:`humaps.data.features.ActivityWindows`:
insole (N, 300, 38) float32 at 100 Hz, pose (N, 360, 24, 3) float32 metres at
120 Hz, label (N,) int. :class:`InputTransform` averages them in time by
``insole_frame_step`` / ``pose_frame_step`` (a box filter, 1 = none) and
z-scores them per channel with statistics of the *training* windows only, so
nothing of a test subject leaks into training. Every run is seeded; at a fixed
torch thread count it is bit-reproducible.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm  # text bars: executed notebooks have no widget front end

from humaps.data.channels import N_CLASSIFIER
from humaps.data.normalise import Normaliser
from humaps.models.activity_net import ActivityNet, ActivityNetConfig, Student
from humaps.runtime import seed_everything
from humaps.skeleton import heading_angle, rotate_about_z
from humaps.strategies import strategy as get_strategy
from humaps.training.distill import combined_loss, distillation_loss, parse_distill_loss
from humaps.training.schedule import SCHEDULES, lr_scheduler, optimiser_step


@dataclass(frozen=True)
class ActivityTrainConfig:
    """How the section-7 networks are trained (AdamW; the same schedule for every strategy and the teacher)."""

    insole_frame_step: int = 1  # time averaging before the encoders (1 = the paper's 100 Hz)
    pose_frame_step: int = 1  # (1 = the paper's 120 Hz)
    epochs: int = 40
    insole_epochs: int = 0  # epochs of the insole-only models (insoles, the student); 0 = epochs (for_model)
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 1e-2
    grad_clip: float = 1.0  # max gradient norm
    lr_schedule: str = "onecycle"  # "onecycle" or "constant" (humaps.training.schedule); lr is its peak
    warmup: float = 0.25  # fraction of the steps spent warming up
    pose_heading: str = "first"  # each pose window rotated to face +y at its "first" frame, or "keep"
    temperature: float = 4.0  # soft-label temperature τ of the "kl" distillation loss
    student_from_teacher: bool = True  # initialise the student's classifier from the teacher's
    seed: int = 0
    threads: int = 1  # torch threads per training run
    device: str = "auto"  # "cpu", "cuda" or "auto" (cuda when available)

    def __post_init__(self):
        if self.insole_epochs < 0:
            raise ValueError(f"ActivityTrainConfig.insole_epochs must be >= 0 (0 = epochs), got {self.insole_epochs}")
        if self.epochs < 1 or self.batch_size < 2:
            raise ValueError(f"ActivityTrainConfig needs epochs >= 1 and batch_size >= 2, got {self.epochs}, "
                             f"{self.batch_size}")
        if self.lr <= 0 or self.weight_decay < 0:
            raise ValueError("ActivityTrainConfig.lr must be > 0 and weight_decay >= 0")
        if self.insole_frame_step < 1 or self.pose_frame_step < 1 or self.threads < 1:
            raise ValueError("ActivityTrainConfig frame steps and threads must be >= 1")
        if self.temperature <= 0:
            raise ValueError(f"ActivityTrainConfig.temperature must be > 0, got {self.temperature}")
        if self.lr_schedule not in SCHEDULES or not 0 < self.warmup < 1:
            raise ValueError(f"ActivityTrainConfig.lr_schedule must be one of {SCHEDULES} and 0 < warmup < 1")
        if self.pose_heading not in ("first", "keep"):
            raise ValueError(f"ActivityTrainConfig.pose_heading must be 'first' or 'keep', got {self.pose_heading!r}")
        if self.device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"ActivityTrainConfig.device must be auto/cpu/cuda, got {self.device!r}")

    def epochs_for(self, modality: str) -> int:
        """The epochs a model of ``modality`` ("insole", "pose", "both") trains: ``insole_epochs`` for an
        insole-only model (when set), else ``epochs``.

        Why: at the book profile the insole models still gain from epochs the pose models do not
        (benchmarks/activity_recipes.py, validation subjects only), and insole-only jobs are the cheap ones.
        """
        return self.insole_epochs if self.insole_epochs and modality == "insole" else self.epochs

    def for_model(self, model: torch.nn.Module) -> "ActivityTrainConfig":
        """This config with ``epochs`` = :meth:`epochs_for` the model's modality."""
        return replace(self, epochs=self.epochs_for(getattr(model, "modality", "both")))

    def resolved_device(self) -> str:
        if self.device != "auto":
            return self.device
        return "cuda" if torch.cuda.is_available() else "cpu"


# --------------------------------------------------------------------------- inputs

def downsample(x: np.ndarray, step: int) -> np.ndarray:
    """Average consecutive groups of ``step`` frames: (N, T, ...) -> (N, T // step, ...)."""
    if step == 1:
        return x
    n, t = x.shape[:2]
    t_out = t // step
    if t_out < 1:
        raise ValueError(f"a window of {t} frames cannot be averaged by frame_step={step}")
    x = x[:, : t_out * step].reshape(n, t_out, step, *x.shape[2:])  # (N, T', step, ...)
    return x.mean(axis=2, dtype=np.float32)


def face_forward(pose: np.ndarray, heading: str) -> np.ndarray:
    """Rotate each window (N, T, 24, 3) about the vertical by one angle, so the body faces +y at its
    first frame (``heading="first"``); the turns *within* the window are kept. ``"keep"``: unchanged.

    Why: the absolute heading is arbitrary (each trial starts facing a random way), and with it kept
    "walking backwards", "side stepping" or "looking backward" exist only relative to the body,
    which a model would have to infer first (fold-0 accuracy of the book skeleton model: 51 → 72 %).
    """
    if heading == "keep":
        return pose
    return rotate_about_z(pose, -heading_angle(pose[:, :1])).astype(np.float32)


def _check_array(x, shape: tuple, name: str) -> None:
    if not hasattr(x, "shape") or len(x.shape) != len(shape) or any(
            want is not None and got != want for got, want in zip(x.shape, shape)):
        want = "(" + ", ".join("N" if i == 0 else "T" if w is None else str(w) for i, w in enumerate(shape)) + ")"
        raise ValueError(f"{name} windows must be {want}, got {getattr(x, 'shape', type(x).__name__)}")


@dataclass(frozen=True)
class InputTransform:
    """Raw windows → the tensors a network sees: time averaging, then the training windows' z-scores.

    ``insole``: Normaliser over the 38 channels; ``pose``: over the (24, 3) joint coordinates;
    None when the strategy does not use that input.
    """

    insole_frame_step: int
    pose_frame_step: int
    pose_heading: str = "first"
    insole_norm: Normaliser | None = None
    pose_norm: Normaliser | None = None

    @classmethod
    def fit(cls, *, insole: np.ndarray | None, pose: np.ndarray | None, config: ActivityTrainConfig
            ) -> "InputTransform":
        pose_norm = None if pose is None else Normaliser.fit(
            downsample(face_forward(pose, config.pose_heading), config.pose_frame_step), channel_dims=2)
        return cls(config.insole_frame_step, config.pose_frame_step, config.pose_heading,
                   None if insole is None else Normaliser.fit(downsample(insole, config.insole_frame_step)),
                   pose_norm)

    def insole(self, x: np.ndarray) -> torch.Tensor:
        _check_array(x, (None, None, N_CLASSIFIER), "insole")
        if self.insole_norm is None:
            raise ValueError("this InputTransform was fitted without insole windows")
        return torch.from_numpy(self.insole_norm(downsample(np.asarray(x, np.float32), self.insole_frame_step)))

    def pose(self, x: np.ndarray) -> torch.Tensor:
        _check_array(x, (None, None, 24, 3), "pose")
        if self.pose_norm is None:
            raise ValueError("this InputTransform was fitted without pose windows")
        x = face_forward(np.asarray(x, np.float32), self.pose_heading)
        return torch.from_numpy(self.pose_norm(downsample(x, self.pose_frame_step)))


# --------------------------------------------------------------------------- the trained model

@dataclass
class TrainedActivityModel:
    """A trained network with the input transform it was trained with; ``predict`` takes raw windows.

    With validation windows, ``model`` holds the weights of the epoch with the best validation
    balanced accuracy (``best_epoch``, 1-based; ``val_curve`` per epoch, %); without, the last epoch's.
    """

    strategy: str
    model: torch.nn.Module
    inputs: InputTransform
    history: list[float] = field(default_factory=list)  # mean training loss per epoch
    val_curve: list[float] = field(default_factory=list)
    best_epoch: int = 0

    @property
    def val_accuracy(self) -> float:
        """Validation balanced accuracy (%) of the kept epoch (NaN without validation windows)."""
        return self.val_curve[self.best_epoch - 1] if self.val_curve else float("nan")

    def logits(self, insole: np.ndarray | None = None, pose: np.ndarray | None = None, *,
               batch_size: int = 256) -> np.ndarray:
        """(N, n_classes) logits; only the inputs the strategy uses at inference are needed."""
        return _logits(self.model, *self.model_inputs(insole, pose), batch_size=batch_size)

    def model_inputs(self, insole: np.ndarray | None = None, pose: np.ndarray | None = None
                     ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """The transformed windows the model reads at inference (None for an input the strategy does not use)."""
        s = get_strategy(self.strategy)
        uses_insole, uses_pose = s.modality in ("insole", "both"), s.needs_poses_at_inference
        if uses_insole and insole is None:
            raise ValueError(f"strategy {self.strategy!r} needs insole windows at inference")
        if uses_pose and pose is None:
            raise ValueError(f"strategy {self.strategy!r} needs pose windows at inference")
        x_in = self.inputs.insole(insole) if uses_insole else None
        x_po = self.inputs.pose(pose) if uses_pose else None
        return x_in, x_po

    def predict(self, insole: np.ndarray | None = None, pose: np.ndarray | None = None) -> np.ndarray:
        """(N,) predicted class indices."""
        return self.logits(insole, pose).argmax(axis=1)


@torch.no_grad()
def _logits(model, insole: torch.Tensor | None, pose: torch.Tensor | None, *, batch_size: int) -> np.ndarray:
    model.eval()
    device = next(model.parameters()).device
    n = len(insole) if insole is not None else len(pose)
    out = []
    for start in range(0, n, batch_size):
        sl = slice(start, start + batch_size)
        out.append(model(insole=_to(insole, sl, device), pose=_to(pose, sl, device)).float().cpu())
    return torch.cat(out).numpy()


def _to(x: torch.Tensor | None, sl, device) -> torch.Tensor | None:
    return None if x is None else x[sl].to(device, non_blocking=True)


# --------------------------------------------------------------------------- loops

def _batches(n: int, batch_size: int, generator: torch.Generator):
    """Shuffled index batches; a last batch of one window is dropped (batch norm needs two)."""
    perm = torch.randperm(n, generator=generator)
    for start in range(0, n, batch_size):
        idx = perm[start : start + batch_size]
        if len(idx) >= 2:
            yield idx


def _optimiser(model: torch.nn.Module, config) -> torch.optim.Optimizer:
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)


def _scheduler(opt: torch.optim.Optimizer, config: ActivityTrainConfig, n: int):
    """The per-batch schedule over all epochs of :func:`_batches` (a last batch of one window is skipped)."""
    per_epoch = n // config.batch_size + (n % config.batch_size >= 2)
    return lr_scheduler(opt, kind=config.lr_schedule, total_steps=config.epochs * per_epoch, warmup=config.warmup)


def balanced_accuracy(true: np.ndarray, pred: np.ndarray) -> float:
    """Mean over the classes present in ``true`` of the share of their windows predicted right (%)."""
    true, pred = np.asarray(true), np.asarray(pred)
    classes = np.unique(true)
    return float(100 * np.mean([(pred[true == c] == c).mean() for c in classes])) if len(classes) else float("nan")


@dataclass
class Fitted:
    """What the epoch loop returns: mean training loss per epoch, validation score per epoch (%) and the
    1-based epoch whose weights the model holds."""

    history: list[float]
    val_curve: list[float]
    best_epoch: int


def _fit(model: torch.nn.Module, config: ActivityTrainConfig, *, n: int, seed: int,
         batch_loss: Callable[[torch.Tensor], torch.Tensor], desc: str, progress: bool,
         valid: Callable[[], float] | None = None) -> Fitted:
    """The epoch loop both trainings share: seeded batches of the ``n`` windows, AdamW, the lr
    schedule, clipped gradients; ``batch_loss(idx)`` is the loss of the windows ``idx``.

    ``valid()`` scores the model on validation windows after every epoch (higher is better); the
    model ends with the weights of the best epoch (early stopping; ties keep the earlier epoch).
    """
    config = config.for_model(model)
    generator = torch.Generator().manual_seed(seed)
    opt = _optimiser(model, config)
    sched = _scheduler(opt, config, n)
    history, val_curve, best = [], [], (-np.inf, config.epochs, None)
    bar = tqdm(range(config.epochs), desc=desc, leave=False, disable=not progress)
    for epoch in bar:
        model.train()
        total, count = 0.0, 0
        for idx in _batches(n, config.batch_size, generator):
            loss = batch_loss(idx)
            optimiser_step(loss, opt, model.parameters(), grad_clip=config.grad_clip, scheduler=sched)
            total, count = total + loss.item() * len(idx), count + len(idx)
        history.append(total / max(count, 1))
        bar.set_postfix(loss=f"{history[-1]:.3f}")
        if valid is not None:
            val_curve.append(valid())
            if val_curve[-1] > best[0]:
                best = (val_curve[-1], epoch + 1, {k: v.detach().clone() for k, v in model.state_dict().items()})
    if best[2] is not None:
        model.load_state_dict(best[2])
    return Fitted(history, val_curve, best[1])


def train_supervised(model: torch.nn.Module, *, insole: torch.Tensor | None, pose: torch.Tensor | None,
                     labels: torch.Tensor, config: ActivityTrainConfig, seed: int, desc: str = "train",
                     progress: bool = False, valid: Callable[[], float] | None = None) -> Fitted:
    """Cross-entropy training of an :class:`ActivityNet` (early stopping on ``valid``, see :func:`_fit`)."""
    device = next(model.parameters()).device

    def batch_loss(idx: torch.Tensor) -> torch.Tensor:
        logits = model(insole=_to(insole, idx, device), pose=_to(pose, idx, device))
        return F.cross_entropy(logits, labels[idx].to(device))

    return _fit(model, config, n=len(labels), seed=seed, batch_loss=batch_loss, desc=desc, progress=progress,
                valid=valid)


def train_student(student: Student, teacher: ActivityNet, *, insole: torch.Tensor, pose: torch.Tensor,
                  labels: torch.Tensor, config: ActivityTrainConfig, alpha: float, distill_loss: str, seed: int,
                  desc: str = "student", progress: bool = False, valid: Callable[[], float] | None = None) -> Fitted:
    """Equation 8 with the frozen ``teacher`` (a pose ActivityNet); early stopping on ``valid``."""
    assert teacher.modality == "pose", f"the teacher must be a pose model, got modality {teacher.modality!r}"
    device = next(student.parameters()).device
    teacher.eval()  # frozen: running batch-norm statistics, no dropout, no gradients
    for p in teacher.parameters():
        p.requires_grad_(False)
    # a frozen teacher in eval mode gives the same outputs every epoch: compute them once
    with torch.no_grad():
        z_all = torch.cat([teacher.latent(pose=_to(pose, slice(s, s + 256), device))
                           for s in range(0, len(pose), 256)])  # (N, pose_latent)
        logits_all = teacher.classifier(z_all)  # (N, n_classes)

    def batch_loss(idx: torch.Tensor) -> torch.Tensor:
        z_t, t_logits = z_all[idx.to(device)], logits_all[idx.to(device)]  # (B, pose_latent), (B, classes)
        z_s = student.latent(_to(insole, idx, device))  # (B, pose_latent), projected
        s_logits = student.classifier(z_s)
        distill = distillation_loss(distill_loss, student_latent=z_s, teacher_latent=z_t,
                                    student_logits=s_logits, teacher_logits=t_logits,
                                    temperature=config.temperature)
        return combined_loss(alpha=alpha, distill=distill, student_logits=s_logits, labels=labels[idx].to(device))

    return _fit(student, config, n=len(labels), seed=seed, batch_loss=batch_loss, desc=desc, progress=progress,
                valid=valid)


# --------------------------------------------------------------------------- one strategy end to end

def fit_strategy(name: str, *, insole: np.ndarray | None, pose: np.ndarray | None, labels: np.ndarray,
                 model_cfg: ActivityNetConfig, train_cfg: ActivityTrainConfig, seed: int,
                 alpha: float | None = None, distill_loss: str | None = None,
                 teacher: TrainedActivityModel | None = None, valid: dict | None = None,
                 progress: bool = False) -> TrainedActivityModel:
    """Train strategy ``name`` on the training windows (raw arrays) and return the trained model.

    ``student_teacher`` needs ``alpha`` and ``distill_loss`` (equation 8) and uses ``teacher``,
    a trained ``skeleton`` model on the same windows (trained here with ``seed`` when None).
    ``valid``: validation windows {"insole", "pose", "labels"} (raw, of subjects outside the
    training windows): the model keeps the epoch with the best validation balanced accuracy.
    """
    s = get_strategy(name)
    labels = np.asarray(labels)
    n_classes = model_cfg.n_classes
    if labels.ndim != 1 or labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"labels must be (N,) ints in 0..{n_classes - 1}, got shape {labels.shape}, "
                         f"range {labels.min()}..{labels.max()}")
    seed_everything(seed, threads=train_cfg.threads)
    device = torch.device(train_cfg.resolved_device())
    uses_insole, uses_pose = s.modality in ("insole", "both"), s.modality in ("pose", "both")
    inputs = InputTransform.fit(insole=insole if uses_insole else None, pose=pose if uses_pose else None,
                                config=train_cfg)
    x_in = inputs.insole(insole) if uses_insole else None
    y = torch.from_numpy(labels.astype(np.int64))

    def scorer(model: torch.nn.Module, transform: InputTransform, strategy: str):
        """valid(): the balanced accuracy (%) of ``model`` on the validation windows, as deployed
        (:meth:`TrainedActivityModel.predict`). The transform is fixed while the model trains, so the
        windows are transformed once, not every epoch (a book skeleton job: 0.06 s × 25 epochs)."""
        if valid is None:
            return None
        x_in, x_po = TrainedActivityModel(strategy, model, transform).model_inputs(valid["insole"], valid["pose"])
        return lambda: balanced_accuracy(valid["labels"], _logits(model, x_in, x_po, batch_size=256).argmax(axis=1))

    if name != "student_teacher":
        model = ActivityNet(config=model_cfg, modality=s.modality).to(device)
        fitted = train_supervised(model, insole=x_in, pose=inputs.pose(pose) if uses_pose else None, labels=y,
                                  config=train_cfg, seed=seed, desc=name, progress=progress,
                                  valid=scorer(model, inputs, name))
        # on the CPU: a trained model travels (to the student jobs, the cache, a client without a GPU)
        return TrainedActivityModel(name, model.cpu(), inputs, fitted.history, fitted.val_curve, fitted.best_epoch)

    if alpha is None or distill_loss is None:
        raise ValueError("student_teacher needs alpha and distill_loss (equation 8)")
    parse_distill_loss(distill_loss)
    if teacher is None:
        teacher = fit_strategy("skeleton", insole=None, pose=pose, labels=labels, model_cfg=model_cfg,
                               train_cfg=train_cfg, seed=seed, valid=valid, progress=progress)
    if teacher.strategy != "skeleton":
        raise ValueError(f"the teacher must be a skeleton model, got {teacher.strategy!r}")
    seed_everything(seed + 1, threads=train_cfg.threads)  # the student's own stream, teacher given or not
    teacher_net = teacher.model.to(device)
    student = Student(config=model_cfg).to(device)
    if train_cfg.student_from_teacher:  # the projection maps into the teacher's latent space
        student.classifier.load_state_dict(teacher_net.classifier.state_dict())
    fitted = train_student(student, teacher_net, insole=x_in, pose=teacher.inputs.pose(pose), labels=y,
                           config=train_cfg, alpha=alpha, distill_loss=distill_loss, seed=seed + 1,
                           desc="student", progress=progress, valid=scorer(student, inputs, "student_teacher"))
    return TrainedActivityModel("student_teacher", student.cpu(), inputs, fitted.history, fitted.val_curve,
                                fitted.best_epoch)
