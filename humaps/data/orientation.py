"""Foot orientation (pitch, yaw, roll) per insole from its IMU, by the Madgwick AHRS filter.

The paper's A_t carries each foot's pitch/yaw/roll; the insoles export only
acceleration (g) and angular rate (deg/s), so the angles are estimated with
the Madgwick filter of the ``ahrs`` package (IMU variant, gain 0.033,
``frequency=100``, first quaternion from the first accelerometer sample via
``ahrs.common.orientation.acc2q``). The same function runs on simulated and
real recordings.

Speed (measured on the shared 2-core CPU): ``ahrs.filters.Madgwick`` costs
25–150 µs per sample (a chain of small NumPy calls per sample), i.e. ≥ 50 s for
1M samples of both feet. ``engine="fast"`` (default) runs the *same* update
equations as a loop compiled by numba: 0.13 µs per sample against 7.3 µs for the
same loop on Python floats, which it reproduces bit for bit (2026-12-07, 200 000
random samples); the loop took 32 of the 84 s of building the book's pose windows.
``tests/test_io_orientation.py`` checks it matches ``ahrs`` to 1e-9 deg on a real
Moticon recording.
"""
from __future__ import annotations

import math

import numba
import numpy as np

from humaps.recordings import InsoleRecording

GAIN_IMU = 0.033  # ahrs.filters.Madgwick default for the IMU (no magnetometer) case


def _acc2q(ax: float, ay: float, az: float) -> tuple[float, float, float, float]:
    """ahrs.common.orientation.acc2q: roll/pitch from gravity, yaw 0."""
    n = math.sqrt(ax * ax + ay * ay + az * az)
    if n == 0:
        return 1.0, 0.0, 0.0, 0.0
    ax, ay, az = ax / n, ay / n, az / n
    ex, ey = math.atan2(ay, az), math.atan2(-ax, math.sqrt(ay * ay + az * az))
    cx, sx, cy, sy = math.cos(ex / 2), math.sin(ex / 2), math.cos(ey / 2), math.sin(ey / 2)
    q = (cx * cy, sx * cy, cx * sy, -sx * sy)
    qn = math.sqrt(sum(c * c for c in q))
    return tuple(c / qn for c in q)


@numba.njit(cache=True)
def _madgwick_loop(G: np.ndarray, A: np.ndarray, out: np.ndarray, first: int, dt: float, gain: float) -> None:
    """The filter's recursion over samples ``first``…N-1 of G, A (N, 3) into ``out`` (N, 4); ``out[first - 1]``
    (or ``out[0]`` when ``first`` is 0, already set) holds the quaternion to start from."""
    qw, qx, qy, qz = out[max(first - 1, 0)]
    for t in range(first, len(G)):
        gx, gy, gz = G[t, 0], G[t, 1], G[t, 2]
        if gx == 0.0 and gy == 0.0 and gz == 0.0:  # ahrs returns q unchanged for a zero rate
            out[t, 0], out[t, 1], out[t, 2], out[t, 3] = qw, qx, qy, qz
            continue
        # qDot = 0.5 * q ⊗ (0, g)
        dw = 0.5 * (-qx * gx - qy * gy - qz * gz)
        dx = 0.5 * (qw * gx + qy * gz - qz * gy)
        dy = 0.5 * (qw * gy - qx * gz + qz * gx)
        dz = 0.5 * (qw * gz + qx * gy - qy * gx)
        ax, ay, az = A[t, 0], A[t, 1], A[t, 2]
        an = math.sqrt(ax * ax + ay * ay + az * az)
        if an > 0:
            ax, ay, az = ax / an, ay / an, az / an
            qn = math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz)
            w, x, y, z = qw / qn, qx / qn, qy / qn, qz / qn
            f0 = 2.0 * (x * z - w * y) - ax
            f1 = 2.0 * (w * x + y * z) - ay
            f2 = 2.0 * (0.5 - x * x - y * y) - az
            if f0 != 0.0 or f1 != 0.0 or f2 != 0.0:
                g0 = -2.0 * y * f0 + 2.0 * x * f1
                g1 = 2.0 * z * f0 + 2.0 * w * f1 - 4.0 * x * f2
                g2 = -2.0 * w * f0 + 2.0 * z * f1 - 4.0 * y * f2
                g3 = 2.0 * x * f0 + 2.0 * y * f1
                gn = math.sqrt(g0 * g0 + g1 * g1 + g2 * g2 + g3 * g3)
                if gn > 0:
                    dw -= gain * g0 / gn
                    dx -= gain * g1 / gn
                    dy -= gain * g2 / gn
                    dz -= gain * g3 / gn
        qw, qx, qy, qz = qw + dw * dt, qx + dx * dt, qy + dy * dt, qz + dz * dt
        qn = math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz)
        qw, qx, qy, qz = qw / qn, qx / qn, qy / qn, qz / qn
        out[t, 0], out[t, 1], out[t, 2], out[t, 3] = qw, qx, qy, qz


