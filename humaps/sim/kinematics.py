"""Forward kinematics on the 24-joint skeleton, vectorised over frames.

Quaternions (:mod:`humaps.sim.quaternions`) are (w, x, y, z), unit, and
rotate a segment's frame into its parent's (local) or into the world (global).
Local joint angles are given as (F, 24, 3) radians about the parent frame's
(x, y, z) axes in the rest pose —
x = right (flexion/extension), y = forward (ab/adduction, lateral bend),
z = up (axial rotation) — composed as R = Rz · Ry · Rx. With this
convention a positive x angle swings a downward limb forward (hip/shoulder
flexion) and tips the foot's toes up (ankle dorsiflexion); knee flexion and
forward trunk flexion are negative x angles.
"""
from __future__ import annotations

import numpy as np

from humaps.sim.quaternions import qmul, qrot
from humaps.skeleton import N_JOINTS, PARENTS


def forward_kinematics(offsets: np.ndarray, local_q: np.ndarray, root_pos: np.ndarray | None = None):
    """World joint positions and segment rotations from local quaternions: the plain reference that
    :func:`pose_from_angles` (the simulator's fused hot loop) is tested against.

    offsets (24, 3) m: each joint's origin in its parent's frame (rest pose);
    local_q (F, 24, 4): local rotations, index 0 = root (Hips) → world;
    root_pos (F, 3) m or None (root at the origin).
    Returns positions (F, 24, 3) m and rotations (F, 24, 4) segment → world.
    """
    F = local_q.shape[0]
    pos = np.zeros((F, N_JOINTS, 3))
    rot = np.empty((F, N_JOINTS, 4))
    rot[:, 0] = local_q[:, 0]
    if root_pos is not None:
        pos[:, 0] = root_pos
    for j in range(1, N_JOINTS):  # loop over joints (parents precede children), never frames
        parent = PARENTS[j]
        rot[:, j] = qmul(rot[:, parent], local_q[:, j])
        pos[:, j] = pos[:, parent] + qrot(rot[:, parent], offsets[j])
    return pos, rot


class _Rows:
    """Preallocated (F,) rows and linear combinations of products written into them in place.

    A trial holds ≈ 30 000 frames: every fresh (F,) temporary costs more than the arithmetic, so the
    hot loop below writes into preallocated rows. A value is either an (F,) array or a float constant
    (a joint axis that never moves gives cos = 1.0, sin = 0.0), and products with constants are skipped
    or folded, so single-axis and fixed joints cost little.
    """

    def __init__(self, n: int):
        self.tmp = np.empty(n)

    def comb(self, out: np.ndarray, terms):
        """out ← Σ c·u·v over terms (c float, u/v array or float); returns out, or a float if all constant."""
        const, started, tmp = 0.0, False, self.tmp
        for c, u, v in terms:
            uf, vf = isinstance(u, float), isinstance(v, float)
            if uf and vf:
                const += c * u * v
                continue
            if uf or vf:
                k, arr = (c * u, v) if uf else (c * v, u)
                if k == 0.0:
                    continue
                prod = arr if k == 1.0 else np.multiply(arr, k, out=tmp)
            else:
                prod = np.multiply(u, v, out=tmp)
                if c != 1.0:
                    np.multiply(prod, c, out=tmp)
            if started:
                np.add(out, prod, out=out)
            else:
                np.copyto(out, prod)
                started = True
        if not started:
            return const
        if const != 0.0:
            np.add(out, const, out=out)
        return out


def _qmul_terms(a, b):
    """Hamilton product a ⊗ b as four term lists for :meth:`_Rows.comb`."""
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    return ([(1.0, aw, bw), (-1.0, ax, bx), (-1.0, ay, by), (-1.0, az, bz)],
            [(1.0, aw, bx), (1.0, ax, bw), (1.0, ay, bz), (-1.0, az, by)],
            [(1.0, aw, by), (-1.0, ax, bz), (1.0, ay, bw), (1.0, az, bx)],
            [(1.0, aw, bz), (1.0, ax, by), (-1.0, ay, bx), (1.0, az, bw)])


def _qrot_terms(q, v, base=(0.0, 0.0, 0.0), scale=1.0):
    """base + scale · R(q) v for a constant v (3,), as three term lists (rotation-matrix form)."""
    w, x, y, z = q
    vx, vy, vz = (scale * float(c) for c in v)
    return ([(1.0, base[0], 1.0), (vx, 1.0, 1.0), (-2 * vx, y, y), (-2 * vx, z, z), (2 * vy, x, y), (-2 * vy, w, z),
             (2 * vz, x, z), (2 * vz, w, y)],
            [(1.0, base[1], 1.0), (vy, 1.0, 1.0), (-2 * vy, x, x), (-2 * vy, z, z), (2 * vx, x, y), (2 * vx, w, z),
             (2 * vz, y, z), (-2 * vz, w, x)],
            [(1.0, base[2], 1.0), (vz, 1.0, 1.0), (-2 * vz, x, x), (-2 * vz, y, y), (2 * vx, x, z), (-2 * vx, w, y),
             (2 * vy, y, z), (2 * vy, w, x)])


