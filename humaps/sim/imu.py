"""Insole IMU: specific force (g) and angular rate (deg/s) from the simulated foot motion.

The insole frame rides on the Foot segment: ``R_ins(t) = R_foot(t)·R_mount``
with ``R_mount`` fixed so that, in the trial's flat-foot reference frame, X
points along the foot toward the toes (horizontal), Z along the sole normal
(up) and Y = Z × X (to the left) — then tilted by a small mounting angle.

Measured on the real recordings (``moticon-opengo`` test data):

- quiet stance reads ≈ (−0.19, 0.04, 0.97) g on both insoles: the X axis
  points ≈ 11° below the horizontal (shoe heel drop and sensor mounting), Y
  ≈ 2° above it → :data:`MOUNT_PITCH_DEG`, :data:`MOUNT_ROLL_DEG`;
- the pitch rate (Y) is negative in swing (toe up) and positive from heel
  strike to push-off on *both* feet, so Y has the same direction (left, a
  right-handed X toes / Y left / Z up frame) on both insoles — the issue's
  "Y mirrored between feet" holds for the pressure/COP layout, not the IMU;
- values are quantised to 1/2048 g (±16 g) and 0.07 deg/s (±2000 deg/s).

Noise, zero-rate offsets, their drift, the accelerometer's scale and the
mounting tilt of each subject's insoles are drawn from the values
:mod:`humaps.data.calibration` fitted on those recordings (:mod:`humaps.sim.device`).
"""
from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from humaps.constants import G
from humaps.sim.foot import FOOT_SEGMENTS, TOE_SEGMENTS
from humaps.sim.physics import derivative, lowpass
from humaps.sim.quaternions import qconj, qmat, qmul

ACC_STEP_G, ACC_MAX_G = 1.0 / 2048.0, 16.0
GYRO_STEP_DPS, GYRO_MAX_DPS = 0.07, 2000.0
MOUNT_PITCH_DEG, MOUNT_ROLL_DEG = 11.0, 2.3     # the size-7 wearer's quiet stance (default tilt)
KIN_CUTOFF_HZ = 12.0          # the motion programs are smooth; keep only what they can carry


def body_rates(q: np.ndarray, fs: float) -> np.ndarray:
    """(F, ..., 3) angular velocity in the body frame, rad/s, from quaternions (F, ..., 4): ω = 2·q*⊗q̇."""
    q = q.copy()
    flip = np.einsum("f...k,f...k->f...", q[1:], q[:-1]) < 0          # keep the sign continuous
    sign = np.concatenate([np.ones((1,) + q.shape[1:-1]), np.cumprod(np.where(flip, -1.0, 1.0), axis=0)])
    q *= sign[..., None]
    return 2.0 * qmul(qconj(q), derivative(q, fs))[..., 1:]


def mount_matrix(pitch_deg: float, roll_deg: float) -> np.ndarray:
    """(3, 3) sensor tilt Ry(pitch)·Rx(roll): toe-down pitch about Y, then roll about the tilted X."""
    return Rotation.from_euler("YX", [pitch_deg, roll_deg], degrees=True).as_matrix()


def flat_frame(motion) -> np.ndarray:
    """(2,) per foot, the frame taken as flat on the ground (the IMU's mounting reference): the first.

    The insole is glued into the shoe: its tilt relative to the foot is fixed, and it lies flat (up to
    the mounting tilt) when the subject stands in the neutral pose, as every trial and motion program
    begins. The frame where the foot happens to be lowest over a whole trial (the former choice) may
    fall inside an action with the foot rolled (side steps, squats): that made the mounting roll a
    per-trial accident of ±6°, and the simulated walking's foot roll disagreed with the real insoles'
    (KS distance 0.6)."""
    return np.zeros(2, dtype=int)


def insole_imu(motion, *, centre: np.ndarray, reference: np.ndarray, gyro_bias_dps: np.ndarray | None = None,
               acc_bias_g: np.ndarray | None = None, mount_deg=(MOUNT_PITCH_DEG, MOUNT_ROLL_DEG)):
    """Acceleration (F, 2, 3) g and angular rate (F, 2, 3) deg/s of both insoles, insole frame, noise-free.

    ``centre`` (F, 2, 3) world position of each insole centre (rigidly attached
    to the foot); ``reference`` (2,) flat-foot frame index per side, where the
    insole axes are X = horizontal heading, Z = up, then tilted by ``mount_deg``
    ((pitch, roll) for both sides, or (2, 2) per side). Biases (2, 3) are added as given.
    """
    fs = motion.fs
    feet, toes = FOOT_SEGMENTS, TOE_SEGMENTS
    q = motion.rotations[:, feet]                                   # (F, 2, 4) foot → world
    r_foot = qmat(q)                                                # (F, 2, 3, 3)
    mount_deg = np.broadcast_to(np.asarray(mount_deg, float), (2, 2))
    mounts = []
    for s in range(2):                                              # 2 sides: the fixed mounting rotation
        t = int(reference[s])
        d = motion.positions[t, toes[s], :2] - motion.positions[t, feet[s], :2]
        d = d / max(np.linalg.norm(d), 1e-9)
        r_ins0 = np.array([[d[0], -d[1], 0.0], [d[1], d[0], 0.0], [0.0, 0.0, 1.0]])  # columns X, Y, Z
        mounts.append(r_foot[t, s].T @ r_ins0 @ mount_matrix(*mount_deg[s]))
    mount = np.stack(mounts)                                        # (2, 3, 3) insole → foot
    r_ins = np.einsum("fsij,sjk->fsik", r_foot, mount)              # insole → world
    acc_w = lowpass(derivative(centre, fs, 2), fs, KIN_CUTOFF_HZ)
    spec = acc_w + np.array([0.0, 0.0, G])                          # specific force, world
    acc = np.einsum("fsji,fsj->fsi", r_ins, spec) / G
    w_foot = lowpass(body_rates(q, fs), fs, KIN_CUTOFF_HZ)          # (F, 2, 3) rad/s, foot frame
    gyro = np.degrees(np.einsum("sji,fsj->fsi", mount, w_foot))
    if acc_bias_g is not None:
        acc = acc + acc_bias_g[None]
    if gyro_bias_dps is not None:
        gyro = gyro + gyro_bias_dps[None]
    return acc, gyro


def quantise_imu(acc: np.ndarray, gyro: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Round and saturate like the OpenGo IMU export."""
    acc = np.clip(np.round(acc / ACC_STEP_G) * ACC_STEP_G, -ACC_MAX_G, ACC_MAX_G)
    gyro = np.clip(np.round(gyro / GYRO_STEP_DPS) * GYRO_STEP_DPS, -GYRO_MAX_DPS, GYRO_MAX_DPS)
    return acc, gyro
