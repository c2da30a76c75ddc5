"""Features, the paper's 3-second window rule (exact counts) and pose sequences in both frames."""
from types import SimpleNamespace

import numpy as np
import pandas as pd

from humaps.actions import CLASS_INDEX
from humaps.data.features import (
    activity_windows,
    insole_features,
    majority_labels,
    pose_sequences,
    window_decisions,
)
from humaps.recordings import InsoleRecording, MocapRecording
from humaps.skeleton import INDEX, pelvis_centred


def trial(duration=30.0, offset=0.05, subject="S01", segments=None, seed=0):
    r = np.random.default_rng(seed)
    n, m = int(duration * 100) + 1, int((duration + 1) * 120) + 1
    ins = InsoleRecording(time=np.arange(n) / 100, pressure=r.uniform(0, 10, (n, 2, 16)),
                          acceleration=np.tile([0, 0, 1.0], (n, 2, 1)), angular_rate=np.zeros((n, 2, 3)),
                          total_force=r.uniform(0, 500, (n, 2)), cop=r.uniform(-.5, .5, (n, 2, 2)))
    tm = np.arange(m) / 120 - 0.5                                           # mocap clock
    pos = np.zeros((m, 24, 3)); pos[..., 0] = (tm + offset)[:, None]         # x = insole-clock time
    pos[:, 1:, 2] = 1.0
    mo = MocapRecording(time=tm - tm[0], positions=pos, rotations=np.tile([1.0, 0, 0, 0], (m, 24, 1)))
    segs = segments or [(0.0, 5.0, "Walking")]
    ann = pd.DataFrame(segs, columns=["start_s", "end_s", "label"]).assign(trial="T01")
    return SimpleNamespace(subject=subject, trial_id="T01", insole=ins, mocap=mo, annotations=ann,
                           mocap_offset_s=offset + tm[0])


SEGS = [
    (0.0, 4.0, "Walking"),                 # ≥ 3 s → kept
    (4.0, 5.0, "Jumping in place"),        # short; next 2 s are Jogging = 67 % → relabelled
    (5.0, 10.0, "Jogging"),                # kept
    (10.0, 12.0, "Doing squats"),          # short; squats 67 % → kept
    (12.0, 13.0, "Standing on heels"),     # 1 s heels + 1.5 s tiptoes + 0.5 s gap: none > 60 % → dropped
    (13.0, 14.5, "Standing on tiptoes"),   # tiptoes 50 % → dropped
    (15.0, 29.5, "Leaning forward"),       # ≥ 3 s → kept
]


def test_window_rule_exact_counts():
    dec = window_decisions(trial(segments=SEGS).annotations)
    assert list(dec.decision) == ["kept", "relabelled", "kept", "kept", "dropped", "dropped", "kept"]
    assert dec.label[1] == "Jogging"


def test_activity_windows_shapes_counts_and_alignment():
    tr = trial(segments=SEGS)
    w = activity_windows([tr])
    assert w.insole.shape == (5, 300, 38) and w.pose.shape == (5, 360, 24, 3)
    assert list(w.label) == [CLASS_INDEX[c] for c in ["Walking", "Jogging", "Jogging", "Doing squats", "Leaning forward"]]
    c = w.counts
    assert c.loc["Locomotion", "kept"] == 2 and c.loc["Dynamic", "relabelled"] == 1
    assert c.loc["Static", "kept"] == 1 and c.loc["Static", "dropped"] == 2 and c.loc["Postural", "kept"] == 1
    assert c.values.sum() == len(SEGS)
    # pose is pelvis-centred; pressure window starts at the onset sample
    assert np.abs(w.pose[:, :, 0]).max() < 1e-6
    np.testing.assert_allclose(w.insole[2, 0, :32], tr.insole.pressure[500].reshape(32), rtol=1e-6)


def test_window_past_end_and_mocap_gap_are_dropped_and_counted():
    tr = trial(duration=20.0, segments=[(1.0, 5.0, "Walking"), (6.0, 10.0, "Jogging"), (18.0, 20.0, "Walking")])
    tr.mocap.positions[int((7.0 - tr.mocap_offset_s) * 120):][:60, 3] = np.nan   # 0.5 s gap during jogging
    w = activity_windows([tr])
    assert len(w.label) == 1
    assert w.counts.loc["Locomotion", "dropped_gaps"] == 1 and w.counts.loc["Locomotion", "dropped_range"] == 1


