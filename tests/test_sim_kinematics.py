"""Kinematics of the simulated cohort: FK, feet, balance, determinism, every class, annotations."""
import numpy as np
import pytest

from humaps.constants import G
from humaps.data.realism import runs, stance_mask
from humaps.sim.actions import ACTION_NAMES, ACTIONS, CATEGORIES, DURATIONS
from humaps.sim.anthropometry import sample_subjects
from humaps.sim.config import CohortConfig
from humaps.sim.foot import contact_points
from humaps.sim.kinematics import body_com, forward_kinematics
from humaps.sim.physics import foot_loads
from humaps.sim.placement import place
from humaps.sim.quaternions import euler_to_quat, qmul
from humaps.sim.stance import quiet_stance
from humaps.sim.trials import PROGRAMS, build_trial, mocap_from_motion, perform
from humaps.skeleton import BONES, INDEX, N_JOINTS

FS = 100.0


@pytest.fixture(scope="module")
def subject():
    return sample_subjects(2, 7)[1]


def test_fk_hand_computed_chain():
    off = np.zeros((N_JOINTS, 3))
    off[INDEX["LeftUpLeg"]] = (-0.1, 0.0, -0.05)
    off[INDEX["LeftLeg"]] = (0.0, 0.0, -0.4)
    ang = np.zeros((1, N_JOINTS, 3))
    ang[0, INDEX["LeftUpLeg"], 0] = np.pi / 2   # hip flexed 90°: thigh points forward (+y)
    ang[0, INDEX["LeftLeg"], 0] = -np.pi / 2    # knee flexed 90°: shank points down again
    ang[0, INDEX["Hips"], 2] = np.pi / 2        # whole body turned left: +y -> -x
    pos, rot = forward_kinematics(off, euler_to_quat(ang), np.array([[1.0, 2.0, 1.0]]))
    # root-frame: hip (-0.1, 0, -0.05), knee hip + (0, 0.4, 0); then yaw 90°: (x, y) -> (-y, x)
    np.testing.assert_allclose(pos[0, INDEX["LeftUpLeg"]], [1.0, 2.0 - 0.1, 0.95], atol=1e-12)
    np.testing.assert_allclose(pos[0, INDEX["LeftLeg"]], [1.0 - 0.4, 2.0 - 0.1, 0.95], atol=1e-12)
    shank_dir = rot[0, INDEX["LeftLeg"]]
    np.testing.assert_allclose(np.abs(shank_dir), [np.sqrt(.5), 0, 0, np.sqrt(.5)], atol=1e-12)


def test_anthropometry_ranges_and_determinism():
    a, b = sample_subjects(32, 2024), sample_subjects(32, 2024)
    h = np.array([s.height_m for s in a])
    m = np.array([s.mass_kg for s in a])
    assert h.min() >= 1.55 and h.max() <= 1.95 and 45 <= m.min() and m.max() <= 105
    assert [s.subject_id for s in a] == [f"S{i:02d}" for i in range(1, 33)]
    assert all(np.allclose(x.offsets, y.offsets) and x.style == y.style for x, y in zip(a, b))
    assert not np.allclose(a[0].offsets, sample_subjects(1, 2025)[0].offsets)
    for s in a[:4]:
        np.testing.assert_allclose(s.seg_mass_kg.sum(), s.mass_kg)


def test_actions_table_matches_paper():
    import pandas as pd

    t7 = pd.read_csv("humaps/book/paper_tables/table7_classwise_loso.csv")
    assert list(t7.class_name) == list(ACTION_NAMES)
    assert list(t7.category) == [c for _, c in ACTIONS]
    assert tuple(dict.fromkeys(t7.category)) == CATEGORIES


