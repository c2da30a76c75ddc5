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


# --------------------------------------------------------------------------- when the check fails: why

CHANNELS: tuple[str, ...] = (*(f"pressure L{k}" for k in range(1, 17)), *(f"pressure R{k}" for k in range(1, 17)),
                             "acc L x", "acc L y", "acc L z", "acc R x", "acc R y", "acc R z",
                             "pitch L", "yaw L", "roll L", "pitch R", "yaw R", "roll R",
                             "COP L x", "COP L y", "COP R x", "COP R y", "force L", "force R")


def walking_segments(trials, *, label: str = "Walking") -> list:
    """The insole recordings of every ``label`` segment of simulated (annotated) trials."""
    return [tr.insole.between(s, e) for tr in trials
            for s, e in tr.annotations.loc[tr.annotations["label"] == label, ["start_s", "end_s"]].to_numpy()]


def input_frames(recordings: list) -> pd.DataFrame:
    """Every frame of ``recordings`` as the model's input channels: (frames, 50), columns :data:`CHANNELS`."""
    return pd.DataFrame(np.concatenate([np.concatenate(insole_features(r)[:2], axis=1) for r in recordings]),
                        columns=list(CHANNELS))


def channel_shift(simulated: pd.DataFrame, real: pd.DataFrame) -> pd.DataFrame:
    """Per model input channel (:func:`input_frames` of each; absolute yaw left out: it is arbitrary), the
    median of the simulated and of the real frames and their two-sample Kolmogorov–Smirnov distance,
    largest first."""
    from scipy.stats import ks_2samp

    rows = [{"channel": name, "simulated median": simulated[name].median(), "real median": real[name].median(),
             "KS distance": ks_2samp(simulated[name], real[name]).statistic}
            for name in CHANNELS if not name.startswith("yaw")]
    return pd.DataFrame(rows).sort_values("KS distance", ascending=False).set_index("channel")


def simulated_control(model: PoseNet, trials, *, window: int, fs_hz: float) -> pd.DataFrame:
    """The same timing check on simulated walking (subjects the model never saw), where the truth is
    known: with the model's predicted poses, and with the true poses through the same detector."""
    from humaps.skeleton import heading_normalised

    rows = []
    for tr in trials:
        for s, e in tr.annotations.loc[tr.annotations["label"] == "Walking", ["start_s", "end_s"]].to_numpy():
            rec = tr.insole.between(s, e)
            t, pred = predict_recording(model, rec, window=window, fs_hz=fs_hz)
            true = heading_normalised(interp(tr.mocap.time + tr.mocap_offset_s, tr.mocap.positions, t))
            rows += [contact_agreement(rec, t, pred).assign(poses="predicted"),
                     contact_agreement(rec, t, np.nan_to_num(true)).assign(poses="true")]
    return pd.concat(rows).groupby("poses")[["force onsets", "predicted contacts", "matched within 0.15 s"]].sum()
