"""AHRS foot orientation: a static insole gives the gravity-implied pitch and roll."""
import numpy as np
from scipy.spatial.transform import Rotation

from humaps.data.orientation import (
    foot_orientation,
    foot_quaternions,
    quaternion_to_pyr,
)
from humaps.recordings import InsoleRecording


def static(acc_left, acc_right, n=300, seed=0):
    r = np.random.default_rng(seed)
    acc = np.stack([np.tile(acc_left, (n, 1)), np.tile(acc_right, (n, 1))], axis=1) + r.normal(0, 1e-3, (n, 2, 3))
    gyr = r.normal(0, 0.2, (n, 2, 3))               # gyro noise, deg/s
    return InsoleRecording(time=np.arange(n) / 100, pressure=np.zeros((n, 2, 16)), acceleration=acc,
                           angular_rate=gyr, total_force=np.zeros((n, 2)), cop=np.zeros((n, 2, 2)))


def test_static_tilt_gives_gravity_pitch_roll():
    pitch, roll = np.radians(20.0), np.radians(-10.0)
    # gravity in a sensor rolled about x, then pitched about its y (R = Rz Rx Ry), as an accelerometer reads it
    g = np.array([-np.cos(roll) * np.sin(pitch), np.sin(roll), np.cos(roll) * np.cos(pitch)])
    pyr = foot_orientation(static(g, [0, 0, 1.0]))
    np.testing.assert_allclose(pyr[-1, 0, [0, 2]], [20.0, -10.0], atol=0.5)
    np.testing.assert_allclose(pyr[-1, 1, [0, 2]], [0.0, 0.0], atol=0.5)


def test_fast_engine_equals_ahrs_on_motion():
    r = np.random.default_rng(1)
    acc = r.normal(0, 0.3, (400, 3)) + [0, 0, 1]
    gyr = np.cumsum(r.normal(0, 5, (400, 3)), axis=0)
    a = quaternion_to_pyr(foot_quaternions(acc, gyr))
    b = quaternion_to_pyr(foot_quaternions(acc, gyr, engine="ahrs"))
    np.testing.assert_allclose(a, b, atol=1e-9)


def test_angles_are_intrinsic_yaw_roll_pitch():
    # R = Rz(yaw) · Rx(roll) · Ry(pitch): scipy's intrinsic "ZXY"; feet roll less than 60°
    rng = np.random.default_rng(2)
    ypr = np.column_stack([rng.uniform(-180, 180, 200), rng.uniform(-60, 60, 200), rng.uniform(-170, 170, 200)])
    xyzw = Rotation.from_euler("ZXY", ypr, degrees=True).as_quat()
    pyr = quaternion_to_pyr(np.roll(xyzw, 1, axis=1))               # (w, x, y, z)
    np.testing.assert_allclose(pyr, ypr[:, [2, 0, 1]], atol=1e-9)


def test_push_off_pitch_leaves_yaw_and_roll_alone():
    # the insole pitches toes-down to ≈ 80° at push-off: yaw and roll must not move with it
    pitch = np.linspace(0.0, 89.0, 90)
    ypr = np.column_stack([np.full(90, 10.0), np.full(90, 5.0), pitch])
    xyzw = Rotation.from_euler("ZXY", ypr, degrees=True).as_quat()
    pyr = quaternion_to_pyr(np.roll(xyzw, 1, axis=1))
    np.testing.assert_allclose(pyr[:, 1:], np.tile([10.0, 5.0], (90, 1)), atol=1e-9)
    np.testing.assert_allclose(pyr[:, 0], pitch, atol=1e-9)