@pytest.mark.parametrize("name", ACTION_NAMES)
def test_every_class_is_finite_and_in_duration_range(subject, name):
    m = perform(subject, name, np.random.default_rng(3), FS)
    lo, hi = DURATIONS[name][2], DURATIONS[name][3]
    dur = m.n_frames / FS
    assert lo - 1.5 <= dur <= hi + 1.5, (name, dur)
    pos, rot, com = place(subject, m.angles, 0.3, m.ground, m.flights, FS, stance=m.stance)
    assert np.isfinite(pos).all() and np.isfinite(rot).all() and np.isfinite(com).all()
    cp = contact_points(pos, rot, subject.foot)
    # no contact point below its ground; the body never teleports
    assert (cp[..., 2] - m.ground[:, :, None]).min() > -1e-9
    assert np.abs(np.diff(pos[:, 0], axis=0)).max() * FS < 6.0, name


def test_bone_lengths_constant_and_quaternions_unit(subject):
    m = perform(subject, "Jogging", np.random.default_rng(1), FS)
    pos, rot, _ = place(subject, m.angles, 0.0, m.ground, m.flights, FS, stance=m.stance)
    for c, p in BONES:
        length = np.linalg.norm(pos[:, c] - pos[:, p], axis=-1)
        assert length.std() < 1e-9
    np.testing.assert_allclose(np.linalg.norm(rot, axis=-1), 1.0, atol=1e-9)


@pytest.mark.parametrize("name", ["Standing upright without moving", "Balancing on the left leg", "Doing squats",
                                  "Sitting on the stool"])
def test_planted_feet_do_not_slide(subject, name):
    m = perform(subject, name, np.random.default_rng(2), FS)
    pos, rot, _ = place(subject, m.angles, 1.0, m.ground, m.flights, FS)
    cp = contact_points(pos, rot, subject.foot)
    on = (cp[1:, ..., 2] < 1e-3) & (cp[:-1, ..., 2] < 1e-3)
    step = np.linalg.norm(np.diff(cp[..., :2], axis=0), axis=-1)
    assert on.any() and step[on].max() < 0.003  # < 3 mm per frame, i.e. no sliding


def test_stance_foot_planted_in_walking(subject):
    m = perform(subject, "Walking", np.random.default_rng(5), FS)
    pos, rot, _ = place(subject, m.angles, 0.0, m.ground, m.flights, FS, stance=m.stance)
    cp = contact_points(pos, rot, subject.foot)
    single = (m.stance.sum(1) == 1)
    foot = np.argmax(m.stance, axis=1)
    low = cp[np.arange(len(foot)), foot, :, 2].argmin(-1)  # the stance foot's lowest point
    p = cp[np.arange(len(foot)), foot, low]
    keep = single[1:] & single[:-1] & (foot[1:] == foot[:-1]) & (low[1:] == low[:-1])
    slide = np.linalg.norm(np.diff(p[:, :2], axis=0), axis=-1)[keep]
    assert keep.sum() > 50 and np.median(slide) < 1e-3 and np.percentile(slide, 90) < 0.004
    speed = (pos[-1, 0, :2] - pos[0, 0, :2]) / (m.n_frames / FS)
    assert 0.6 < np.linalg.norm(speed) < 1.8


def test_com_inside_base_of_support_in_quiet_stance(subject):
    a = quiet_stance(subject, 400, FS, np.random.default_rng(0))
    pos, rot, com = place(subject, a.a, 0.0, np.zeros((400, 2)), [], FS)
    cp = contact_points(pos, rot, subject.foot)[..., :2].reshape(400, -1, 2)
    lo, hi = cp.min(1), cp.max(1)
    assert ((com[:, :2] > lo) & (com[:, :2] < hi)).all()
    np.testing.assert_allclose(com, body_com(pos, rot, subject.seg_com, subject.seg_mass_kg), rtol=1e-9, atol=1e-12)


