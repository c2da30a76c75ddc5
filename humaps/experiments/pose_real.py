"""The trained pose model on real Moticon recordings, and the one check we can compute there.

The real walking recordings have no motion capture, so there is no ground
truth. What can be checked is timing: a foot's predicted contact (its
pelvis-relative ankle height drops to its stance level) should coincide with
that insole's force onset. Nothing here uses labels.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from humaps.data.features import insole_features, relative_yaw
from humaps.data.sync import grid, interp
from humaps.data.realism import runs, stance_mask
from humaps.experiments.pose_cv import PoseFold
from humaps.models.pose_net import PoseNet
from humaps.skeleton import INDEX
from humaps.training.pose import predict

FOOT = {0: INDEX["LeftFoot"], 1: INDEX["RightFoot"]}


def trained_model(fold: PoseFold) -> PoseNet:
    """Rebuild a fold's trained PoseNet (normalisation buffers included) from a :func:`run_fold` result."""
    model = PoseNet(fold.model_config)
    model.load_state_dict(fold.model_state)
    return model.eval()


def predict_recording(model: PoseNet, rec, *, window: int, fs_hz: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
    """(time (M,) s, poses (M, 24, 3) m heading frame) over consecutive windows of ``window`` frames,
    the recording's features resampled onto a ``fs_hz`` grid (the rate the model was trained at)."""
    P, A, _ = insole_features(rec)
    t = grid(rec.time[0], rec.time[-1], fs_hz)
    n = (len(t) // window) * window
    t = t[:n]
    P, A = interp(rec.time, P, t), interp(rec.time, A, t)
    poses = predict(model, P.reshape(-1, window, P.shape[1]).astype(np.float32),
                    relative_yaw(A.reshape(-1, window, A.shape[1])))  # (W, T, 24, 3)
    return t, poses.reshape(n, 24, 3)


def predicted_contacts(poses: np.ndarray, fs: float, *, level: float = 0.3, min_s: float = 0.15) -> list[np.ndarray]:
    """Per side, frame indices where the predicted foot lands: the pelvis-relative ankle height
    enters the lowest ``level`` fraction of its range and stays there ≥ ``min_s``."""
    out = []
    for side in (0, 1):
        h = poses[:, FOOT[side], 2]
        lo, hi = np.percentile(h, 5), np.percentile(h, 95)
        on, off = runs(h < lo + level * (hi - lo))
        keep = ((off - on) / fs >= min_s) & (on > 0)
        out.append(on[keep])
    return out


def contact_agreement(rec, time: np.ndarray, poses: np.ndarray, *, tolerance_s: float = 0.15) -> pd.DataFrame:
    """Per side: force onsets, predicted contacts, how many onsets have a predicted contact within
    ``tolerance_s``, and the median signed lag (predicted − force) of those matches.

    ``time`` (M,) s and ``poses`` (M, 24, 3): :func:`predict_recording`'s output.
    """
    fs_pose = 1.0 / float(np.median(np.diff(time)))
    inside = rec.time <= time[-1]
    f, t_force = rec.total_force[inside], rec.time[inside]
    bw = float(np.percentile(f.sum(1), 50))
    mask = stance_mask(f, on_n=max(40.0, 0.08 * bw), off_n=max(25.0, 0.04 * bw), fs=rec.rate_hz)
    rows = []
    for side, contacts in zip((0, 1), predicted_contacts(poses, fs_pose)):
        onsets = runs(mask[:, side])[0]
        onsets = t_force[onsets[onsets > 0]]
        contacts = time[contacts]
        if len(contacts) and len(onsets):
            lag = contacts[None, :] - onsets[:, None]  # (onsets, contacts) s
            nearest = lag[np.arange(len(onsets)), np.abs(lag).argmin(axis=1)]
            hit = np.abs(nearest) <= tolerance_s
        else:
            nearest, hit = np.zeros(0), np.zeros(len(onsets), bool)
        rows.append({"side": "left" if side == 0 else "right", "force onsets": len(onsets),
                     "predicted contacts": len(contacts), f"matched within {tolerance_s:g} s": int(hit.sum()),
                     "median lag (s)": float(np.median(nearest[hit])) if hit.any() else float("nan")})
    return pd.DataFrame(rows)
