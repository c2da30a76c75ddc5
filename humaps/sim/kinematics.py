"""Forward kinematics on the 24-joint skeleton, vectorised over frames.

Quaternions are (w, x, y, z), unit, and rotate a segment's frame into its
parent's (local) or into the world (global). Local joint angles are given as
(F, 24, 3) radians about the parent frame's (x, y, z) axes in the rest pose —
x = right (flexion/extension), y = forward (ab/adduction, lateral bend),
z = up (axial rotation) — composed as R = Rz · Ry · Rx. With this
convention a positive x angle swings a downward limb forward (hip/shoulder
flexion) and tips the foot's toes up (ankle dorsiflexion); knee flexion and
forward trunk flexion are negative x angles.
"""
from __future__ import annotations

import numpy as np

from humaps.skeleton import INDEX, N_JOINTS, PARENTS


def qmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product a ⊗ b of (..., 4) quaternions (broadcasting)."""
    aw, ax, ay, az = np.moveaxis(a, -1, 0)
    bw, bx, by, bz = np.moveaxis(b, -1, 0)
    return np.stack([
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    ], axis=-1)


def qrot(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate (..., 3) vectors by (..., 4) unit quaternions (broadcasting)."""
    w, x, y, z = np.moveaxis(q, -1, 0)
    vx, vy, vz = np.moveaxis(np.asarray(v, dtype=float), -1, 0)
    tx, ty, tz = 2 * (y * vz - z * vy), 2 * (z * vx - x * vz), 2 * (x * vy - y * vx)  # t = 2 u × v
    return np.stack([vx + w * tx + (y * tz - z * ty),
                     vy + w * ty + (z * tx - x * tz),
                     vz + w * tz + (x * ty - y * tx)], axis=-1)


def euler_to_quat(angles: np.ndarray) -> np.ndarray:
    """(..., 3) radians (x, y, z) → (..., 4) quaternion of R = Rz · Ry · Rx."""
    h = 0.5 * np.asarray(angles, dtype=float)
    cx, sx = np.cos(h[..., 0]), np.sin(h[..., 0])
    cy, sy = np.cos(h[..., 1]), np.sin(h[..., 1])
    cz, sz = np.cos(h[..., 2]), np.sin(h[..., 2])
    return np.stack([
        cz * cy * cx + sz * sy * sx,
        cz * cy * sx - sz * sy * cx,
        cz * sy * cx + sz * cy * sx,
        sz * cy * cx - cz * sy * sx,
    ], axis=-1)


def yaw_quat(yaw: np.ndarray | float) -> np.ndarray:
    """Rotation about world z by ``yaw`` radians (counter-clockwise seen from above)."""
    yaw = np.asarray(yaw, dtype=float)
    return np.stack([np.cos(yaw / 2), 0 * yaw, 0 * yaw, np.sin(yaw / 2)], axis=-1)


def _qmul_c(a, b):
    """Hamilton product on component tuples (w, x, y, z) of (F,) arrays (no stacking overhead)."""
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    return (aw * bw - ax * bx - ay * by - az * bz, aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw)


def _qrot_c(q, v):
    """Rotate a constant vector v (3,) by component quaternions q; returns (x, y, z) arrays."""
    w, x, y, z = q
    vx, vy, vz = (float(c) for c in v)
    tx, ty, tz = 2 * (y * vz - z * vy), 2 * (z * vx - x * vz), 2 * (x * vy - y * vx)
    return (vx + w * tx + (y * tz - z * ty), vy + w * ty + (z * tx - x * tz), vz + w * tz + (x * ty - y * tx))


def forward_kinematics(offsets: np.ndarray, local_q: np.ndarray, root_pos: np.ndarray | None = None):
    """World joint positions and segment rotations.

    offsets (24, 3) m: each joint's origin in its parent's frame (rest pose);
    local_q (F, 24, 4): local rotations, index 0 = root (Hips) → world;
    root_pos (F, 3) m or None (root at the origin).
    Returns positions (F, 24, 3) m and rotations (F, 24, 4) segment → world.
    """
    F = local_q.shape[0]
    lq = np.ascontiguousarray(np.moveaxis(local_q, (1, 2), (0, 1)))  # (24, 4, F): contiguous components
    pos = np.zeros((N_JOINTS, 3, F))
    glob = np.empty((N_JOINTS, 4, F))
    glob[0] = lq[0]
    if root_pos is not None:
        pos[0] = np.asarray(root_pos).T
    g = [None] * N_JOINTS
    g[0] = tuple(glob[0])
    for j in range(1, N_JOINTS):  # loop over joints (parents precede children), never frames
        p = PARENTS[j]
        g[j] = _qmul_c(g[p], tuple(lq[j]))
        glob[j] = g[j]
        r = _qrot_c(g[p], offsets[j])
        pos[j, 0], pos[j, 1], pos[j, 2] = pos[p, 0] + r[0], pos[p, 1] + r[1], pos[p, 2] + r[2]
    return np.moveaxis(pos, 2, 0), np.moveaxis(glob, 2, 0)


def segment_coms(positions: np.ndarray, rotations: np.ndarray, seg_com: np.ndarray) -> np.ndarray:
    """(F, 24, 3) world COM of every segment from its origin, rotation and local COM (24, 3)."""
    return positions + qrot(rotations, seg_com[None])


def body_com(positions: np.ndarray, rotations: np.ndarray, seg_com: np.ndarray, seg_mass: np.ndarray) -> np.ndarray:
    """(F, 3) whole-body centre of mass: segment COMs weighted by segment masses (24,)."""
    c = segment_coms(positions, rotations, seg_com)
    return np.einsum("fjk,j->fk", c, seg_mass) / seg_mass.sum()


FOOT_JOINTS = (INDEX["LeftFoot"], INDEX["RightFoot"])
TOE_JOINTS = (INDEX["LeftToeBase"], INDEX["RightToeBase"])
CONTACT_POINTS = ("heel", "ball", "toe")


def contact_points(positions: np.ndarray, rotations: np.ndarray, subject) -> np.ndarray:
    """(F, 2, 3, 3) world positions of each foot's (heel, ball, toe tip) contact points.

    Feet ordered (left, right); see :mod:`humaps.sim.anthropometry` for the geometry.
    """
    F = positions.shape[0]
    out = np.empty((F, 2, 3, 3))
    ball = np.array([0.0, 0.0, -subject.toe_height_m])
    tip = np.array([0.0, subject.toe_length_m, -subject.toe_height_m])
    for k, (fj, tj) in enumerate(zip(FOOT_JOINTS, TOE_JOINTS)):
        out[:, k, 0] = positions[:, fj] + qrot(rotations[:, fj], subject.heel_offset)
        out[:, k, 1] = positions[:, tj] + qrot(rotations[:, tj], ball)
        out[:, k, 2] = positions[:, tj] + qrot(rotations[:, tj], tip)
    return out