def test_trial_annotations_and_mocap(subject):
    cfg = CohortConfig(n_subjects=1, repetitions=1, sim_rate_hz=100.0)
    names = ["Walking", "Jumping forward", "Climbing the stairs", "Leaning forward"]
    motion, ann = build_trial(subject, np.random.default_rng(0), 100.0, actions=names)
    assert list(ann.label) == names
    assert (ann.start_s.diff().dropna() > 0).all() and (ann.end_s > ann.start_s).all()
    assert (ann.start_s.iloc[1:].values - ann.end_s.iloc[:-1].values >= 0.7).all()
    assert ann.end_s.iloc[-1] <= motion.n_frames / motion.fs
    # stairs leave both feet on the top step; external arrays cover the trial
    assert motion.ground_height[-1, 0] == motion.ground_height[-1, 1] > 0.25
    for k, v in motion.external.items():
        assert v.shape[0] == motion.n_frames, k
    mc = mocap_from_motion(motion, cfg, np.random.default_rng(1))
    assert abs(mc.meta["clock_offset_s"]) <= 0.05 and np.allclose(np.diff(mc.time), 1 / 120)
    ok = np.isfinite(mc.positions).all((1, 2))
    assert ok.mean() > 0.9
    k = int(np.argmax(ok))
    t = mc.time[k] + mc.meta["clock_offset_s"]
    truth = motion.positions[int(round(t * motion.fs))]
    assert np.abs(mc.positions[k] - truth).max() < 0.03


def test_trials_deterministic_from_seed(subject):
    a, ann_a = build_trial(subject, np.random.default_rng(11), FS, actions=["Side stepping", "Looking backward"])
    b, ann_b = build_trial(subject, np.random.default_rng(11), FS, actions=["Side stepping", "Looking backward"])
    np.testing.assert_array_equal(a.positions, b.positions)
    assert ann_a.equals(ann_b)
    c, _ = build_trial(subject, np.random.default_rng(12), FS, actions=["Side stepping", "Looking backward"])
    assert c.n_frames != a.n_frames or not np.allclose(c.positions, a.positions)


def test_programs_registry_complete():
    assert tuple(PROGRAMS) == ACTION_NAMES and len(ACTION_NAMES) == 30


@pytest.mark.parametrize("name,joint", [("Putting left hand on the ground", "LeftHand"),
                                        ("Putting right hand on the ground", "RightHand")])
def test_hand_reaches_the_floor_and_takes_load(subject, name, joint):
    m = perform(subject, name, np.random.default_rng(4), FS)
    pos, rot, _ = place(subject, m.angles, 0.0, m.ground, m.flights, FS, stance=m.stance)
    loaded = m.external["support_force_n"] > 1.0
    assert loaded.any() and m.support_joint == joint
    wrist = pos[loaded, INDEX[joint], 2]
    assert np.all(np.abs(wrist - 0.5 * subject.hand_length_m) < 0.03)  # palm on the floor while loaded


@pytest.mark.parametrize("name,v", [("Jumping in place", 0.25), ("Jumping forward", None)])
def test_jumps_have_a_ballistic_flight(subject, name, v):
    m = perform(subject, name, np.random.default_rng(6), 200.0)
    pos, rot, com = place(subject, m.angles, 0.0, m.ground, m.flights, 200.0, stance=m.stance)
    cp = contact_points(pos, rot, subject.foot)
    air = (cp[..., 2] > 0.003).all((1, 2))
    assert 0.2 < air.sum() / 200.0 < 0.8                      # flight time of a real jump
    acc = np.diff(com[air, 2], 2) * 200.0 ** 2
    np.testing.assert_allclose(np.median(acc), -G, atol=0.3)  # free fall while airborne
    travel = np.linalg.norm(com[-1, :2] - com[0, :2])
    assert travel < v if v is not None else travel > 0.3


def test_pose_from_angles_matches_quaternion_fk(subject):
    """The fused, in-place FK used by ``place`` equals euler_to_quat → forward_kinematics (+ heading, COM)."""
    from humaps.sim.kinematics import pose_from_angles

    rng = np.random.default_rng(4)
    ang = rng.uniform(-60, 60, (50, N_JOINTS, 3))
    ang[:, INDEX["LeftLeg"], 1:] = 0.0          # single-axis and fixed joints take the sparse paths
    ang[:, INDEX["RightHand"]] = 0.0
    q = euler_to_quat(np.deg2rad(ang))
    h = 0.7
    yaw = np.array([np.cos(h / 2), 0.0, 0.0, np.sin(h / 2)])
    q[:, 0] = qmul(np.broadcast_to(yaw, q[:, 0].shape), q[:, 0])
    pos, rot = forward_kinematics(subject.offsets, q)
    p2, r2, c2 = pose_from_angles(subject.offsets, ang, h, subject.seg_com, subject.seg_mass_kg)
    np.testing.assert_allclose(p2, pos, atol=1e-12)
    np.testing.assert_allclose(r2, rot, atol=1e-12)
    np.testing.assert_allclose(c2, body_com(pos, rot, subject.seg_com, subject.seg_mass_kg), atol=1e-12)


