"""The contact detector, the force onsets and the step time of the real-recording checks, on hand-made data."""
import numpy as np
import pandas as pd
import pytest

from humaps.experiments import pose_real
from humaps.recordings import InsoleRecording
from fakes import gait

FS = 25.0


def walking_ankles(n_steps: int = 6, stride_s: float = 1.1, fs: float = FS, amplitude: float = 0.3,
                   stance: float = 0.6) -> tuple[np.ndarray, list[np.ndarray]]:
    """Ankle forward positions (M, 2) m relative to the pelvis, and per foot the frames where it lands.

    Each foot moves backward at constant speed in stance (the body passes over it) and forward in
    swing with a half-cosine speed profile (peak in mid-swing, zero at landing); the right foot runs
    half a stride behind. Landing = end of swing."""
    t = np.arange(int((n_steps * stride_s + 0.3) * fs)) / fs     # ends just after a landing of each foot
    y = np.empty((len(t), 2))
    landings = []
    for side, lag in ((0, 0.0), (1, 0.5)):
        u = np.mod(t / stride_s - lag, 1.0)                  # 0 = landing, stance until `stance`
        back = amplitude - 2 * amplitude * u / stance        # +a → −a through stance
        w = (u - stance) / (1 - stance)                      # 0..1 through swing
        fwd = -amplitude + 2 * amplitude * (w - np.sin(2 * np.pi * w) / (2 * np.pi))
        y[:, side] = np.where(u < stance, back, fwd)
        landings.append(np.flatnonzero(np.diff(u) < 0) + 1)
    return y, landings


def poses_from(y: np.ndarray) -> np.ndarray:
    """(M, 24, 3) poses with the two feet's forward positions set (everything else at the pelvis)."""
    poses = np.zeros((len(y), 24, 3))
    for side in (0, 1):
        poses[:, pose_real.FOOT[side], 1] = y[:, side]
        poses[:, pose_real.FOOT[side], 2] = -0.85
    return poses


def test_contacts_are_the_ends_of_forward_swings():
    y, landings = walking_ankles()
    found = pose_real.predicted_contacts(poses_from(y), FS)
    for side in (0, 1):
        expected = landings[side]
        assert len(found[side]) == len(expected), (found[side], expected)
        # the forward swing ends where the foot lands: within 2 frames (0.08 s)
        assert np.all(np.abs(found[side] - expected) <= 2), (found[side], expected)


def test_contacts_are_on_time_in_slow_walking():
    # a 2-s stride (60 steps/min, the slow real recording's pace): terminal swing decelerates for longer,
    # so a contact placed where the speed has fallen to a fraction of its peak would come ≈ 0.13 s early
    y, landings = walking_ankles(n_steps=4, stride_s=2.0, stance=0.66)
    found = pose_real.predicted_contacts(poses_from(y), FS)
    for side in (0, 1):
        assert len(found[side]) == len(landings[side])
        assert np.all(np.abs(found[side] - landings[side]) <= 2), (found[side], landings[side])


def test_standing_and_shuffles_give_no_contact():
    rng = np.random.default_rng(0)
    still = poses_from(0.002 * rng.standard_normal((200, 2)))          # standing: millimetre jitter
    assert all(len(c) == 0 for c in pose_real.predicted_contacts(still, FS))
    y, _ = walking_ankles(amplitude=0.04)                              # 8-cm shuffles: no step
    assert all(len(c) == 0 for c in pose_real.predicted_contacts(poses_from(y), FS))


def recording(force: np.ndarray, fs: float = 100.0) -> InsoleRecording:
    """An insole recording with the given total force (N, 2) and uniform cells."""
    n = len(force)
    return InsoleRecording(time=np.arange(n) / fs, pressure=np.repeat(force[:, :, None] / 160.0, 16, -1),
                           acceleration=np.zeros((n, 2, 3)), angular_rate=np.zeros((n, 2, 3)),
                           total_force=force.astype(float), cop=np.zeros((n, 2, 2)))


def test_force_onsets_follow_swings_only():
    f = np.full((600, 2), 400.0)
    f[100:150, 0] = 0.0          # a 0.5-s swing: its end is an onset
    f[300:310, 0] = 0.0          # a 0.1-s unloading of a planted foot: no onset
    f[400:430, 1] = 0.0          # a 0.3-s swing of the right foot
    onsets = pose_real.force_onsets(recording(f))
    np.testing.assert_allclose(onsets[0], [1.5])
    np.testing.assert_allclose(onsets[1], [4.3])


