"""Training the section-7 classifiers under the four strategies of section 7.1.

- ``insoles``          — insole encoder + classifier, cross-entropy;
- ``skeleton``         — pose encoder + classifier (the "MoCap-only" strategy);
- ``concat``           — both encoders, latents concatenated into one classifier;
- ``student_teacher``  — a ``skeleton`` model is trained first and frozen (the
  teacher); the insole student (encoder → projection → classifier) is trained
  with L = α · L_distill + (1 − α) · CE (``humaps.distill``); at inference the
  student sees insoles only.

Inputs are the window arrays of ``humaps.data.features.ActivityWindows``:
insole (N, 300, 38) float32 at 100 Hz, pose (N, 360, 24, 3) float32 metres at
120 Hz, label (N,) int. They are averaged in time by ``insole_frame_step`` /
``pose_frame_step`` (a box filter, 1 = none) and standardised per channel with
statistics of the *training* windows only (:class:`Normalizer`), so nothing of
a test subject leaks into training. Every run is seeded; at a fixed torch
thread count it is bit-reproducible.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from humaps.distill import combined_loss, distillation_loss
from humaps.models.activity_net import ActivityNet, ActivityNetConfig, Student
from humaps.runtime import seed_everything

MODALITY = {"insoles": "insole", "skeleton": "pose", "concat": "both", "student_teacher": "insole"}
NEEDS_POSE_AT_INFERENCE = {"insoles": False, "skeleton": True, "concat": True, "student_teacher": False}


# --------------------------------------------------------------------------- inputs

def downsample(x: np.ndarray, step: int) -> np.ndarray:
    """Average consecutive groups of ``step`` frames: (N, T, ...) -> (N, T // step, ...)."""
    if step == 1:
        return x
    n, t = x.shape[:2]
    t_out = t // step
    assert t_out >= 1, f"a window of {t} frames cannot be averaged by frame_step={step}"
    x = x[:, : t_out * step].reshape(n, t_out, step, *x.shape[2:])  # (N, T', step, ...)
    return x.mean(axis=2, dtype=np.float32)


@dataclass(frozen=True)
class Normalizer:
    """Per-channel mean and std of the training windows (after time averaging).

    insole_mean/std: (38,); pose_mean/std: (24, 3). Channels that never vary
    (the pelvis, at the origin in pelvis-centred poses) keep std = 1.
    """

    insole_frame_step: int
    pose_frame_step: int
    insole_mean: np.ndarray | None = None
    insole_std: np.ndarray | None = None
    pose_mean: np.ndarray | None = None
    pose_std: np.ndarray | None = None

    @classmethod
    def fit(cls, *, insole: np.ndarray | None, pose: np.ndarray | None, insole_frame_step: int,
            pose_frame_step: int) -> "Normalizer":
        stats = {}
        if insole is not None:
            x = downsample(insole, insole_frame_step)
            stats["insole_mean"], stats["insole_std"] = _mean_std(x, axes=(0, 1))
        if pose is not None:
            x = downsample(pose, pose_frame_step)
            stats["pose_mean"], stats["pose_std"] = _mean_std(x, axes=(0, 1))
        return cls(insole_frame_step=insole_frame_step, pose_frame_step=pose_frame_step, **stats)

    def insole(self, x: np.ndarray) -> torch.Tensor:
        _check_array(x, (None, None, 38), "insole")
        assert self.insole_mean is not None, "this Normalizer was fitted without insole data"
        x = downsample(np.asarray(x, dtype=np.float32), self.insole_frame_step)
        return torch.from_numpy(((x - self.insole_mean) / self.insole_std).astype(np.float32))

    def pose(self, x: np.ndarray) -> torch.Tensor:
        _check_array(x, (None, None, 24, 3), "pose")
        assert self.pose_mean is not None, "this Normalizer was fitted without pose data"
        x = downsample(np.asarray(x, dtype=np.float32), self.pose_frame_step)
        return torch.from_numpy(((x - self.pose_mean) / self.pose_std).astype(np.float32))


def _mean_std(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=axes, dtype=np.float64)
    std = x.std(axis=axes, dtype=np.float64)
    std = np.where(std < 1e-6, 1.0, std)
    return mean.astype(np.float32), std.astype(np.float32)


def _check_array(x, shape: tuple, name: str) -> None:
    if not hasattr(x, "shape") or len(x.shape) != len(shape) or any(
            want is not None and got != want for got, want in zip(x.shape, shape)):
        want = "(" + ", ".join("N" if i == 0 else "T" if w is None else str(w) for i, w in enumerate(shape)) + ")"
        raise ValueError(f"{name} windows must be {want}, got {getattr(x, 'shape', type(x).__name__)}")


# --------------------------------------------------------------------------- the trained model

@dataclass
class TrainedActivityModel:
    """A trained network with the normalisation it was trained with; ``predict`` takes raw windows."""

    strategy: str
    model: torch.nn.Module
    normalizer: Normalizer
    history: list[float] = field(default_factory=list)  # mean training loss per epoch

    def logits(self, insole: np.ndarray | None = None, pose: np.ndarray | None = None, *,
               batch_size: int = 256) -> np.ndarray:
        """(N, n_classes) logits; only the inputs the strategy uses at inference are needed."""
        uses_insole = MODALITY[self.strategy] in ("insole", "both")
        uses_pose = NEEDS_POSE_AT_INFERENCE[self.strategy]
        if uses_insole and insole is None:
            raise ValueError(f"strategy {self.strategy!r} needs insole windows at inference")
        if uses_pose and pose is None:
            raise ValueError(f"strategy {self.strategy!r} needs pose windows at inference")
        x_in = self.normalizer.insole(insole) if uses_insole else None
        x_po = self.normalizer.pose(pose) if uses_pose else None
        return _logits(self.model, x_in, x_po, batch_size=batch_size)

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


def train_supervised(model: torch.nn.Module, *, insole: torch.Tensor | None, pose: torch.Tensor | None,
                     labels: torch.Tensor, config, seed: int, desc: str = "train",
                     progress: bool | None = None) -> list[float]:
    """Cross-entropy training of an :class:`ActivityNet`; returns the mean loss per epoch."""
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    opt = _optimiser(model, config)
    history = []
    bar = tqdm(range(config.epochs), desc=desc, leave=False,
               disable=not (config.progress if progress is None else progress))
    for _ in bar:
        model.train()
        total, count = 0.0, 0
        for idx in _batches(len(labels), config.batch_size, generator):
            logits = model(insole=_to(insole, idx, device), pose=_to(pose, idx, device))
            loss = F.cross_entropy(logits, labels[idx].to(device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
            opt.step()
            total, count = total + loss.item() * len(idx), count + len(idx)
        history.append(total / max(count, 1))
        bar.set_postfix(loss=f"{history[-1]:.3f}")
    return history


def train_student(student: Student, teacher: ActivityNet, *, insole: torch.Tensor, pose: torch.Tensor,
                  labels: torch.Tensor, config, alpha: float, distill_loss: str, seed: int,
                  desc: str = "student", progress: bool | None = None) -> list[float]:
    """Equation 8 with the frozen ``teacher`` (a pose ActivityNet); returns the mean loss per epoch."""
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
    generator = torch.Generator().manual_seed(seed)
    opt = _optimiser(student, config)
    history = []
    bar = tqdm(range(config.epochs), desc=desc, leave=False,
               disable=not (config.progress if progress is None else progress))
    for _ in bar:
        student.train()
        total, count = 0.0, 0
        for idx in _batches(len(labels), config.batch_size, generator):
            z_t, t_logits = z_all[idx.to(device)], logits_all[idx.to(device)]  # (B, pose_latent), (B, classes)
            z_s = student.latent(_to(insole, idx, device))  # (B, pose_latent), projected
            s_logits = student.classifier(z_s)
            distill = distillation_loss(distill_loss, student_latent=z_s, teacher_latent=z_t,
                                        student_logits=s_logits, teacher_logits=t_logits,
                                        temperature=config.temperature)
            loss = combined_loss(alpha=alpha, distill=distill, student_logits=s_logits,
                                 labels=labels[idx].to(device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(student.parameters(), config.max_grad_norm)
            opt.step()
            total, count = total + loss.item() * len(idx), count + len(idx)
        history.append(total / max(count, 1))
        bar.set_postfix(loss=f"{history[-1]:.3f}")
    return history


# --------------------------------------------------------------------------- one strategy end to end

def fit_strategy(strategy: str, *, insole: np.ndarray | None, pose: np.ndarray | None, labels: np.ndarray,
                 config, seed: int, alpha: float | None = None, distill_loss: str | None = None,
                 teacher: TrainedActivityModel | None = None, n_classes: int = 30,
                 progress: bool | None = None) -> TrainedActivityModel:
    """Train ``strategy`` on the training windows (raw arrays) and return the trained model.

    ``config`` is an ``ActivityConfig`` (or anything with its fields). For
    ``student_teacher``, ``teacher`` is a trained ``skeleton`` model on the same
    windows (trained here with ``seed`` when None); ``alpha`` and
    ``distill_loss`` default to the config's.
    """
    if strategy not in MODALITY:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {tuple(MODALITY)}")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"labels must be (N,) ints in 0..{n_classes - 1}, got shape {labels.shape}, "
                         f"range {labels.min()}..{labels.max()}")
    seed_everything(seed, threads=config.threads)
    device = torch.device(config.resolved_device())
    net_cfg: ActivityNetConfig = config.net_config(n_classes)
    needs_pose = strategy in ("skeleton", "concat")  # the student's poses go through the teacher's normaliser
    normalizer = Normalizer.fit(insole=insole if strategy != "skeleton" else None,
                                pose=pose if needs_pose else None,
                                insole_frame_step=config.insole_frame_step, pose_frame_step=config.pose_frame_step)
    x_in = normalizer.insole(insole) if strategy != "skeleton" else None
    x_po = normalizer.pose(pose) if needs_pose else None
    y = torch.from_numpy(labels.astype(np.int64))

    if strategy != "student_teacher":
        model = ActivityNet(config=net_cfg, modality=MODALITY[strategy]).to(device)
        history = train_supervised(model, insole=x_in, pose=x_po, labels=y, config=config, seed=seed,
                                   desc=strategy, progress=progress)
        return TrainedActivityModel(strategy, model, normalizer, history)

    if teacher is None:
        teacher = fit_strategy("skeleton", insole=None, pose=pose, labels=labels, config=config, seed=seed,
                               n_classes=n_classes, progress=progress)
    seed_everything(seed + 1, threads=config.threads)  # the student's own stream, teacher given or not
    assert teacher.strategy == "skeleton", f"the teacher must be a skeleton model, got {teacher.strategy!r}"
    teacher_net = teacher.model.to(device)
    x_po = teacher.normalizer.pose(pose)  # the teacher sees poses normalised as in its own training
    student = Student(config=net_cfg).to(device)
    if config.student_from_teacher:  # the projection maps into the teacher's latent space
        student.classifier.load_state_dict(teacher_net.classifier.state_dict())
    history = train_student(student, teacher_net, insole=x_in, pose=x_po, labels=y, config=config,
                            alpha=config.alpha if alpha is None else alpha,
                            distill_loss=config.distill_loss if distill_loss is None else distill_loss,
                            seed=seed + 1, desc="student", progress=progress)
    # the student keeps only insole statistics: poses are not needed (nor accepted) at inference
    student_norm = Normalizer(insole_frame_step=normalizer.insole_frame_step,
                              pose_frame_step=normalizer.pose_frame_step,
                              insole_mean=normalizer.insole_mean, insole_std=normalizer.insole_std)
    return TrainedActivityModel("student_teacher", student.cpu(), student_norm, history)


# --------------------------------------------------------------------------- synthetic fixture

@dataclass(frozen=True)
class FakeWindows:
    """Same fields as ``ActivityWindows``: insole (N,T,38), pose (N,T,24,3), label, category, subject."""

    insole: np.ndarray
    pose: np.ndarray
    label: np.ndarray
    category: np.ndarray
    subject: np.ndarray


def make_fake_windows(*, n_subjects: int = 4, per_class: int = 2, n_classes: int = 30, seed: int = 0,
                      insole_frames: int = 300, pose_frames: int = 360, signal: float = 1.0) -> FakeWindows:
    """Synthetic windows whose classes differ by a learnable signal (for tests and benchmarks).

    Each class has a random ±1 pattern over the 38 insole channels and a random
    direction of motion of the 24 joints, scaled by ``signal`` and modulated by a class-specific
    rhythm, plus unit Gaussian noise; subjects add a small random offset.
    """
    from humaps.actions import ACTIONS

    rng = np.random.default_rng(seed)
    n = n_subjects * n_classes * per_class
    label = np.tile(np.repeat(np.arange(n_classes), per_class), n_subjects)  # (N,)
    subject = np.repeat([f"S{s + 1:02d}" for s in range(n_subjects)], n_classes * per_class)
    pat_in = rng.choice([-1.0, 1.0], size=(n_classes, 38))
    # a class moves all joints along one ±1 direction, joint by joint more or less (so it survives
    # the pose encoder's pooling over joints)
    pat_po = rng.choice([-1.0, 1.0], size=(n_classes, 1, 3)) * rng.uniform(0.5, 1.5, size=(n_classes, 24, 1))
    freq = 0.5 + 2.5 * rng.random(n_classes)  # Hz
    t_in = np.arange(insole_frames) / 100.0
    t_po = np.arange(pose_frames) / 120.0
    phase = rng.random(n)[:, None] * 2 * np.pi
    rhythm_in = 1 + 0.5 * np.sin(2 * np.pi * freq[label][:, None] * t_in + phase)  # (N, T)
    rhythm_po = 1 + 0.5 * np.sin(2 * np.pi * freq[label][:, None] * t_po + phase)
    offset = rng.normal(0, 0.2, size=(n_subjects, 1))[np.repeat(np.arange(n_subjects), n_classes * per_class)]
    insole = (signal * rhythm_in[:, :, None] * pat_in[label][:, None, :] + offset[:, :, None]
              + rng.normal(size=(n, insole_frames, 38)))
    pose = (signal * 0.1 * rhythm_po[:, :, None, None] * pat_po[label][:, None]
            + 0.1 * rng.normal(size=(n, pose_frames, 24, 3)))
    category = np.array([ACTIONS[k % len(ACTIONS)][1] for k in label])
    return FakeWindows(insole.astype(np.float32), pose.astype(np.float32), label.astype(np.int64),
                       category, subject)