@pytest.mark.parametrize("offset_s", [-0.031, 0.0, 0.0237])
@pytest.mark.parametrize("rate", [120.0, 200.0])
def test_mocap_resampling_matches_per_channel_interpolation(subject, offset_s, rate):
    """The slice fast path (equal rates) and the gather path agree with np.interp on every channel."""
    motion, _ = build_trial(subject, np.random.default_rng(3), rate, actions=["Walking"])
    cfg = CohortConfig(n_subjects=1, repetitions=1, sim_rate_hz=rate, mocap_noise_mm=0.0, mocap_gaps_per_min=0.0,
                       mocap_offset_s=(offset_s, offset_s))
    mc = mocap_from_motion(motion, cfg, np.random.default_rng(0))
    t_src = np.arange(motion.n_frames) / motion.fs
    t = mc.time + offset_s
    flat = motion.positions.reshape(motion.n_frames, -1)
    ref = np.stack([np.interp(t, t_src, flat[:, c]) for c in range(flat.shape[1])], -1)
    np.testing.assert_allclose(mc.positions.reshape(len(t), -1), ref, atol=1e-12)
    # rotations: normalised linear interpolation between the neighbouring frames
    q = motion.rotations.reshape(motion.n_frames, -1)
    qref = np.stack([np.interp(t, t_src, q[:, c]) for c in range(q.shape[1])], -1).reshape(mc.rotations.shape)
    qref /= np.linalg.norm(qref, axis=-1, keepdims=True)
    np.testing.assert_allclose(mc.rotations, qref, atol=1e-9)


def test_foot_roll_is_about_the_foot_own_long_axis():
    """The Rz·Ry·Rx angles Angles.leg writes equal rolling the already pitched foot: Rx(pitch)·Ry(roll)."""
    from humaps.sim.angles import _roll_about_foot

    pitch, roll = np.array([-54.0, -20.0, 0.0, 14.0]), np.array([16.0, -8.0, 5.0, 0.0])
    p, r, y = _roll_about_foot(pitch, roll)
    zero = np.zeros_like(pitch)
    got = euler_to_quat(np.deg2rad(np.stack([p, r, y], -1)))
    want = qmul(euler_to_quat(np.deg2rad(np.stack([pitch, zero, zero], -1))),
                euler_to_quat(np.deg2rad(np.stack([zero, roll, zero], -1))))
    np.testing.assert_allclose(np.abs((got * want).sum(-1)), 1.0, atol=1e-12)   # same rotation (q ≡ −q)
    assert abs(y[0]) > 10.0 and y[2] == 0.0 and r[3] == 0.0                      # a plantarflexed foot needs yaw


def _stances(subject, seed: int) -> list[np.ndarray]:
    """Per foot (left, right): (K, 2) start and end frames of the complete stances of a trial of three walks."""
    m, _ = build_trial(subject, np.random.default_rng(seed), FS, actions=["Walking"] * 3)
    force = foot_loads(m, mass_kg=subject.mass_kg, insole_size=subject.insole_size).force
    mask = stance_mask(force, on_n=0.08 * subject.mass_kg * G, off_n=0.04 * subject.mass_kg * G, fs=FS)
    out = []
    for side in (0, 1):
        on, off = runs(mask[:, side])
        keep = (on > 0) & (off < len(mask))
        out.append(np.stack([on[keep], off[keep]], axis=1))
    return out


def test_walking_is_left_right_symmetric(subject):
    # the legs run the same curves half a stride apart, so each foot stands as long; a pelvis that rolled
    # at twice the stride rate (the same way at both heel strikes) made one foot's stance 10 % longer
    left, right = (np.median(np.diff(s, axis=1)) for s in _stances(subject, 3))
    assert abs(left / right - 1) < 0.03, (left, right)
