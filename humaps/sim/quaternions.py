"""Quaternion helpers of the simulator: the one set every module of :mod:`humaps.sim` uses.

Quaternions are (..., 4) arrays (w, x, y, z), unit, scalar first — the order of
the QTM export and of :class:`humaps.sim.motion.BodyMotion`. A segment's
quaternion rotates vectors from its frame into the world (or its parent's frame).

:class:`scipy.spatial.transform.Rotation` is used where it is at least as fast
as plain NumPy; where it is slower the NumPy form is kept. Measured on 30 000
quaternions (a trial's frames), shared 2-core CPU, SciPy 1.17:

=====================  ========  =========
operation              NumPy     SciPy
=====================  ========  =========
rotation matrices      15.6 ms   2.0 ms  → SciPy (``as_matrix``)
rotate a vector        0.4 ms    1.2 ms  → NumPy
Hamilton product       4.2 ms    74 ms   → NumPy
Rz·Ry·Rx from angles   5.1 ms    84 ms   → SciPy (no hot path uses it)
=====================  ========  =========

The forward kinematics (:func:`humaps.sim.kinematics.pose_from_angles`) keeps
its own fused, in-place quaternion arithmetic: it is the simulator's hot loop.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

#: multiply a quaternion by this to conjugate it (the inverse of a unit quaternion)
_CONJ = np.array([1.0, -1.0, -1.0, -1.0])


def qmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product a ⊗ b of (..., 4) quaternions (broadcasting): first b, then a."""
    aw, ax, ay, az = np.moveaxis(a, -1, 0)
    bw, bx, by, bz = np.moveaxis(b, -1, 0)
    return np.stack([
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    ], axis=-1)


def qconj(q: np.ndarray) -> np.ndarray:
    """(..., 4) conjugate quaternions: the inverse rotations of unit ``q``."""
    return q * _CONJ


def qrot(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate (..., 3) vectors by (..., 4) unit quaternions (broadcasting): v + 2w(u × v) + 2u × (u × v)."""
    w, x, y, z = np.moveaxis(q, -1, 0)
    vx, vy, vz = np.moveaxis(np.asarray(v, dtype=float), -1, 0)
    tx, ty, tz = 2 * (y * vz - z * vy), 2 * (z * vx - x * vz), 2 * (x * vy - y * vx)  # t = 2 u × v
    return np.stack([vx + w * tx + (y * tz - z * ty),
                     vy + w * ty + (z * tx - x * tz),
                     vz + w * tz + (x * ty - y * tx)], axis=-1)


def qmat(q: np.ndarray) -> np.ndarray:
    """(..., 3, 3) rotation matrices of (..., 4) quaternions (normalised first)."""
    q = np.asarray(q, dtype=float)
    return Rotation.from_quat(q.reshape(-1, 4), scalar_first=True).as_matrix().reshape(q.shape[:-1] + (3, 3))


def euler_to_quat(angles: np.ndarray) -> np.ndarray:
    """(..., 3) radians (x, y, z) → (..., 4) quaternions of R = Rz · Ry · Rx (the joint-angle convention).

    Intrinsic z-y'-x'' rotations, sign included equal to the product qz ⊗ qy ⊗ qx of the three
    half-angle quaternions (as :func:`humaps.sim.kinematics.pose_from_angles` composes them).
    """
    angles = np.asarray(angles, dtype=float)
    zyx = angles.reshape(-1, 3)[:, ::-1]
    return Rotation.from_euler("ZYX", zyx).as_quat(scalar_first=True).reshape(angles.shape[:-1] + (4,))
