"""One pose model trained on a whole cohort and saved for inference (``python -m humaps train-pose``).

The cross-validation chapters train one model per fold and keep none; this trains one on every
training window of the run's data — the simulated cohort of the profile, or a recordings folder
with motion capture — and writes it with :func:`~humaps.models.pose_checkpoint.save_pose_model`.
:func:`fit_pose_model` is the single training call (a pure function of config and windows, so it
can be sent elsewhere, e.g. to a cluster, unchanged).

``causal=True`` trains the streaming variant: attention to the past only, over the training
window (``attention_window`` = the window's frames), and the yaw of each window relative to the
mean of its frames so far (:func:`~humaps.data.stream_features.causal_relative_yaw`), the reference
the causal input path uses at inference.
"""
from __future__ import annotations

import dataclasses
import json
import time

import numpy as np

from humaps import __version__
from humaps.config import ParameterError, Run, leaves, resolve, section_class, update
from humaps.data.features import PoseSequences
from humaps.data.stream_features import causal_relative_yaw
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


def fit_pose_model(cfg: PoseConfig, data: PoseSequences, *, causal: bool = False,
                   progress: bool = False) -> tuple[TrainResult, PoseConfig, np.ndarray]:
    """Train one PoseNet on ``data`` (the profile's seeded subsample of ``max_train_windows``).

    Returns the training result, the config it was trained with (``causal`` applied) and the
    indices of the windows used.
    """
    if causal:
        cfg = update(cfg, causal=True, attention_window=cfg.window_frames)
        data = dataclasses.replace(data, A=causal_relative_yaw(data.A))
    if abs(data.fs - cfg.fs_hz) > 1e-6:
        raise ValueError(f"windows at {data.fs} Hz, PoseConfig.fs_hz={cfg.fs_hz}: build them at fs_hz")
    idx = np.arange(len(data))
    if cfg.max_train_windows and len(idx) > cfg.max_train_windows:
        idx = np.sort(np.random.default_rng(cfg.train.seed).choice(idx, cfg.max_train_windows, replace=False))
    result = train_pose_model(cfg.model, cfg.train, data.take(idx), progress=progress)
    return result, cfg, idx


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
            "epochs": len(result.curves), "train_seconds": round(seconds, 1),
            # plain JSON types only: the file must load with torch.load(weights_only=True)
            "curves": json.loads(json.dumps(result.curves, default=float))}
    save_pose_model(path, result.model, fs_hz=cfg.fs_hz, window=cfg.window_frames, meta=meta)
    return meta
