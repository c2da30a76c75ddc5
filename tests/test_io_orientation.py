"""AHRS foot orientation: a static insole gives the gravity-implied pitch and roll."""
import numpy as np

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
    # gravity in a sensor pitched by +pitch about y then rolled about x (ZYX), as an accelerometer reads it
    g = np.array([-np.sin(pitch), np.cos(pitch) * np.sin(roll), np.cos(pitch) * np.cos(roll)])
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
