"""Subject-wise k-fold cross-validation of the section-6 pose model (Tables 4–6), on the shared runner.

Each fold trains from scratch on the other folds' windows (normalisation and
cycle networks included) and is scored on its own subjects' windows, in both
frames of :mod:`~humaps.experiments.pose_frames`; a "test sequence" for
Instability is one window. The paper's ± is the spread across folds: tables
give mean and sample std over folds. Folds run through
:func:`humaps.experiments.crossval.run_jobs` (cached per fold, optionally in
parallel processes).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from humaps.data.features import PoseSequences
from humaps.data.splits import subject_folds, test_mask
from humaps.experiments.crossval import FoldResult, run_jobs
from humaps.experiments.pose_config import VARIANTS, PoseConfig
from humaps.experiments.pose_frames import FRAMES, HeadingGuess
from humaps.metrics import mean_std_over_folds, per_joint_table
from humaps.models.pose_net import PoseNetConfig
from humaps.training.pose import predict, train_pose_model


def fold_split(config: PoseConfig, data: PoseSequences, fold: int) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """(train indices, test indices, test subjects) of ``fold``, after the profile's seeded subsampling."""
    folds = subject_folds(data.subject, config.n_folds, seed=config.train.seed)
    if not 0 <= fold < config.n_folds:
        raise ValueError(f"fold must be in 0..{config.n_folds - 1}, got {fold}")
    test = test_mask(data.subject, folds[fold])
    rng = np.random.default_rng(config.train.seed * 1000 + fold)
    train_idx, test_idx = np.flatnonzero(~test), np.flatnonzero(test)
    if config.max_train_windows and len(train_idx) > config.max_train_windows:
        train_idx = np.sort(rng.choice(train_idx, config.max_train_windows, replace=False))
    if config.max_test_windows and len(test_idx) > config.max_test_windows:
        test_idx = np.sort(rng.choice(test_idx, config.max_test_windows, replace=False))
    return train_idx, test_idx, folds[fold]


def score(pred: np.ndarray, test: PoseSequences, guess: HeadingGuess) -> dict[str, pd.DataFrame]:
    """Table-4 layout of heading-frame predictions (N,T,24,3) in both frames: {frame: table}.

    Joint angles do not depend on the heading, so the paper frame's MPJAE is the heading frame's
    (the heading guess shrinks horizontal coordinates, which would distort angles it cannot know).
    """
    heading = per_joint_table(pred, test.J)
    paper = per_joint_table(guess.to_paper(pred), test.J_paper)
    paper["mpjae_deg"] = heading["mpjae_deg"]
    return {"heading": heading, "paper": paper}


@dataclass(frozen=True)
class PoseJob:
    """One fold of one variant (or baseline, see :mod:`~humaps.experiments.pose_baselines`)."""

    config: PoseConfig
    variant: str
    fold: int
    checkpoint_dir: str | None = field(default=None, repr=False, compare=False)  # not part of the cache key


@dataclass
class PoseFold(FoldResult):
    """A fold's scores in both frames and, for trained models, what the chapters show of it.

    ``tables``: {frame: Table-4 DataFrame}; ``predictions``: ``plot_windows`` test windows
    (pred, true (n,T,24,3) m heading frame; yaw (n,T); label, subject, trial, t0).
    """

    tables: dict = field(default_factory=dict)
    curves: list = field(default_factory=list)
    cycle_curves: list = field(default_factory=list)
    cycle_errors: dict = field(default_factory=dict)
    predictions: dict = field(default_factory=dict)
    inference_frames_per_s: float = float("nan")
    model_config: PoseNetConfig | None = None
    model_state: dict | None = None

    def metrics(self, frame: str = "heading") -> dict[str, float]:
        """The Global row of this fold's table in ``frame``."""
        return self.tables[frame].loc["Global", ["mpjpe_cm", "instability_cm", "mpjae_deg"]].to_dict()


