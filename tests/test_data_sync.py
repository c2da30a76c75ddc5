"""Resampling, mocap gap handling and the insole–mocap clock-offset estimate."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from humaps.config import resolve
from humaps.data.clock_offset import (
    MIN_CONFIDENCE,
    estimate_lag,
    estimate_offset,
    fill_missing_offsets,
    offset_table,
    rotation_rate,
)
from humaps.data.cohort import simulate_subject
from humaps.data.sync import fill_short_gaps, grid, interp


def test_interp_linear_and_out_of_range():
    t = np.arange(10) / 100
    x = np.stack([t * 2, -t], axis=1)
    q = np.array([0.005, 0.0855, 0.2])
    y = interp(t, x, q)
    np.testing.assert_allclose(y[:2], np.stack([q[:2] * 2, -q[:2]], 1))
    assert np.isnan(y[2]).all()


def test_short_gap_filled_long_gap_counted():
    t = np.arange(240) / 120
    p = np.tile(t[:, None, None], (1, 24, 3))
    p[10:15, 2] = np.nan            # 5 frames ≈ 0.05 s → interpolated
    p[100:160, 5] = np.nan          # 0.5 s → kept as NaN
    out, rep = fill_short_gaps(t, p, max_gap_s=0.1)
    np.testing.assert_allclose(out[10:15, 2], p[10:15, 0], atol=1e-12)
    assert rep.interpolated == 5 and rep.long_gap_joint_frames == 60 and rep.frames_with_long_gaps == 60


def test_rotation_rate_of_a_steady_spin_ignores_quaternion_sign():
    fs, w = 120.0, 3.0                                   # rad/s about a tilted axis
    t = np.arange(240) / fs
    axis = np.array([1.0, 2.0, 2.0]) / 3.0
    q = np.concatenate([np.cos(w * t / 2)[:, None], np.sin(w * t / 2)[:, None] * axis], axis=1)
    q[::3] *= -1                                         # q and −q are the same rotation
    np.testing.assert_allclose(rotation_rate(q, fs), w, rtol=1e-3)


def test_estimate_lag_recovers_a_sub_sample_shift_across_gaps():
    """Two channels, 100 Hz vs 120 Hz, y(τ) = x(τ + 0.2345) with a NaN gap in y: lag within 1 ms."""
    r = np.random.default_rng(0)
    fine = np.arange(0, 40, 0.001)
    s = np.stack([np.convolve(r.normal(size=fine.size), np.hanning(80), "same") for _ in range(2)], 1)
    ti, tm = grid(0, 39, 100), grid(0, 38, 120)
    x = interp(fine, s, ti)
    y = interp(fine, s, tm + 0.2345)
    y[1000:1100] = np.nan
    e = estimate_lag(ti, x, tm, y)
    assert abs(e.offset_s - 0.2345) < 0.001 and e.confidence > 0.5


# -- the simulated cohort, where the true offset (±50 ms) is known --------------------------------

@pytest.fixture(scope="module")
def cohort_table():
    """Estimates for the book cohort's first 24 trials (12 subjects × 2), one subject in memory at a time:
    ≈ 0.5 s of CPU per trial, almost all simulation; ≥ 95 % of 24 tolerates one miss."""
    cfg = resolve("cohort", "book")
    return offset_table(tr for i in range(12) for tr in simulate_subject((cfg, i)))


@pytest.fixture(scope="module")
def two_trials():
    cfg = resolve("cohort", "smoke")
    return simulate_subject((cfg, 0))[0], simulate_subject((cfg, 1))[0]


def test_estimate_within_10_ms_for_95_percent_of_simulated_trials(cohort_table):
    assert len(cohort_table) == 24
    assert (cohort_table["error_ms"].abs() <= 10.0).mean() >= 0.95, cohort_table


def test_estimates_of_simulated_trials_are_trusted(cohort_table):
    assert cohort_table["trusted"].all() and (cohort_table["confidence"] >= MIN_CONFIDENCE).all(), cohort_table


@pytest.mark.parametrize("shift_s", [0.037, -0.213])
def test_shifting_the_mocap_stream_moves_the_estimate_by_the_shift(two_trials, shift_s):
    """Mocap resampled at τ + shift (content moved, clock kept) → the offset grows by shift, within 2 ms."""
    tr = two_trials[0]
    mo = tr.mocap
    q = interp(mo.time, mo.rotations, mo.time + shift_s)
    moved = dataclasses.replace(mo, positions=interp(mo.time, mo.positions, mo.time + shift_s),
                                rotations=q / np.linalg.norm(q, axis=-1, keepdims=True))
    before = estimate_offset(tr).offset_s
    after = estimate_offset(SimpleNamespace(insole=tr.insole, mocap=moved)).offset_s
    assert abs((after - before) - shift_s) <= 0.002


def test_confidence_is_low_between_unrelated_streams(two_trials):
    a, b = two_trials
    e = estimate_offset(SimpleNamespace(insole=a.insole, mocap=b.mocap))
    assert e.confidence < MIN_CONFIDENCE and not e.trusted


def test_offset_table_without_a_known_offset_still_estimates(two_trials):
    """A manifest without the offset (NaN): the table has the estimate and a NaN error."""
    tr = dataclasses.replace(two_trials[0], mocap_offset_s=np.nan)
    row = offset_table([tr]).iloc[0]
    assert np.isnan(row["offset_true_s"]) and np.isnan(row["error_ms"])
    assert abs(row["offset_s"] - two_trials[0].mocap_offset_s) < 0.01 and row["trusted"]


def test_fill_missing_offsets_estimates_only_the_missing_ones(two_trials):
    a, b = two_trials
    out = fill_missing_offsets([dataclasses.replace(a, mocap_offset_s=np.nan), b])
    assert abs(out[0].mocap_offset_s - a.mocap_offset_s) < 0.01 and out[0].mocap.meta["offset_estimate"]["trusted"]
    assert out[1] is b and "offset_estimate" not in a.mocap.meta
