"""The causal input path: rows pushed one by one give the frames of one push, and the batch features."""
from __future__ import annotations

import numpy as np
import pytest
from fakes import random_insole

from humaps.data.features import insole_features
from humaps.data.stream_features import CausalInputs, ModelFrames, recording_sides
from humaps.data.sync import grid, interp

YAW = [7, 10]


@pytest.fixture(scope="module")
def rows():
    """300 rows (3 s) with one-sided rows: two at the start, a few inside (blank = NaN)."""
    time, sides = recording_sides(random_insole(300, seed=4))
    sides = sides.copy()
    sides[0, 1] = np.nan
    sides[1, 1] = np.nan
    sides[[50, 51, 120], 0] = np.nan
    sides[200, 1] = np.nan
    return time, sides


def _whole(time, sides, fs=25.0, window=10):
    return CausalInputs(fs_hz=fs, yaw_window=window).push(time, sides)


@pytest.mark.parametrize("fs", [25.0, 30.0])
def test_row_by_row_equals_one_push(rows, fs):
    time, sides = rows
    ci = CausalInputs(fs_hz=fs, yaw_window=10)
    parts = ModelFrames.concat([ci.push(time[i:i + 1], sides[i:i + 1]) for i in range(len(time))])
    whole = _whole(time, sides, fs)
    assert len(parts) == len(whole) > 0
    for key in ("time", "P", "A"):
        assert np.allclose(getattr(parts, key), getattr(whole, key), atol=1e-9, rtol=0)


def test_leading_one_sided_rows_are_dropped_and_blanks_held(rows):
    time, sides = rows
    ci = CausalInputs(fs_hz=100.0, yaw_window=10)
    out = ci.push(time, sides)
    assert ci.leading_one_sided == 2 and ci.held == 4
    assert out.time[0] == time[2]
    assert np.array_equal(out.P[50 - 2, :16], sides[49, 0, :16])  # row 50's blank left side holds row 49's


def test_non_yaw_channels_match_the_batch_features():
    rec = random_insole(300, seed=5)
    out = _whole(*recording_sides(rec))
    P, A, _ = insole_features(rec)
    t = grid(rec.time[0], rec.time[-1], 25.0)
    other = [c for c in range(18) if c not in YAW]
    assert np.allclose(out.time, t)
    assert np.allclose(out.P, interp(rec.time, P, t), atol=1e-9)
    assert np.allclose(out.A[:, other], interp(rec.time, A, t)[:, other], atol=1e-6)


def test_yaw_is_relative_to_the_mean_of_the_last_window_frames():
    rec = random_insole(300, seed=6)
    window = 10
    out = _whole(*recording_sides(rec), window=window)
    _, A, _ = insole_features(rec)
    yaw = interp(rec.time, A, grid(rec.time[0], rec.time[-1], 25.0))[:, YAW]  # unwrapped along the recording
    ref = np.stack([yaw[max(0, i - window + 1):i + 1].mean(axis=0) for i in range(len(yaw))])
    assert np.allclose(out.A[:, YAW], yaw - ref, atol=1e-6)


def test_push_rejects_misshapen_rows():
    with pytest.raises(ValueError, match="sides"):
        CausalInputs(fs_hz=25.0, yaw_window=10).push(np.zeros(3), np.zeros((3, 50)))