def test_contact_agreement_counts_matches_within_tolerance():
    f = np.full((1000, 2), 400.0)
    for k, start in enumerate((100, 300, 500, 700)):
        f[start:start + 40, 0] = 0.0             # left onsets at 1.4, 3.4, 5.4, 7.4 s
    time = np.arange(0, 10, 1 / FS)
    poses = np.zeros((len(time), 24, 3))
    # left contacts at onset + 0.04 s (x2), onset − 0.12 s, onset + 0.4 s (miss)
    y = np.zeros(len(time))
    for land in (1.44, 3.44, 5.28, 7.8):
        i = int(round(land * FS))
        y[i - 10:i] = np.linspace(-0.3, 0.3, 10)  # a 0.4-s forward swing ending at i
        y[i:i + 10] = np.linspace(0.3, -0.3, 10)
    poses[:, pose_real.FOOT[0], 1] = y
    table = pose_real.contact_agreement(recording(f), time, poses).set_index("side")
    assert table.loc["left", "force onsets"] == 4
    assert table.loc["left", "matched within 0.15 s"] == 3
    assert table.loc["right", "force onsets"] == 0


def test_step_time_from_the_ankles_matches_the_insoles():
    stride = 1.1
    y, landings = walking_ankles(n_steps=8, stride_s=stride)
    time = np.arange(len(y)) / FS
    f = np.full((int(time[-1] * 100) + 1, 2), 400.0)
    for side in (0, 1):
        for k in landings[side]:
            on = int(round(time[k] * 100))
            f[max(on - 45, 0):on, side] = 0.0       # each landing ends a 0.45-s swing
    out = pose_real.step_time(recording(f), time, poses_from(y))
    assert out["step time, insoles (s)"] == pytest.approx(stride / 2, abs=0.02)
    assert out["step time, poses (s)"] == pytest.approx(stride / 2, abs=0.02)
    assert abs(out["error (s)"]) < 0.03


def test_input_frames_drop_the_standing_around_a_walk():
    f = np.full((900, 2), 350.0)
    for start in range(200, 700, 110):            # alternate 0.5-s swings between 2 s and 7 s
        f[start:start + 50, 0] = 0.0
        f[start + 55:start + 105, 1] = 0.0
    rec = recording(f)
    a, b = pose_real.walking_span(rec)
    assert 200 <= a < 260 and 640 < b <= 760
    frames = pose_real.input_frames([rec], walking_only=True)
    assert isinstance(frames, pd.DataFrame) and len(frames) == (b - a) // 100 * 100   # whole 1-s windows
    assert list(frames.columns) == list(pose_real.CHANNELS) and not frames.isna().any().any()


def test_onsets_pool_over_fold_models_and_name_each_models_share():
    rows = pd.DataFrame({"fold": [0, 0, 1, 1], "recording": ["a", "b", "a", "b"], "side": "left",
                         "force onsets": [10, 10, 10, 10], "matched within 0.15 s": [9, 7, 3, 5]})
    table = pose_real.onsets_by_fold(rows)
    assert table.loc["a", "fold 0"] == 90.0 and table.loc["b", "all folds"] == 60.0
    assert table.loc["all recordings", "fold 1"] == 40.0 and table.loc["all recordings", "all folds"] == 60.0
    v = pose_real.onsets_verdict(rows)
    assert "does not hold" in str(v) and "24 of 40" in str(v) and "40%–80%" in str(v)


def test_coverage_says_which_recording_lies_outside_the_simulated_walking():
    simulated = [gait(stride=s) for s in (100, 105, 110, 115, 120)]         # cadence 100–120 steps/min
    real = [gait(stride=110), gait(stride=200)]                              # 109 and 60 steps/min
    rows = pd.DataFrame({"fold": 0, "recording": ["recording 1", "recording 2"], "side": "left",
                         "force onsets": [10, 10], "matched within 0.15 s": [9, 1]})
    table = pose_real.coverage(real, simulated, rows)
    assert table["cadence inside"].tolist() == [True, False]
    assert table["matched, all folds (%)"].tolist() == [90.0, 10.0]
    assert table.filter(like="cadence (steps/min)").iloc[:, 0].round(0).tolist() == [109.0, 60.0]


