"""One pose model trained on a whole cohort and saved for inference (``python -m humaps train-pose``).

The cross-validation chapters train one model per fold and keep none; this trains one on every
training window of the run's data — the simulated cohort of the profile, or a recordings folder
with motion capture — and writes it with :func:`~humaps.models.pose_checkpoint.save_pose_model`.
:func:`fit_pose_model` selects like a cross-validation fold (validation subjects, the MPJAE weight
grid, early stopping), each candidate a :func:`~humaps.experiments.crossval.run_jobs` job, so
``train-pose --cluster ADDRESS`` trains them on a Dask cluster.

``causal=True`` trains the streaming variant: attention to the past only, over the training
window (``attention_window`` = the window's frames), and the yaw of each window relative to the
mean of its frames so far (:func:`~humaps.data.stream_features.causal_relative_yaw`), the reference
the causal input path uses at inference.
"""
from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass

import numpy as np

from humaps import __version__
from humaps.config import ParameterError, Run, leaves, resolve, section_class, update
from humaps.data.features import PoseSequences
from humaps.data.splits import validation_subjects
from humaps.data.stream_features import causal_relative_yaw
from humaps.experiments.crossval import FoldResult, run_jobs
from humaps.experiments.pose_config import PoseConfig
from humaps.models.pose_checkpoint import save_pose_model
from humaps.training.pose import TrainResult, train_pose_model

SECTIONS = ("cohort", "pose")


def training_run(profile: str, overrides: dict | None = None, recordings: str | None = None) -> Run:
    """The run of ``profile`` with ``overrides`` (flat parameter names of the cohort or pose configs)."""
    overrides = dict(overrides or {})
    own = {s: set(leaves(section_class(s)[0])) for s in SECTIONS}
    unknown = sorted(set(overrides) - own["cohort"] - own["pose"])
    if unknown:
        raise ParameterError(f"unknown parameter(s) {unknown}; train-pose takes the parameters of the cohort and "
                             f"pose sections (`python -m humaps profiles cohort pose`)")
    configs = {s: resolve(s, profile, {k: v for k, v in overrides.items() if k in own[s]}) for s in SECTIONS}
    return Run(profile=profile, recordings=recordings, overrides=overrides, configs=configs)


def training_windows(run: Run) -> PoseSequences:
    """Every pose window of the run's data (cached, shared with the pose chapters)."""
    from humaps.experiments.datasets import pose_data

    return pose_data(run, show=False)


@dataclass(frozen=True)
class ExportJob:
    """One candidate MPJAE weight of the exported model (a :func:`run_jobs` job; ``fold`` is 0)."""

    config: PoseConfig
    causal: bool
    w_mpjae: float | None
    fold: int = 0


@dataclass
class ExportCandidate(FoldResult):
    result: TrainResult | None = None
    val_subjects: tuple[str, ...] = ()
    train_idx: np.ndarray | None = None


def split(cfg: PoseConfig, data: PoseSequences) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """(training windows, validation windows, validation subjects): ``val_subjects`` of the subjects
    held out to select the epoch and the MPJAE weight, as in a cross-validation fold without a test part."""
    val_subjects = validation_subjects(data.subject, cfg.val_subjects, seed=cfg.train.seed)
    val = np.isin(data.subject, val_subjects)
    rng = np.random.default_rng(cfg.train.seed)
    train_idx, val_idx = np.flatnonzero(~val), np.flatnonzero(val)
    if cfg.max_train_windows and len(train_idx) > cfg.max_train_windows:
        train_idx = np.sort(rng.choice(train_idx, cfg.max_train_windows, replace=False))
    if cfg.val_windows and len(val_idx) > cfg.val_windows:
        val_idx = np.sort(rng.choice(val_idx, cfg.val_windows, replace=False))
    return train_idx, val_idx, val_subjects


def _fit_candidate(job: ExportJob, data: PoseSequences) -> ExportCandidate:
    cfg = job.config if job.w_mpjae is None else update(job.config, w_mpjae=job.w_mpjae)
    if job.causal:
        cfg = update(cfg, causal=True, attention_window=cfg.window_frames)
        data = dataclasses.replace(data, A=causal_relative_yaw(data.A))
    if abs(data.fs - cfg.fs_hz) > 1e-6:
        raise ValueError(f"windows at {data.fs} Hz, PoseConfig.fs_hz={cfg.fs_hz}: build them at fs_hz")
    train_idx, val_idx, val_subjects = split(cfg, data)
    t0 = time.perf_counter()
    result = train_pose_model(cfg.model, cfg.train, data.take(train_idx), valid=data.take(val_idx))
    return ExportCandidate(job, (), len(train_idx), 0, time.perf_counter() - t0, result, val_subjects, train_idx)


def fit_pose_model(cfg: PoseConfig, data: PoseSequences, *, causal: bool = False,
                   progress: bool = False) -> tuple[TrainResult, PoseConfig, np.ndarray]:
    """Train one PoseNet on ``data``, selecting like a cross-validation fold: ``val_subjects``
    subjects held out, one model per MPJAE weight of ``w_mpjae_grid`` (each a :func:`run_jobs` job,
    so ``--cluster`` sends them to Dask), the epoch and the weight with the lowest validation MPJPE.

    Returns the selected training result, the config it was trained with (``causal`` and the
    selected weight applied) and the indices of its training windows.
    """
    grid = tuple(cfg.w_mpjae_grid) or (None,)
    jobs = [ExportJob(cfg, causal, w) for w in grid]
    found = run_jobs(_fit_candidate, jobs, data, name="pose_export", workers=min(cfg.workers, len(jobs)),
                     threads=max(1, cfg.train.threads), progress=progress)
    best = min(found, key=lambda c: (c.result.best_valid_mpjpe_cm, grid.index(c.job.w_mpjae)))
    used = cfg if best.job.w_mpjae is None else update(cfg, w_mpjae=best.job.w_mpjae)
    if causal:
        used = update(used, causal=True, attention_window=used.window_frames)
    return best.result, used, best.train_idx


def export_pose_model(path, run: Run, *, causal: bool = False, commit: str = "unknown", progress: bool = False) -> dict:
    """Train on the run's windows and write the model file; returns its provenance (``meta``)."""
    data = training_windows(run)
    t0 = time.perf_counter()
    result, cfg, idx = fit_pose_model(run["pose"], data, causal=causal, progress=progress)
    seconds = time.perf_counter() - t0
    subjects = sorted(set(data.subject[idx].tolist()))
    meta = {"humaps_version": __version__, "git_commit": commit, "profile": run.profile,
            "overrides": {k: repr(v) for k, v in run.overrides.items()},
            "recordings": run.recordings or "simulated cohort", "causal": causal,
            "window_s": cfg.window_s, "train_windows": int(len(idx)), "subjects": subjects,
            "epochs": len(result.curves), "best_epoch": result.best_epoch, "w_mpjae": cfg.train.w_mpjae,
            "validation_mpjpe_cm": result.best_valid_mpjpe_cm, "train_seconds": round(seconds, 1),
            # plain JSON types only: the file must load with torch.load(weights_only=True)
            "curves": json.loads(json.dumps(result.curves, default=float))}
    save_pose_model(path, result.model, fs_hz=cfg.fs_hz, window=cfg.window_frames, meta=meta)
    return meta
