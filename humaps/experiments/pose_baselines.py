"""What the architecture buys: trivial references on exactly the folds of :mod:`~humaps.experiments.pose_cv`.

- ``mean_pose``: the training folds' mean pose in every frame (ignores its input);
- ``ridge``: ridge regression from windowed insole features to the 72 joint coordinates.
  Each frame is described by the z-scored P (32) and A (18) at the frame and at the
  offsets ``ridge_lags_s`` around it (clamped at the window's edges), so the model sees
  ±0.5 s of context; fitted on (a stride of) the training frames;
- ``true_pose``: the true heading-frame pose itself. In the heading frame it scores 0;
  in the paper's frame it measures the *floor* — the error left by having to guess the
  heading (:mod:`~humaps.experiments.pose_frames`).

Like the models, every baseline predicts in the heading-normalised frame and reaches the
paper's frame through the same heading guess.
"""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import Ridge

from humaps.data.features import PoseSequences
from humaps.experiments.crossval import run_jobs
from humaps.experiments.pose_config import PoseConfig
from humaps.experiments.pose_cv import PoseCV, PoseFold, PoseJob, fold_split, score
from humaps.experiments.pose_frames import HeadingGuess
from humaps.training.pose import InputStats, fit_statistics

BASELINES = ("mean_pose", "ridge", "true_pose")
MAX_RIDGE_ROWS = 60_000  # training frames used to fit the ridge (memory of a small CPU)


def windowed_features(P: np.ndarray, A: np.ndarray, stats: InputStats, lags: np.ndarray) -> np.ndarray:
    """(N,T,32), (N,T,18) → (N,T,50·len(lags)) z-scored features at each frame + lag (frames)."""
    x = np.concatenate([stats.pressure(P), stats.aux(A)], -1)
    T = x.shape[1]
    cols = [x[:, np.clip(np.arange(T) + int(lag), 0, T - 1)] for lag in lags]  # each (N,T,50)
    return np.concatenate(cols, axis=-1).astype(np.float32)


def predict_baseline(name: str, config: PoseConfig, train: PoseSequences, test: PoseSequences) -> np.ndarray:
    """(n_test, T, 24, 3) heading-frame predictions of baseline ``name`` fitted on ``train``."""
    N, T = test.P.shape[:2]
    if name == "true_pose":
        return test.J.copy()
    stats = fit_statistics(train)
    if name == "mean_pose":
        return np.broadcast_to(stats.joint_mean, (N, T, 24, 3)).copy()
    if name == "ridge":
        lags = np.round(np.asarray(config.ridge_lags_s) * config.fs_hz).astype(int)
        x_train = windowed_features(train.P, train.A, stats, lags).reshape(-1, 50 * len(lags))
        y_train = (train.J - stats.joint_mean).reshape(-1, 72)
        step = max(1, len(x_train) // MAX_RIDGE_ROWS)
        ridge = Ridge(alpha=config.ridge_alpha).fit(x_train[::step], y_train[::step])
        x_test = windowed_features(test.P, test.A, stats, lags).reshape(-1, 50 * len(lags))
        return ridge.predict(x_test).reshape(N, T, 24, 3).astype(np.float32) + stats.joint_mean
    raise ValueError(f"unknown baseline {name!r}; expected one of {BASELINES}")


def baseline_fold(job: PoseJob, data: PoseSequences) -> PoseFold:
    """Fit baseline ``job.variant`` on the other folds and score it on this fold's subjects."""
    train_idx, test_idx, subjects = fold_split(job.config, data, job.fold)
    train, test = data.take(train_idx), data.take(test_idx)
    pred = predict_baseline(job.variant, job.config, train, test)
    return PoseFold(job=job, test_subjects=tuple(subjects), n_train=len(train_idx), n_test=len(test_idx),
                    train_seconds=0.0, tables=score(pred, test, HeadingGuess.fit(train.yaw)))


def run_baselines(config: PoseConfig, data: PoseSequences, *, cache: bool = True) -> dict[str, PoseCV]:
    """{baseline: PoseCV} on the folds of ``config``."""
    out = {}
    for name in BASELINES:
        jobs = [PoseJob(config, name, k) for k in range(config.n_folds)]
        folds = run_jobs(baseline_fold, jobs, data, name="pose_baseline", cache=cache)
        out[name] = PoseCV(name, sorted(folds, key=lambda f: f.job.fold))
    return out