def pose_from_angles(offsets: np.ndarray, angles_deg: np.ndarray, heading: float = 0.0,
                     seg_com: np.ndarray | None = None, seg_mass: np.ndarray | None = None):
    """Forward kinematics straight from joint angles: the same result (to rounding) as
    ``forward_kinematics(offsets, quaternions.euler_to_quat(deg2rad(angles_deg)))`` with the root turned by
    ``heading`` (rad about world z), computed in place on contiguous (F,) rows (see :class:`_Rows`);
    channels that are zero in every frame cost no trigonometry.

    angles_deg (F, 24, 3); seg_com (24, 3) m and seg_mass (24,) kg optional.
    Returns positions (F, 24, 3), rotations (F, 24, 4) (C-contiguous, root at the origin) and, with
    seg_com/seg_mass, the whole-body centre of mass (F, 3); else None.
    """
    F = angles_deg.shape[0]
    chan = np.ascontiguousarray(angles_deg.reshape(F, -1).T)                 # (72, F) channels
    used = np.abs(chan).max(axis=1) > 0
    rows = _Rows(F)
    G = np.empty((N_JOINTS, 4, F))                      # segment → world quaternions
    P = np.empty((N_JOINTS, 3, F))                      # joint positions
    cs = np.empty((2, 3, F))                            # cos, sin of the current joint's half angles
    L = np.empty((2, 4, F))                             # local quaternion (and a composition buffer)
    g, p = [None] * N_JOINTS, [None] * N_JOINTS         # per joint: 4 / 3 components, array rows or floats
    h0 = 0.5 * float(heading)
    for j in range(N_JOINTS):  # loop over joints (parents precede children), never frames
        q = (float(np.cos(h0)), 0.0, 0.0, float(np.sin(h0))) if j == 0 else g[PARENTS[j]]
        for axis in (2, 1, 0):                          # R = Rz · Ry · Rx: q ⊗ qz ⊗ qy ⊗ qx
            k = 3 * j + axis
            if not used[k]:
                continue
            np.multiply(chan[k], np.pi / 360.0, out=cs[1, axis])              # half angle, rad
            np.cos(cs[1, axis], out=cs[0, axis])
            np.sin(cs[1, axis], out=cs[1, axis])
            e = [cs[0, axis], 0.0, 0.0, 0.0]
            e[axis + 1] = cs[1, axis]
            buf = L[1] if any(isinstance(r, np.ndarray) and np.shares_memory(r, L[0]) for r in q) else L[0]  # no aliasing
            q = tuple(rows.comb(buf[i], t) for i, t in enumerate(_qmul_terms(q, e)))
        g[j] = tuple(rows.comb(G[j, i], [(1.0, c, 1.0)]) if not isinstance(c, float) else c for i, c in enumerate(q))
        if j == 0:
            p[0] = (0.0, 0.0, 0.0)
        else:
            par = PARENTS[j]
            p[j] = tuple(rows.comb(P[j, i], t) for i, t in enumerate(_qrot_terms(g[par], offsets[j], p[par])))
    for j in range(N_JOINTS):                           # constant components: fill their rows
        for i, c in enumerate(g[j]):
            if isinstance(c, float):
                G[j, i] = c
        for i, c in enumerate(p[j]):
            if isinstance(c, float):
                P[j, i] = c
    pos = np.ascontiguousarray(P.transpose(2, 0, 1))
    rot = np.ascontiguousarray(G.transpose(2, 0, 1))
    if seg_com is None or seg_mass is None:
        return pos, rot, None
    com = np.zeros((3, F))
    acc = np.empty(F)
    for j in range(N_JOINTS):
        m = float(seg_mass[j])
        if m <= 0:
            continue
        # a segment COM on the line to a child joint is that fraction of the way there (no rotation)
        on_bone = [k for k in range(j + 1, N_JOINTS) if PARENTS[k] == j and np.linalg.norm(offsets[k]) > 0
                   and np.linalg.norm(np.cross(seg_com[j], offsets[k])) < 1e-12 * np.linalg.norm(offsets[k])]
        if on_bone:
            k0 = on_bone[0]
            lam = float(np.dot(seg_com[j], offsets[k0]) / np.dot(offsets[k0], offsets[k0]))
            terms = [[(m * (1 - lam), P[j, i], 1.0), (m * lam, P[k0, i], 1.0)] for i in range(3)]
        else:
            terms = [[(m, P[j, i], 1.0)] + t[1:] for i, t in enumerate(_qrot_terms(g[j], seg_com[j], scale=m))]
        for i in range(3):
            v = rows.comb(acc, terms[i])
            com[i] += v
    return pos, rot, np.ascontiguousarray((com / seg_mass.sum()).T)


def segment_coms(positions: np.ndarray, rotations: np.ndarray, seg_com: np.ndarray) -> np.ndarray:
    """(F, 24, 3) world COM of every segment from its origin, rotation and local COM (24, 3)."""
    return positions + qrot(rotations, seg_com[None])


def body_com(positions: np.ndarray, rotations: np.ndarray, seg_com: np.ndarray, seg_mass: np.ndarray) -> np.ndarray:
    """(F, 3) whole-body centre of mass: segment COMs weighted by segment masses (24,)."""
    c = segment_coms(positions, rotations, seg_com)
    return np.einsum("fjk,j->fk", c, seg_mass) / seg_mass.sum()