@pytest.mark.parametrize("n, window, hop", [(100, 25, 12), (101, 25, 12), (25, 25, 12), (60, 20, 20)])
def test_windows_cover_every_frame(n, window, hop):
    starts = pose_real.window_starts(n, window, hop)
    covered = np.zeros(n, int)
    for s in starts:
        covered[s:s + window] += 1
    assert covered.min() >= 1 and starts[-1] + window == n and np.all(np.diff(starts) <= hop)


def test_overlap_average_of_consistent_windows_is_the_signal():
    # every window predicts the same per-frame signal: blending must return it exactly, whatever the weights
    n, window = 103, 20
    signal = np.sin(np.arange(n) / 7.0)[:, None, None] * np.ones((1, 24, 3))
    starts = pose_real.window_starts(n, window, window // 2)
    windows = signal[starts[:, None] + np.arange(window)]              # (W, T, 24, 3)
    np.testing.assert_allclose(pose_real.overlap_average(windows, starts, n), signal, atol=1e-12)


def test_overlap_average_weights_a_window_edge_less_than_its_centre():
    # two windows disagree on the frame where one ends and the other is at its centre: the centre wins
    starts = np.array([0, 10])
    pred = np.stack([np.zeros((20, 1)), np.ones((20, 1))])             # (2, 20, 1)
    out = pose_real.overlap_average(pred, starts, 30)
    assert out[0, 0] == 0.0 and out[29, 0] == 1.0                      # covered by one window only
    assert out[19, 0] > 0.9 and out[10, 0] < 0.1                       # edge of one, centre of the other


def test_true_poses_fill_short_mocap_gaps_and_refuse_long_ones():
    from types import SimpleNamespace

    rng = np.random.default_rng(3)
    time = np.arange(300) / 100.0
    positions = rng.normal(0.0, 0.3, (300, 24, 3))
    positions[:, :, 2] += 1.0
    t = np.arange(50, 250) / 100.0
    for gap, expect_poses in ((slice(100, 105), True), (slice(100, 150), False)):   # 0.05 s, 0.5 s
        held = positions.copy()
        held[gap, 5] = np.nan
        trial = SimpleNamespace(mocap=SimpleNamespace(time=time, positions=held), mocap_offset_s=0.0)
        poses = pose_real.true_poses_at(trial, t)
        assert (poses is not None) == expect_poses
        if expect_poses:
            assert poses.shape == (len(t), 24, 3) and np.isfinite(poses).all()


def test_walking_agreement_without_walks_is_an_empty_table():
    from types import SimpleNamespace

    short = SimpleNamespace(time=np.arange(10) / FS)                          # 0.4 s: shorter than a window
    trial = SimpleNamespace(annotations=pd.DataFrame({"label": ["Walking"], "start_s": [0.0], "end_s": [0.4]}),
                            insole=SimpleNamespace(between=lambda s, e: short))
    rows = pose_real.walking_agreement(None, [trial], window=25, fs_hz=FS)
    assert rows.empty and {"force onsets", "poses"} <= set(rows.columns)
    assert (rows["walks left out (mocap gaps)"] == 1).all()


def test_onsets_at_the_start_and_end_of_each_foots_walk_are_told_apart():
    f = np.full((1000, 2), 400.0)
    for start in (100, 300, 500, 700):
        f[start:start + 40, 0] = 0.0             # left onsets at 1.4, 3.4, 5.4, 7.4 s
    time = np.arange(0, 10, 1 / FS)
    poses = np.zeros((len(time), 24, 3))
    y = np.zeros(len(time))
    for land in (3.44, 5.44):                    # contacts only for the two inside onsets
        i = int(round(land * FS))
        y[i - 10:i] = np.linspace(-0.3, 0.3, 10)
        y[i:i + 10] = np.linspace(0.3, -0.3, 10)
    poses[:, pose_real.FOOT[0], 1] = y
    per = pose_real.onset_matches(recording(f), time, poses)
    left = per[per["side"] == "left"]
    assert list(left["step"]) == ["first", "inside", "inside", "last"]
    assert list(left["matched"]) == [False, True, True, False]
    table = pose_real.onsets_by_place(per.assign(recording="a"))
    assert table.loc["a", "inside the walk: matched (%)"] == 100.0
    assert table.loc["a", "first or last step of a foot: matched (%)"] == 0.0
    assert table.loc["a", "first or last step of a foot: onsets"] == 2
    summary = pose_real.contact_agreement(recording(f), time, poses).set_index("side")
    assert summary.loc["left", "matched within 0.15 s"] == 2 and summary.loc["left", "predicted contacts"] == 2
