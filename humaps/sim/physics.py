"""Ground reaction forces and centres of pressure from a body's motion (no action labels).

Pipeline (all vectorised over frames, world frame z up, metres, N):

1. vertical force on the feet ``Fz = (m + m_carried)·(g + a_com,z) − support``
   (a stool or a hand on the ground relieves the feet), zero in flight;
2. contact of each foot's heel pad, ball and toe tip — the foot geometry the
   body was placed on the ground with (``BodyMotion.foot``), seen where the
   insole registers it (:func:`humaps.sim.foot.pressure_points`); in contact
   within :data:`CONTACT_TOL_M` of ``ground_height`` (soft ramps, so loading
   is not a step);
3. the global centre of pressure from moment balance about the centre of mass,
   ``COP = COM_xy − (z_com·G_xy + M_ext)/Fz`` with ``G_xy = m·a_xy − E_xy``
   the horizontal ground force (inverted-pendulum relation when there are no
   external loads; ``a_xy`` low-passed at :data:`HORIZONTAL_CUTOFF_HZ`);
4. sharing between the feet so that the force-weighted foot COPs reproduce
   the global COP, each foot's COP clamped to its contact region (whole foot
   when flat, forefoot when the heel is raised, heel when the toes are raised):
   heel → toe rolling in gait and COP shifts with leaning follow from this;
5. a zero-phase low-pass (:data:`FORCE_CUTOFF_HZ`) gives the force a
   physiological shape.

Per-foot COPs are returned in the insole's *layout* unit frame of
:func:`humaps.insole.centroids` (x across 0–1, y along, 0 = toe tip, 1 = heel;
the right foot mirrored so that for both feet high x = toward the body's right),
the insole lying under the foot as :class:`humaps.sim.foot.FootGeometry` places it.
The device's COP convention (X along, Y across) is applied from the cell
pressures in :mod:`humaps.sim.pressure`, as the real device does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from humaps.constants import G
from humaps.insole import LENGTH_BY_SIZE_M, WIDTH_OVER_LENGTH
from humaps.sim.foot import FOOT_SEGMENTS, TOE_SEGMENTS, pressure_points
from humaps.sim.motion import BodyMotion
from humaps.skeleton import INDEX

CONTACT_TOL_M = 0.01
#: a heel pad within this height of the foot's lowest point still counts as down (and the
#: forefoot likewise): the heel pad and the shoe's cushioning keep the rearfoot cells loaded
#: through the first centimetres of heel rise. Chosen with the walking-realism checks of
#: :mod:`humaps.data.realism`, not measured.
REGION_TOL_M = 0.02
#: 5.5 Hz (was 12, then 7): the weight transfer between the feet in double support then takes ≈ 0.1 s
#: as in the real recordings (stance-curve r 0.68 → 0.77, peak cell pressure no longer saturating); 5.5
#: with the force-weighted COP filter brought the stance duration inside the real range for 95 % of 64
#: simulated walking segments instead of 89 %
FORCE_CUTOFF_HZ = 5.5
ACC_CUTOFF_HZ = 5.0
#: the COM's horizontal acceleration that enters the moment balance (the ground's braking and propulsive
#: force) is low-passed at this cut-off instead. The kinematic placement (:mod:`humaps.sim.placement`)
#: holds the body to its planted feet, and the normative angle curves then make its forward speed swing
#: at the step rate far more than a walker's centre of mass does: the pelvis slows to 0.26 of its median
#: speed through every heel strike (coefficient of variation 0.29 in steady walking). Fed to the moment
#: balance at 5 Hz, those swings sent the centre of pressure back and forth along the insole within each
#: stance: it travelled back toward the heel by 0.85–1.0 of the insole's length per stance (median over
#: 64 simulated walking segments), the real recordings by 0.01–0.28. Low-passing the body's velocity
#: in the placement instead (2 Hz) made the planted feet slide 21 cm/s (median, single stance). Inside
#: the real range for 25 % of those segments at 5 Hz, 66 % at 2.5, 88 % at 2 and 91 % at 1.5 (with the
#: contact bounds of :func:`share`); 2026-12-06
HORIZONTAL_CUTOFF_HZ = 1.5
#: COP bounds along the insole per contact state: (y_min when toes down, y_min when toes up,
#: y_max when heel down, y_max when heel up). 0.08 and 0.86 (were 0.10 and 0.84), with X_AXIS_SLOPE 0.36:
#: see X_PLAY below
Y_TOE_DOWN, Y_TOE_UP, Y_HEEL_DOWN, Y_HEEL_UP = 0.08, 0.55, 0.86, 0.33
#: where a foot prefers its COP when the global COP does not dictate it (flat, heel only, toes only)
Y_REST_FLAT, Y_REST_HEEL, Y_REST_TOE = 0.62, 0.76, 0.22
#: the foot's line of progression in the (left) layout runs obliquely, lateral heel → medial forefoot
#: (the device's COP Y, measured, is 1.05·x + 0.265·y: across *this* line; mirrored on the right
#: foot); soft lateral play about it (tanh-limited: a larger play drives the COP out of the cells'
#: hull and the real median COP Y excursion per stance is only 0.10–0.23). X_MID 0.42 (was 0.44): the
#: real insoles' median COP Y in stance is −0.066 (left) / −0.072 (right), the simulated one was
#: −0.018 / −0.036 at 0.44 and −0.06 / −0.08 at 0.40; at 0.40 the per-cell stance pattern correlated
#: with the real one inside the real range for 86 % of 64 walking segments, at 0.42 for 94 %. X_PLAY
#: 0.07 (was 0.05): once the trunk swayed over the stance foot (it had rolled at twice the stride rate),
#: the median COP Y excursion per stance fell inside the real range for 58 % of 64 simulated walking
#: segments at 0.05, 73 % at 0.06, 81 % at 0.07 and 84 % at 0.08 (but max cell pressure 77 %, 80 % at 0.07)
#: The same change left the COP short of the real excursions along the insole (80 % of segments inside
#: the real range) and across it (77 %); the COP reaching 2 % further toward toes and heel and a
#: steeper line of progression (slope 0.36, was 0.30) put 94 % of them inside for both
X_MID, X_AXIS_SLOPE, X_PLAY = 0.42, 0.36, 0.07


@dataclass
class FootLoads:
    """Per-foot loads at the motion's rate (F frames).

    - ``force`` (F, 2) N vertical force on the left/right foot;
    - ``cop`` (F, 2, 2) per-foot COP in the layout unit frame (x across, y along);
    - ``contact`` (F, 2, 2) soft heel/toe contact weights in [0, 1];
    - ``global_cop`` (F, 2) world xy m; ``total`` (F,) N before sharing.
    """

    force: np.ndarray
    cop: np.ndarray
    contact: np.ndarray
    global_cop: np.ndarray
    total: np.ndarray


def lowpass(x: np.ndarray, fs: float, cutoff_hz: float, axis: int = 0) -> np.ndarray:
    """Zero-phase 2nd-order Butterworth low-pass along ``axis`` (no-op for short signals)."""
    if x.shape[axis] < 16 or cutoff_hz >= 0.45 * fs:
        return x
    sos = butter(2, cutoff_hz / (0.5 * fs), output="sos")
    return sosfiltfilt(sos, x, axis=axis, padlen=min(x.shape[axis] - 1, 30))


def derivative(x: np.ndarray, fs: float, order: int = 1) -> np.ndarray:
    """Time derivative along axis 0 by central differences (edges one-sided)."""
    for _ in range(order):
        x = np.gradient(x, 1.0 / fs, axis=0)
    return x


@dataclass
class InsoleFrames:
    """Where each insole lies on the ground plane, per frame (feet ordered left, right).

    ``ankle`` (F, 2, 2) world xy of the ankle joints; ``along`` (F, 2, 2) unit horizontal direction
    from the ankle toward the ToeBase joint; ``right`` (F, 2, 2) ``along`` turned −90° (the body's
    right); ``length_m``, ``width_m`` the insole's size; ``ankle_y`` the insole y under the ankle.
    """

    ankle: np.ndarray
    along: np.ndarray
    right: np.ndarray
    length_m: float
    width_m: float
    ankle_y: float

    def to_world(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """(F, 2, 2) world xy of insole unit coordinates x, y (F, 2) each (x across the insole's midline)."""
        return (self.ankle + ((self.ankle_y - y) * self.length_m)[..., None] * self.along
                + ((x - 0.5) * self.width_m)[..., None] * self.right)


def insole_frames(motion: BodyMotion, insole_size: int) -> InsoleFrames:
    """The :class:`InsoleFrames` of ``motion`` for insoles of OpenGo ``insole_size``."""
    ankle = motion.positions[:, FOOT_SEGMENTS, :2]                           # (F, 2, 2)
    along = motion.positions[:, TOE_SEGMENTS, :2] - ankle
    along = along / np.maximum(np.linalg.norm(along, axis=-1, keepdims=True), 1e-6)
    right = np.stack([along[..., 1], -along[..., 0]], axis=-1)
    length = LENGTH_BY_SIZE_M[insole_size]
    return InsoleFrames(ankle=ankle, along=along, right=right, length_m=length,
                        width_m=WIDTH_OVER_LENGTH * length, ankle_y=motion.foot.insole_y_of_ankle(length))


def contact_weights(motion: BodyMotion, insole_size: int) -> np.ndarray:
    """(F, 2, 2) soft heel/forefoot contact in [0, 1] for (left, right) × (heel, forefoot).

    A foot is on the ground when the lowest of its :func:`~humaps.sim.foot.pressure_points` is
    within :data:`CONTACT_TOL_M` of its ground; within a foot on the ground the heel pad (forefoot
    = the lower of ball and toe tip) counts as down while it is within :data:`REGION_TOL_M` of the
    foot's lowest point and fades out over the next :data:`REGION_TOL_M`.
    """
    pts = pressure_points(motion.positions, motion.rotations, motion.foot, LENGTH_BY_SIZE_M[insole_size])
    h = pts[..., 2] - motion.ground_height[:, :, None]                       # (F, 2, 3)
    h = np.stack([h[..., 0], h[..., 1:].min(-1)], axis=-1)                   # heel, forefoot
    low = h.min(-1, keepdims=True)
    on = np.clip(1.0 - low / CONTACT_TOL_M, 0.0, 1.0)
    region = np.clip(2.0 - (h - low) / REGION_TOL_M, 0.0, 1.0)
    return on * region


def vertical_force(motion: BodyMotion, mass_kg: float) -> tuple[np.ndarray, np.ndarray]:
    """Total vertical force on the feet (F,) N and the low-passed COM acceleration (F, 3)."""
    fs = motion.fs
    acc = lowpass(derivative(motion.com, fs, 2), fs, ACC_CUTOFF_HZ)
    ext = motion.external
    n = motion.n_frames
    carried = np.broadcast_to(np.asarray(ext.get("carried_mass_kg", 0.0), float), (n,))
    support = np.broadcast_to(np.asarray(ext.get("support_force_n", 0.0), float), (n,))
    fz = (mass_kg + carried) * (G + acc[:, 2]) - support
    return np.maximum(fz, 0.0), acc


def global_cop(motion: BodyMotion, mass_kg: float, fz: np.ndarray, acc: np.ndarray) -> np.ndarray:
    """(F, 2) world xy of the centre of pressure of both feet together, from moment balance about the COM."""
    n = motion.n_frames
    com = motion.com
    ext = motion.external
    z = com[:, 2] - motion.ground_height.mean(1)
    hands = motion.positions[:, [INDEX["LeftHand"], INDEX["RightHand"]]].mean(1)   # (F, 3)
    push = np.broadcast_to(np.asarray(ext.get("horizontal_force_n", np.zeros(2)), float), (n, 2))
    carried = np.broadcast_to(np.asarray(ext.get("carried_mass_kg", 0.0), float), (n,))
    support = np.broadcast_to(np.asarray(ext.get("support_force_n", 0.0), float), (n,))
    sp = np.asarray(ext.get("support_point", com), float)
    acc_xy = lowpass(derivative(com[:, :2], motion.fs, 2), motion.fs, HORIZONTAL_CUTOFF_HZ)
    g_xy = mass_kg * acc_xy - push                                         # ground's horizontal force
    # moments about the COM of the external forces, per horizontal axis k: dx_k·f_z − dz·f_k
    m_ext = ((hands[:, :2] - com[:, :2]) * (-carried * (G + acc[:, 2]))[:, None]
             - (hands[:, 2:3] - com[:, 2:3]) * push
             + (sp[:, :2] - com[:, :2]) * support[:, None])
    safe = np.maximum(fz, 1e-3 * mass_kg * G)
    return com[:, :2] - (z[:, None] * g_xy + m_ext) / safe[:, None]


def share(motion: BodyMotion, fz: np.ndarray, cop_w: np.ndarray, contact: np.ndarray, insole_size: int):
    """Split ``fz`` (F,) between the feet and place each foot's COP. Returns (force (F,2), cop (F,2,2))."""
    frames = insole_frames(motion, insole_size)
    d, r, L, W = frames.along, frames.right, frames.length_m, frames.width_m
    k_heel, k_toe = contact[..., 0], contact[..., 1]                       # (F, 2)
    k = np.maximum(k_heel, k_toe)
    # the COP's bounds follow which part of the foot is down, not how firmly the foot is down: a heel
    # touching down alone puts the COP on the heel at once (as on the real insoles), where weighting the
    # bounds by the contact itself held it at midfoot until the heel was fully down, and it then
    # travelled back to the heel (0.4 of the insole's length per stance)
    r_heel, r_toe = k_heel / np.maximum(k, 1e-9), k_toe / np.maximum(k, 1e-9)
    y_min = Y_TOE_DOWN * r_toe + Y_TOE_UP * (1 - r_toe)
    y_max = Y_HEEL_DOWN * r_heel + Y_HEEL_UP * (1 - r_heel)
    wsum = np.maximum(k_heel + k_toe, 1e-9)
    y_rest = np.where(np.minimum(k_heel, k_toe) > 0.5, Y_REST_FLAT,
                      (k_heel * Y_REST_HEEL + k_toe * Y_REST_TOE) / wsum)
    rest = frames.to_world(np.full_like(y_rest, 0.5), y_rest)               # (F, 2, 2)
    m_l, m_r = rest[:, 0], rest[:, 1]
    v = m_r - m_l
    alpha = np.einsum("fk,fk->f", cop_w - m_l, v) / np.maximum(np.einsum("fk,fk->f", v, v), 1e-9)
    lo, hi = 1.0 - k[:, 0], k[:, 1]                                         # a foot off the ground gets nothing
    alpha = np.where(lo <= hi, np.clip(alpha, lo, hi), k[:, 1] / np.maximum(k.sum(1), 1e-9))
    resid = cop_w - ((1 - alpha)[:, None] * m_l + alpha[:, None] * m_r)    # shift both feet by the residual
    target = rest + resid[:, None, :]
    rel = target - frames.ankle
    y_u = np.clip(frames.ankle_y - np.einsum("fsk,fsk->fs", rel, d) / L, y_min, y_max)
    # the line of progression in the *left* layout (high x medial); the right layout is its mirror
    medial = np.array([1.0, -1.0])                                          # +x is medial on the left only
    x_mid = 0.5 + medial * (X_MID - 0.5 + X_AXIS_SLOPE * (Y_REST_FLAT - y_u))
    x_u = x_mid + X_PLAY * np.tanh(np.einsum("fsk,fsk->fs", rel, r) / (W * X_PLAY))   # soft lateral play
    force = fz[:, None] * np.stack([1 - alpha, alpha], axis=1) * (k.sum(1, keepdims=True) > 0)
    return force, np.stack([x_u, y_u], axis=-1)


def foot_loads(motion: BodyMotion, *, mass_kg: float, insole_size: int) -> FootLoads:
    """Per-foot vertical force and COP of a :class:`BodyMotion` (see the module docstring)."""
    assert mass_kg > 0, f"mass_kg must be positive, got {mass_kg}"
    assert insole_size in LENGTH_BY_SIZE_M, f"insole_size must be 1–8, got {insole_size}"
    n = motion.n_frames
    assert motion.positions.shape == (n, 24, 3), f"positions must be (F, 24, 3), got {motion.positions.shape}"
    assert motion.com.shape == (n, 3) and motion.ground_height.shape == (n, 2), "com (F,3), ground_height (F,2)"
    contact = contact_weights(motion, insole_size)
    fz, acc = vertical_force(motion, mass_kg)
    cop_w = global_cop(motion, mass_kg, fz, acc)
    force, cop = share(motion, fz, cop_w, contact, insole_size)
    on = force > 0
    # the COP is a moment over a force: filter both and divide, so an unloaded foot's placeholder COP
    # does not bleed into its first and last frames of contact (it put the COP at midfoot at heel strike)
    smooth = lowpass(force, motion.fs, FORCE_CUTOFF_HZ)
    moment = lowpass(force[..., None] * cop, motion.fs, FORCE_CUTOFF_HZ)
    cop = np.where(smooth[..., None] > 1.0, moment / np.maximum(smooth, 1.0)[..., None], cop)
    force = np.maximum(smooth, 0.0)
    force[~on & (lowpass(on.astype(float), motion.fs, FORCE_CUTOFF_HZ) < 0.02)] = 0.0
    return FootLoads(force=force, cop=cop, contact=contact, global_cop=cop_w, total=fz)
