"""Resampling and mocap gap handling."""
import numpy as np

from humaps.data.sync import estimate_offset, fill_short_gaps, grid, interp


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


def test_estimate_offset_recovers_shift():
    r = np.random.default_rng(0)
    ti = grid(0, 20, 100)
    steps = (np.sin(2 * np.pi * 0.9 * ti) + 0.3 * np.sin(2 * np.pi * 2.3 * ti + 1)) + 0.05 * r.normal(size=ti.size)
    force = 400 + 300 * steps                        # loading while the foot comes down
    true = 0.23
    tm = grid(0, 19, 120)
    height = interp(ti, -steps / 100, tm + true)     # foot height on the mocap clock
    assert abs(estimate_offset(ti, force, tm, height) - true) <= 0.011
