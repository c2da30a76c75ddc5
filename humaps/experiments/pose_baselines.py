"""What the architecture buys: two baselines on exactly the folds of :mod:`~humaps.experiments.pose_cv`.

- ``mean_pose``: predict the training folds' mean pose in every frame (no input at all);
- ``ridge``: ridge regression from windowed insole features to the 72 joint coordinates.
  Each frame is described by the z-scored P (32) and A (18) at the frame and at the
  offsets ``ridge_lags_s`` around it (clamped at the window's edges), so the model sees
  ±0.5 s of context; fitted on (a stride of) the training frames.
"""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import Ridge

from humaps.cache import cached
from humaps.experiments.pose_config import PoseConfig
from humaps.experiments.pose_cv import data_digest, fold_split, sequences_to_dict, take
from humaps.metrics import mean_std_over_folds, per_joint_table
from humaps.training.pose import fit_normalisation

BASELINES = ("mean_pose", "ridge")
MAX_RIDGE_ROWS = 60_000  # training frames used to fit the ridge (memory of a small CPU)


def windowed_features(P: np.ndarray, A: np.ndarray, stats: dict, lags: np.ndarray) -> np.ndarray:
    """(N,T,32), (N,T,18) → (N,T,50·len(lags)) z-scored features at each frame + lag (frames)."""
    x = np.concatenate([(P - stats["p_mean"]) / stats["p_std"], (A - stats["a_mean"]) / stats["a_std"]], -1)
    T = x.shape[1]
    cols = [x[:, np.clip(np.arange(T) + int(lag), 0, T - 1)] for lag in lags]  # each (N,T,50)
    return np.concatenate(cols, axis=-1).astype(np.float32)


def predict_baseline(name: str, config: PoseConfig, train: dict, test: dict) -> np.ndarray:
    """(n_test, T, 24, 3) predictions of baseline ``name`` fitted on ``train``."""
    stats = fit_normalisation(train)
    N, T = test["P"].shape[:2]
    if name == "mean_pose":
        return np.broadcast_to(stats["joint_mean"], (N, T, 24, 3)).copy()
    if name == "ridge":
        lags = np.round(np.asarray(config.ridge_lags_s) * config.fs_hz).astype(int)
        x_train = windowed_features(train["P"], train["A"], stats, lags).reshape(-1, 50 * len(lags))
        y_train = (train["J"] - stats["joint_mean"]).reshape(-1, 72)
        step = max(1, len(x_train) // MAX_RIDGE_ROWS)
        ridge = Ridge(alpha=config.ridge_alpha).fit(x_train[::step], y_train[::step])
        x_test = windowed_features(test["P"], test["A"], stats, lags).reshape(-1, 50 * len(lags))
        return ridge.predict(x_test).reshape(N, T, 24, 3) + stats["joint_mean"]
    raise ValueError(f"unknown baseline {name!r}; expected one of {BASELINES}")


def run_baselines(config: PoseConfig, sequences, *, cache: bool = True) -> dict:
    """{baseline: {"folds": [{fold, table, metrics}], "table": mean ± std over folds, "global": {...}}}."""
    data = sequences_to_dict(sequences)

    def compute() -> dict:
        out = {}
        for name in BASELINES:
            folds = []
            for k in range(config.n_folds):
                train_idx, test_idx, subjects = fold_split(config, data, k)
                test = take(data, test_idx)
                pred = predict_baseline(name, config, take(data, train_idx), test)
                table = per_joint_table(pred, test["J"])
                folds.append({"fold": k, "test_subjects": list(subjects), "table": table,
                              "metrics": table.loc["Global", ["mpjpe_cm", "instability_cm", "mpjae_deg"]].to_dict()})
            table = mean_std_over_folds([f["table"] for f in folds])
            out[name] = {"folds": folds, "table": table, "global": table.loc["Global"].drop("group").to_dict()}
        return out

    return cached("pose_baselines", (config, data_digest(data)), compute, enabled=cache)
