"""One foot model for placement and physics; one set of quaternion helpers; one gravity."""
import re
from pathlib import Path

import numpy as np
import pytest

from humaps.insole import CENTROIDS_LEFT, LENGTH_BY_SIZE_M
from humaps.sim import physics
from humaps.sim.anthropometry import sample_subjects
from humaps.sim.foot import HEEL_PAD_Y, contact_points, pressure_points
from humaps.sim.kinematics import pose_from_angles
from humaps.sim.motion import BodyMotion
from humaps.sim.placement import place
from humaps.sim.quaternions import euler_to_quat, qmat, qmul, qrot
from humaps.sim.stance import quiet_stance
from humaps.skeleton import INDEX, N_JOINTS

FS = 100.0


@pytest.fixture(scope="module")
def subject():
    return sample_subjects(2, 7)[1]


def test_rest_pose_points_lie_on_the_sole_one_foot_length_apart(subject):
    pos, rot, _ = pose_from_angles(subject.offsets, np.zeros((1, N_JOINTS, 3)))
    cp = contact_points(pos, rot, subject.foot)[0]                          # (2 feet, 3 points, 3)
    ankle = pos[0, [INDEX["LeftFoot"], INDEX["RightFoot"]]]
    sole = np.broadcast_to((ankle[:, 2] - subject.foot.ankle_height_m)[:, None], (2, 3))
    np.testing.assert_allclose(cp[..., 2], sole, atol=1e-12)
    np.testing.assert_allclose(cp[:, 2, 1] - cp[:, 0, 1], subject.foot_length_m, atol=1e-12)
    pp = pressure_points(pos, rot, subject.foot, LENGTH_BY_SIZE_M[subject.insole_size])[0]
    np.testing.assert_allclose(pp[:, 1:], cp[:, 1:], atol=1e-12)            # ball and toe tip shared
    np.testing.assert_allclose(pp[:, 0, 2], cp[:, 0, 2], atol=1e-12)        # heel pad on the same sole
    np.testing.assert_allclose(pp[:, 0, 1] - cp[:, 0, 1], (1 - HEEL_PAD_Y) * LENGTH_BY_SIZE_M[subject.insole_size])


def test_insole_lies_under_the_foot():
    """Heel end under the heel point; the ball over the metatarsal row; the toe tip inside the insole."""
    for s in sample_subjects(32, 2024):
        length = LENGTH_BY_SIZE_M[s.insole_size]
        ankle_y = s.foot.insole_y_of_ankle(length)
        ball_y = ankle_y - s.offsets[INDEX["LeftToeBase"], 1] / length
        tip_y = ball_y - s.foot.toe_length_m / length
        assert ankle_y + s.foot.heel_back_m / length == pytest.approx(1.0)
        metatarsals = CENTROIDS_LEFT[8:13, 1]                               # cells 9–13
        assert metatarsals.min() - 0.03 <= ball_y <= metatarsals.max() + 0.01, (s.subject_id, ball_y)
        assert 0.0 <= tip_y < CENTROIDS_LEFT[13:, 1].min(), (s.subject_id, tip_y)   # toe cells under the toes


def test_physics_sees_the_feet_the_placement_planted(subject):
    """Quiet stance: the placement rests the feet flat (the sway lifts one by ≤ 3 mm at times), and
    the physics reads both regions of the foot the body rests on as fully loaded — the same geometry,
    so no centimetres of slack are needed."""
    n = 300
    a = quiet_stance(subject, n, FS, np.random.default_rng(0))
    ground = np.zeros((n, 2))
    pos, rot, com = place(subject, a.a, 0.4, ground, [], FS)
    motion = BodyMotion(fs=FS, positions=pos, rotations=rot, com=com, ground_height=ground, foot=subject.foot)
    cp = contact_points(pos, rot, subject.foot)
    assert np.abs(cp[..., 2]).max() < 0.003                                 # flat feet, every point down
    contact = physics.contact_weights(motion, subject.insole_size)             # (F, 2 feet, heel/forefoot)
    resting = np.argmin(cp[..., 2].min(-1), axis=1)                         # the foot on the ground
    np.testing.assert_allclose(contact[np.arange(n), resting], 1.0, atol=0.02)
    assert contact.min() > 0.7


def test_quaternion_helpers_agree():
    rng = np.random.default_rng(0)
    q = rng.normal(size=(50, 4))
    q /= np.linalg.norm(q, axis=-1, keepdims=True)
    v = rng.normal(size=(50, 3))
    np.testing.assert_allclose(qrot(q, v), np.einsum("nij,nj->ni", qmat(q), v), atol=1e-12)
    np.testing.assert_allclose(qmat(qmul(q, q[::-1])), qmat(q) @ qmat(q[::-1]), atol=1e-12)
    # R = Rz·Ry·Rx, sign included: the product of the half-angle quaternions qz ⊗ qy ⊗ qx
    ang = rng.uniform(-np.pi, np.pi, (50, 3))
    half = 0.5 * ang
    axis = [np.concatenate([np.cos(half[:, [k]]), np.sin(half[:, [k]]) * np.eye(3)[k]], -1) for k in range(3)]
    np.testing.assert_allclose(euler_to_quat(ang), qmul(axis[2], qmul(axis[1], axis[0])), atol=1e-12)


def test_gravity_is_defined_once():
    """The simulator imports G from humaps.constants; no module writes the number itself."""
    sim = Path(__file__).resolve().parents[1] / "humaps" / "sim"
    hits = [f"{p.name}:{i}" for p in sorted(sim.glob("*.py"))
            for i, line in enumerate(p.read_text().splitlines(), 1) if re.search(r"\b9\.8\d*\b", line)]
    assert not hits, hits