def run_fold(job: PoseJob, data: PoseSequences) -> PoseFold:
    """Train ``job.variant`` on the other folds, score it on this fold's subjects."""
    cfg = job.config.variant(job.variant)
    if abs(data.fs - cfg.fs_hz) > 1e-6:
        raise ValueError(f"pose sequences are at fs={data.fs} Hz but PoseConfig.fs_hz={cfg.fs_hz}: "
                         "the cycle networks' velocities would be mis-scaled; build windows at fs_hz")
    train_idx, test_idx, test_subjects = fold_split(cfg, data, job.fold)
    train, test = data.take(train_idx), data.take(test_idx)
    curve = test
    if cfg.curve_windows and len(test) > cfg.curve_windows:  # the learning curve on a seeded subsample
        curve = test.take(np.sort(np.random.default_rng(cfg.train.seed + job.fold).choice(
            len(test), cfg.curve_windows, replace=False)))
    t0 = time.perf_counter()
    result = train_pose_model(cfg.model, cfg.train, train, valid=curve, checkpoint_dir=job.checkpoint_dir)
    train_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = predict(result.model, test.P, test.A)
    infer_s = time.perf_counter() - t0
    errors = {} if result.cycle is None else {name: result.cycle.errors(part, result.stats)
                                               for name, part in (("train", train), ("test", test))}
    keep = np.sort(np.random.default_rng(cfg.train.seed + job.fold).permutation(len(test_idx))[:cfg.plot_windows])
    return PoseFold(
        job=job, test_subjects=tuple(test_subjects), n_train=len(train_idx), n_test=len(test_idx),
        train_seconds=train_seconds, tables=score(pred, test, HeadingGuess.fit(train.yaw)),
        curves=result.curves, cycle_curves=[] if result.cycle is None else result.cycle.curves,
        cycle_errors=errors,
        predictions={"pred": pred[keep], "true": test.J[keep], "yaw": test.yaw[keep], "label": test.label[keep],
                     "subject": test.subject[keep], "trial": test.trial[keep], "t0": test.t0[keep]},
        inference_frames_per_s=pred.shape[0] * pred.shape[1] / max(infer_s, 1e-9),
        model_config=cfg.model, model_state={k: v.clone() for k, v in result.model.state_dict().items()})


@dataclass
class PoseCV:
    """All folds of one method (a model variant or a baseline), in fold order."""

    name: str
    folds: list[PoseFold]

    def table(self, frame: str = "heading") -> pd.DataFrame:
        """Table 4 layout with ``<metric>_mean`` / ``<metric>_std`` over folds (the paper's ±)."""
        if frame not in FRAMES:
            raise ValueError(f"frame must be one of {tuple(FRAMES)}, got {frame!r}")
        return mean_std_over_folds([f.tables[frame] for f in self.folds])

    def per_fold(self, frame: str = "heading", metric: str = "mpjpe_cm") -> np.ndarray:
        """(n_folds,) the Global ``metric`` of each fold."""
        return np.array([f.metrics(frame)[metric] for f in self.folds])

    def mean(self, frame: str = "heading", metric: str = "mpjpe_cm") -> float:
        return float(self.per_fold(frame, metric).mean())


def run_cv(config: PoseConfig, data: PoseSequences, variant: str = "full", *, cache: bool = True,
           progress: bool = False, checkpoint_root: str | Path | None = None) -> PoseCV:
    """All folds of ``variant`` (config.workers processes of config.train.threads threads each).

    ``checkpoint_root``: per-fold checkpoint folders, so an interrupted run resumes mid-fold.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown pose variant {variant!r}; expected one of {tuple(VARIANTS)}")
    jobs = [PoseJob(config, variant, k, None if checkpoint_root is None else str(Path(checkpoint_root) / f"{variant}_fold{k}"))
            for k in range(config.n_folds)]
    folds = run_jobs(run_fold, jobs, data, name="pose_fold", workers=config.workers,
                     threads=max(1, config.train.threads), cache=cache, progress=progress)
    return PoseCV(variant, sorted(folds, key=lambda f: f.job.fold))