def _madgwick_fast(gyr: np.ndarray, acc: np.ndarray, dt: float, gain: float,
                   q0: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Madgwick IMU filter, the update of ``ahrs.filters.Madgwick.updateIMU`` compiled by numba.

    gyr (N, 3) rad/s, acc (N, 3) any unit; returns (N, 4) quaternions (w, x, y, z).
    A per-sample loop is inherent to the filter (each step needs the previous one).
    ``q0``: continue from this quaternion (every sample is an update; how a stream is
    filtered chunk by chunk); None: start at ``acc2q`` of the first sample, as ``ahrs`` does.
    """
    G = np.ascontiguousarray(gyr, dtype=np.float64)
    A = np.ascontiguousarray(acc, dtype=np.float64)
    out = np.empty((len(G), 4))
    if len(G) == 0:
        return out
    if q0 is None:
        out[0] = _acc2q(*A[0].tolist())
        first = 1
    else:
        out[0] = tuple(float(c) for c in q0)  # the start; overwritten by sample 0's update below
        first = 0
    _madgwick_loop(G, A, out, first, float(dt), float(gain))
    return out


def quaternion_to_pyr(q: np.ndarray) -> np.ndarray:
    """(..., 4) quaternions (w, x, y, z), sensor to world → (..., 3) [pitch, yaw, roll] in degrees.

    The sensor frame is yawed about the world's vertical, then rolled about its long axis (X, toes),
    then pitched about its lateral axis (Y): R = Rz(yaw) · Rx(roll) · Ry(pitch). Why this order: the
    middle rotation's ±90° is the decomposition's gimbal lock, where the other two angles become
    ill-conditioned. A foot never rolls 90°, but it pitches close to 90° at push-off (the median stride
    curves of the four real recordings peak at 61–83°): with pitch in the middle (the aerospace Z-Y-X
    order) their yaw jumped by 15–25° within a twentieth of a stride there, an artefact of the angles and
    not a motion, which the simulated feet (peaking near 60°) did not show.
    """
    w, x, y, z = np.moveaxis(q, -1, 0)
    r01, r11 = 2 * (x * y - w * z), 1 - 2 * (x * x + z * z)
    r20, r21, r22 = 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)
    roll = np.arcsin(np.clip(r21, -1.0, 1.0))
    pitch = np.arctan2(-r20, r22)
    yaw = np.arctan2(-r01, r11)
    return np.degrees(np.stack([pitch, yaw, roll], axis=-1))


def foot_quaternions(acc_g: np.ndarray, gyr_dps: np.ndarray, *, rate_hz: float = 100.0,
                     gain: float = GAIN_IMU, engine: str = "fast") -> np.ndarray:
    """(N, 3) acceleration [g] and angular rate [deg/s] of one insole → (N, 4) quaternions (w, x, y, z)."""
    assert engine in ("fast", "ahrs"), f"engine must be 'fast' or 'ahrs', got {engine!r}"
    gyr = np.radians(np.asarray(gyr_dps, dtype=np.float64))
    acc = np.asarray(acc_g, dtype=np.float64)
    if engine == "ahrs":
        from ahrs.filters import Madgwick

        return Madgwick(gyr=gyr, acc=acc, frequency=rate_hz, gain=gain).Q
    return _madgwick_fast(gyr, acc, 1.0 / rate_hz, gain)


def foot_orientation(rec: InsoleRecording, *, engine: str = "fast", gain: float = GAIN_IMU) -> np.ndarray:
    """(N, 2, 3) [pitch, yaw, roll] in degrees per side (0 left, 1 right) of an insole recording."""
    rate = rec.rate_hz if rec.n_frames > 1 else 100.0
    out = np.empty((rec.n_frames, 2, 3))
    for s in range(2):
        q = foot_quaternions(rec.acceleration[:, s], rec.angular_rate[:, s], rate_hz=rate, gain=gain, engine=engine)
        out[:, s] = quaternion_to_pyr(q)
    return out