def test_insole_feature_layout():
    tr = trial(duration=2.0)
    P, A, C = insole_features(tr.insole)
    n = tr.insole.n_frames
    assert P.shape == (n, 32) and A.shape == (n, 18) and C.shape == (n, 38)
    np.testing.assert_array_equal(P[:, 16:], tr.insole.pressure[:, 1])
    np.testing.assert_array_equal(A[:, 3:6], tr.insole.acceleration[:, 1])
    np.testing.assert_array_equal(A[:, 12:16], tr.insole.cop.reshape(n, 4))
    np.testing.assert_array_equal(A[:, 16:], tr.insole.total_force)
    np.testing.assert_allclose(A[:, 6:12], 0, atol=1e-6)                     # flat static foot: pitch/yaw/roll 0


def test_pose_sequences_common_grid():
    tr = trial(duration=10.0, segments=[(0, 6, "Walking"), (6, 10, "Jogging")])
    ps = pose_sequences([tr], fs_hz=50, window_s=2.0, stride_s=1.0)
    assert ps.P.shape[1:] == (100, 32) and ps.A.shape[1:] == (100, 18) and ps.J.shape[1:] == (100, 24, 3)
    assert ps.P.dtype == np.float32 and len(ps.label) == len(ps.P) == len(ps.subject)
    assert ps.label[0] == "Walking" and ps.label[-1] == "Jogging"
    # the Spine joint sits 1 m above the pelvis at every frame, whatever the clock offset
    np.testing.assert_allclose(ps.J[:, :, 1, 2], 1.0, atol=1e-6)


def test_pose_sequences_keep_the_yaw_that_recovers_the_paper_frame():
    tr = trial(duration=6.0, segments=[(0, 6, "Walking")])
    t = tr.mocap.time
    yaw = 0.3 * t  # the body turns at 0.3 rad/s
    lr = np.stack([np.cos(yaw), np.sin(yaw)], axis=-1) * 0.1  # hips' left→right axis
    tr.mocap.positions[:, INDEX["RightUpLeg"], :2] += lr
    tr.mocap.positions[:, INDEX["LeftUpLeg"], :2] -= lr
    tr.mocap.positions[:, INDEX["Head"], 1] += 0.2  # something in front of the body, in the world frame
    ps = pose_sequences([tr], fs_hz=50, window_s=1.0, stride_s=1.0)
    # heading-normalised: the hips always lie on the x axis
    np.testing.assert_allclose(ps.J[:, :, INDEX["RightUpLeg"], 1], 0, atol=1e-6)
    assert (ps.J[:, :, INDEX["RightUpLeg"], 0] > 0).all()
    # the paper's frame comes back from J and yaw
    t0 = ps.t0[0] + np.arange(50) / 50 - tr.mocap_offset_s
    expected = pelvis_centred(np.stack([np.interp(t0, t, tr.mocap.positions[:, j, k])
                                        for j in range(24) for k in range(3)], -1).reshape(50, 24, 3))
    np.testing.assert_allclose(ps.J_paper[0], expected, atol=1e-5)


def test_relative_yaw_unwraps_and_removes_the_window_mean():
    from humaps.data.features import relative_yaw

    A = np.zeros((1, 5, 18), np.float32)
    A[0, :, 7] = [170, 179, -172, -165, -160]  # the left yaw crosses ±180 while turning +10°/frame
    A[0, :, 10] = 42.0  # the right foot does not turn: its arbitrary absolute yaw disappears
    out = relative_yaw(A)
    np.testing.assert_allclose(np.diff(out[0, :, 7]), [9, 9, 7, 5], atol=1e-4)
    assert abs(out[0, :, 7].mean()) < 1e-4 and np.allclose(out[0, :, 10], 0)
    np.testing.assert_array_equal(out[..., :7], A[..., :7])


def test_majority_labels_take_the_most_frequent_name_and_break_ties_alphabetically():
    labels = np.array([["Walking", "Walking", "Jogging", ""],
                       ["", "Sitting", "Jogging", ""],   # a tie: the alphabetically first
                       ["", "", "", ""],                 # no action: no label
                       ["", "", "", "Sitting"]], dtype=object)
    assert majority_labels(labels) == ["Walking", "Jogging", "", "Sitting"]
