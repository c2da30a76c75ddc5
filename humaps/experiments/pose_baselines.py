"""What the architecture buys: trivial references on exactly the folds of :mod:`~humaps.experiments.pose_cv`.

- ``mean_pose``: the training subjects' mean pose in every frame (ignores its input);
- ``ridge``: ridge regression from windowed insole features to the 72 joint coordinates.
  Each frame is described by the z-scored P (32) and A (18) at the frame and at the
  offsets ``ridge_lags_s`` around it (clamped at the window's edges), so the model sees
  ±0.5 s of context; fitted on (a stride of) the training frames. Its penalty is selected
  like the model's settings: on the fold's validation subjects, from as many candidates
  (:data:`RIDGE_ALPHAS`) as the model scores there (its MPJAE weights × epochs);
- ``true_pose``: the true heading-frame pose itself. In the heading frame it scores 0;
  in the paper's frame it measures the *floor* — the error left by having to guess the
  heading (:mod:`~humaps.experiments.pose_frames`).

Every baseline is fitted on the same training subjects as the model (the validation subjects
only select), predicts in the heading-normalised frame and reaches the paper's frame through
the same heading guess.
"""
from __future__ import annotations

import numpy as np

from humaps.data.features import PoseSequences
from humaps.experiments.crossval import run_jobs
from humaps.experiments.pose_config import PoseConfig
from humaps.experiments.pose_cv import (
    PoseCV,
    PoseFold,
    PoseJob,
    fold_split,
    score,
)
from humaps.experiments.pose_frames import HeadingGuess
from humaps.skeleton import REPORTED, indices
from humaps.training.pose import InputStats, fit_statistics

BASELINES = ("mean_pose", "ridge", "true_pose")
MAX_RIDGE_ROWS = 60_000  # training frames used to fit the ridge (memory of a small CPU)


def ridge_alphas(config: PoseConfig) -> np.ndarray:
    """The ridge penalties tried per fold: log-spaced, as many as the model's scored settings
    (MPJAE weights × epochs), so both get the same selection budget."""
    n = max(1, len(config.w_mpjae_grid)) * config.train.epochs
    return np.logspace(-2, 5, n)


def windowed_features(P: np.ndarray, A: np.ndarray, stats: InputStats, lags: np.ndarray) -> np.ndarray:
    """(N,T,32), (N,T,18) → (N,T,50·len(lags)) z-scored features at each frame + lag (frames)."""
    x = np.concatenate([stats.pressure(P), stats.aux(A)], -1)
    T = x.shape[1]
    cols = [x[:, np.clip(np.arange(T) + int(lag), 0, T - 1)] for lag in lags]  # each (N,T,50)
    return np.concatenate(cols, axis=-1).astype(np.float32)


class RidgePath:
    """Ridge regression for many penalties at once: one eigendecomposition of the centred features' Gram matrix.

    With XᵀX = V diag(λ) Vᵀ, coef(α) = V diag(1 / (λ + α)) Vᵀ Xᵀy — the closed form scikit-learn's Ridge
    solves for one α (same intercept handling: features and targets centred on the training means).
    The (features × features) Gram matrix replaces an SVD of the (rows × features) matrix: 2.5 s → 0.8 s
    for book fold 0 (60,000 × 250), predictions within 6e-14 m of the SVD's; its eigenvalues (≥ 147
    there) and the penalties tried (≥ 0.01) keep the conditioning it squares harmless.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray):
        x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
        self.x_mean, self.y_mean = x.mean(0), y.mean(0)
        xc = x - self.x_mean
        self.lam, self.v = np.linalg.eigh(xc.T @ xc)
        self.vtxty = self.v.T @ (xc.T @ (y - self.y_mean))  # (features, targets)

    def coef(self, alpha: float) -> np.ndarray:
        """(features, targets) weights for penalty ``alpha``."""
        return self.v @ (self.vtxty / (self.lam + alpha)[:, None])

    def predict(self, x: np.ndarray, alpha: float) -> np.ndarray:
        return (np.asarray(x, np.float64) - self.x_mean) @ self.coef(alpha) + self.y_mean


def _ridge(config: PoseConfig, train: PoseSequences, val: PoseSequences, test: PoseSequences
           ) -> tuple[np.ndarray, dict, float]:
    """Test predictions (N,T,24,3) of the ridge whose penalty scored best on ``val``; its setting, its
    validation MPJPE (cm, the 16 reported joints)."""
    stats = fit_statistics(train)
    lags = np.round(np.asarray(config.ridge_lags_s) * config.fs_hz).astype(int)
    feats = lambda d: windowed_features(d.P, d.A, stats, lags).reshape(-1, 50 * len(lags))
    x_train, y_train = feats(train), (train.J - stats.joint_mean).reshape(-1, 72)
    step = max(1, len(x_train) // MAX_RIDGE_ROWS)
    path = RidgePath(x_train[::step], y_train[::step])
    x_val, reported = feats(val), indices(REPORTED)
    scores = []
    for alpha in ridge_alphas(config):
        pred = path.predict(x_val, alpha).reshape(*val.J.shape) + stats.joint_mean
        scores.append(float(np.linalg.norm(pred - val.J, axis=-1)[..., reported].mean() * 100))
    best = int(np.argmin(scores))
    alpha = float(ridge_alphas(config)[best])
    pred = path.predict(feats(test), alpha).reshape(*test.J.shape).astype(np.float32) + stats.joint_mean
    return pred, {"ridge_alpha": alpha}, scores[best]


def baseline_fold(job: PoseJob, data: PoseSequences) -> PoseFold:
    """Fit baseline ``job.variant`` on the fold's training subjects (selecting on its validation
    subjects where it has a setting) and score it on the fold's test subjects."""
    split = fold_split(job.config, data, job.fold)
    train, val, test = data.take(split.train), data.take(split.val), data.take(split.test)
    setting, val_score = {}, float("nan")
    if job.variant == "true_pose":
        pred = test.J.copy()
    elif job.variant == "mean_pose":
        pred = np.broadcast_to(fit_statistics(train).joint_mean, test.J.shape).copy()
    elif job.variant == "ridge":
        pred, setting, val_score = _ridge(job.config, train, val, test)
    else:
        raise ValueError(f"unknown baseline {job.variant!r}; expected one of {BASELINES}")
    tables, per_subject = score(pred, test, HeadingGuess.fit(train.yaw))
    return PoseFold(job=job, test_subjects=tuple(split.test_subjects), n_train=len(train), n_test=len(test),
                    train_seconds=0.0, tables=tables, per_subject=per_subject,
                    val_subjects=split.val_subjects, val_mpjpe_cm=val_score, setting=setting)


def run_baselines(config: PoseConfig, data: PoseSequences, *, cache: bool = True) -> dict[str, PoseCV]:
    """{baseline: PoseCV} on the folds of ``config``."""
    jobs = [PoseJob(config, name, k) for name in BASELINES for k in range(config.n_folds)]
    folds = run_jobs(baseline_fold, jobs, data, name="pose_baseline", workers=config.workers, cache=cache)
    return {name: PoseCV(name, sorted((f for f in folds if f.job.variant == name), key=lambda f: f.job.fold))
            for name in BASELINES}
