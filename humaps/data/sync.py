"""Put the insole (100 Hz) and mocap (120 Hz, own clock) streams on common time grids.

Clock convention: a trial's ``mocap_offset_s`` (from the manifest) is the
insole-clock time of mocap time 0, so ``t_insole = t_mocap + mocap_offset_s``.
Mocap gaps (NaN joints) shorter than ``max_gap_s`` are linearly interpolated;
longer ones stay NaN and are counted, so windows touching them can be dropped.

When a manifest gives no offset, :mod:`humaps.data.clock_offset` estimates it from the data.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def grid(t0: float, t1: float, fs_hz: float) -> np.ndarray:
    """Sample times t0, t0 + 1/fs, ... ≤ t1 (s)."""
    n = int(np.floor((t1 - t0) * fs_hz + 1e-9)) + 1
    return t0 + np.arange(max(n, 0)) / fs_hz


def interp(t_src: np.ndarray, x_src: np.ndarray, t_dst: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``x_src`` (N, ...) sampled at increasing ``t_src`` (N,) onto ``t_dst`` (any shape).

    Vectorised over channels and query points; outside [t_src[0], t_src[-1]] → NaN;
    a NaN neighbour gives NaN (gaps propagate rather than being invented).
    """
    t_dst = np.asarray(t_dst, dtype=np.float64)
    flat = t_dst.ravel()
    i = np.clip(np.searchsorted(t_src, flat, side="right") - 1, 0, len(t_src) - 2)
    t0, t1 = t_src[i], t_src[i + 1]
    w = ((flat - t0) / (t1 - t0)).reshape((-1,) + (1,) * (x_src.ndim - 1))
    out = x_src[i] * (1.0 - w) + x_src[i + 1] * w
    exact = np.isclose(w, 1.0).ravel()          # avoid NaN*0 artefacts on grid points
    out[exact] = x_src[i + 1][exact]
    out[(flat < t_src[0] - 1e-9) | (flat > t_src[-1] + 1e-9)] = np.nan
    return out.reshape(t_dst.shape + x_src.shape[1:])


@dataclass
class GapReport:
    """Mocap gap bookkeeping: joint-frames interpolated, joint-frames left as NaN, frames with any NaN."""

    interpolated: int
    long_gap_joint_frames: int
    frames_with_long_gaps: int


def fill_short_gaps(time: np.ndarray, positions: np.ndarray, *, max_gap_s: float = 0.1):
    """Interpolate NaN runs of at most ``max_gap_s`` per joint; return (positions, GapReport).

    positions: (M, J, 3) with a joint's xyz NaN together. Loops over joints
    only; each joint's runs are found and filled vectorised.
    """
    out = positions.copy()
    nan = np.isnan(out[..., 0])                       # (M, J)
    filled = 0
    for j in np.flatnonzero(nan.any(axis=0)):
        bad = nan[:, j]
        good = np.flatnonzero(~bad)
        if good.size < 2:
            continue
        d = np.diff(np.concatenate([[0], bad.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)   # run [s, e)
        inside = (starts > 0) & (ends < len(bad))
        span = np.where(inside, time[np.minimum(ends, len(bad) - 1)] - time[np.maximum(starts - 1, 0)], np.inf)
        short = inside & (span <= max_gap_s + 1e-9)
        if not short.any():
            continue
        fill = np.zeros(len(bad), bool)
        for s, e in zip(starts[short], ends[short]):  # runs, not frames
            fill[s:e] = True
        out[fill, j] = interp(time[good], positions[good, j], time[fill])
        filled += int(fill.sum())
    still = np.isnan(out[..., 0])
    return out, GapReport(filled, int(still.sum()), int(still.any(axis=1).sum()))
