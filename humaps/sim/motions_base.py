"""Shared machinery of the motion programs: angle channels, envelopes, placement.

A motion program (one per action class, in ``motions_*.py``) returns an
:class:`ActionMotion`: joint angles over time in degrees (clinical
conventions through :class:`Angles`), the ground under each foot, the
instants the body takes off, and external loads. Programs start and end in
the subject's neutral stance, so actions and transitions join smoothly.

:func:`place` then puts the body in the world without any knowledge of the
action: the root height puts the lowest foot contact point on its ground,
and the root moves horizontally so that the contact points touching the
ground do not slide (the body rolls over its planted heel/ball/toe). After a
take-off the centre of mass follows a ballistic parabola until a contact
point reaches the ground again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.interpolate import CubicSpline, PchipInterpolator
from scipy.spatial.transform import Rotation

from humaps.sim.kinematics import contact_points, pose_from_angles
from humaps.skeleton import INDEX, N_JOINTS

G = 9.81
J = INDEX


@dataclass
class Flight:
    """A take-off at ``frame``.

    ``v_up``: extra upward COM speed (m/s) built over ``ramp_s`` before take-off, on top of what the
    legs' extension gives; or, with ``duration_s``, the flight time the program plans (the launch
    speed is then chosen so the feet reach the floor again after it, unless they touch earlier).
    ``v_xy``: extra horizontal COM velocity (m/s, body frame: x right, y forward) added to the
    velocity at take-off (or replacing it, with ``absolute_xy``).
    """

    frame: int
    v_up: float = 0.3
    v_xy: tuple = (0.0, 0.0)
    ramp_s: float = 0.06
    duration_s: float | None = None
    absolute_xy: bool = False       # v_xy is the whole horizontal COM velocity (a jump's intent)


@dataclass
class ActionMotion:
    """Output of one motion program (F frames at the simulation rate).

    ``angles`` (F, 24, 3) deg, local joint angles (see :mod:`humaps.sim.kinematics`);
    ``ground`` (F, 2) m, ground rise under (left, right) foot since the program began;
    ``flights`` take-offs; ``stance`` (F, 2) in [0, 1], which feet the program means to stand on
    (gaits: the stance phase; 1 elsewhere) — a scuffing swing toe then cannot drag the body;
    ``external``: ``carried_mass_kg`` (F,), ``support_force_n`` (F,),
    ``horizontal_force_body`` (F, 2) N (x right, y forward; force of the bag on the body);
    ``support_joint`` the joint over which the support acts (a hand, or Hips for a stool)
    and ``support_drop`` m, how far below that joint it acts.
    """

    angles: np.ndarray
    ground: np.ndarray
    flights: list = field(default_factory=list)
    stance: np.ndarray | None = None
    external: dict = field(default_factory=dict)
    support_joint: str | None = None
    support_drop: float = 0.0

    @property
    def n_frames(self) -> int:
        return int(self.angles.shape[0])


# ----------------------------------------------------------------------------- time helpers
def smoothstep(x: np.ndarray) -> np.ndarray:
    """C2-continuous 0→1 step over x in [0, 1] (clipped outside)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6 * x - 15) + 10)


def ramp(t: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """0 before t0, 1 after t1, smooth in between."""
    return smoothstep((t - t0) / max(t1 - t0, 1e-6))


def bump(t: np.ndarray, t0: float, t1: float, t2: float, t3: float) -> np.ndarray:
    """0 → 1 over [t0, t1], hold, 1 → 0 over [t2, t3]."""
    return ramp(t, t0, t1) * (1.0 - ramp(t, t2, t3))


def _floats(x) -> tuple:
    return tuple(float(v) for v in np.ravel(x))


# The programs rebuild the same few interpolants thousands of times per cohort (fixed gait curves,
# keyframes); building one costs more than evaluating it, so they are kept by their (knots, values).
@lru_cache(maxsize=4096)
def _pchip(times: tuple, values: tuple) -> PchipInterpolator:
    return PchipInterpolator(np.array(times), np.array(values))


@lru_cache(maxsize=1024)
def _periodic_spline(knots: tuple, values: tuple) -> CubicSpline:
    return CubicSpline(np.append(knots, 1.0), np.append(values, values[0]), bc_type="periodic")


def keys(t: np.ndarray, times, values) -> np.ndarray:
    """Monotone (PCHIP) interpolation of keyframes, held constant outside."""
    times = _floats(times)
    return _pchip(times, _floats(values))(np.clip(t, times[0], times[-1]))


def periodic(phase: np.ndarray, knots, values) -> np.ndarray:
    """C2 periodic cubic spline through (knot phase ∈ [0, 1), value); phase taken mod 1."""
    return _periodic_spline(_floats(knots), _floats(values))(np.mod(phase, 1.0))


def slow_noise(n: int, fs: float, rng: np.random.Generator, fmax: float = 0.6, k: int = 4) -> np.ndarray:
    """(n,) smooth zero-mean noise of unit-ish std: k sinusoids below ``fmax`` Hz.

    Tapered to exactly 0 over the first and last 0.4 s (or a quarter of the span), so programs and
    transitions built separately still join without a jump.
    """
    t = np.arange(n) / fs
    f = rng.uniform(0.08, fmax, k)
    ph = rng.uniform(0, 2 * np.pi, k)
    edge = min(0.4, 0.25 * t[-1]) if n > 1 else 0.0
    taper = bump(t, 0.0, edge, t[-1] - edge, t[-1]) if n > 1 else np.zeros(n)
    return (np.sin(2 * np.pi * f[None] * t[:, None] + ph[None]).sum(1)) * np.sqrt(2.0 / k) * taper


def timeline(duration_s: float, fs: float) -> np.ndarray:
    n = max(int(round(duration_s * fs)), 2)
    return np.arange(n) / fs


# ----------------------------------------------------------------------------- angles
def _roll_about_foot(pitch, roll):
    """(pitch', roll', yaw') degrees with Rz(yaw')·Ry(roll')·Rx(pitch') = Rx(pitch)·Ry(roll) (scalars or (F,))."""
    pitch, roll = np.broadcast_arrays(np.asarray(pitch, float), np.asarray(roll, float))
    zyx = Rotation.from_euler("XY", np.stack([pitch.ravel(), roll.ravel()], -1), degrees=True).as_euler("ZYX", degrees=True)
    yaw, roll_, pitch_ = (zyx[:, k].reshape(pitch.shape) for k in range(3))
    return pitch_, roll_, yaw


class Angles:
    """(F, 24, 3) joint angles in degrees with clinical setters (values: scalars or (F,) arrays).

    Side sign s = +1 for left, −1 for right makes abduction/external rotation positive on both sides.
    """

    def __init__(self, n: int, base: np.ndarray | None = None):
        self.a = np.zeros((n, N_JOINTS, 3)) if base is None else np.repeat(base[None], n, axis=0)

    def _add(self, joint: str, axis: int, value) -> None:
        self.a[:, J[joint], axis] += value

    def leg(self, side: str, *, hip=0.0, abd=0.0, rot=0.0, knee=0.0, ankle=0.0, roll=0.0, toe=0.0, foot_yaw=0.0):
        """roll: foot about its own long axis (subtalar); foot_yaw: foot about its normal (toe-out > 0)."""
        s, S = (1.0, "Left") if side == "left" else (-1.0, "Right")
        self._add(f"{S}UpLeg", 0, hip)
        self._add(f"{S}UpLeg", 1, s * abd)
        self._add(f"{S}UpLeg", 2, s * rot)
        self._add(f"{S}Leg", 0, -knee)
        yaw_from_roll = 0.0
        if np.any(roll) and np.any(ankle):
            # The joint angles compose as Rz·Ry·Rx, so a plain y angle rolls the foot about the *shank's*
            # forward axis: with the foot plantarflexed at push-off most of that roll would turn it about
            # its normal (the insole's Z rate). Rolling about the foot's own long axis, Rx(ankle)·Ry(roll),
            # is re-expressed exactly in the Rz·Ry·Rx convention.
            ankle, roll_s, yaw_from_roll = _roll_about_foot(ankle, s * roll)
            roll = s * roll_s
        self._add(f"{S}Foot", 0, ankle)
        self._add(f"{S}Foot", 1, s * roll)
        if np.any(yaw_from_roll):
            self._add(f"{S}Foot", 2, yaw_from_roll)
        self._add(f"{S}ToeBase", 0, toe)
        if np.any(foot_yaw):
            self._add(f"{S}Foot", 2, s * foot_yaw)
        return self

    def arm(self, side: str, *, flex=0.0, abd=0.0, rot=0.0, elbow=0.0, shrug=0.0):
        s, S = (1.0, "Left") if side == "left" else (-1.0, "Right")
        self._add(f"{S}Shoulder", 1, s * shrug)
        self._add(f"{S}Arm", 0, flex)
        self._add(f"{S}Arm", 1, s * abd)
        self._add(f"{S}Arm", 2, s * rot)
        self._add(f"{S}ForeArm", 0, elbow)
        return self

    def trunk(self, *, flex=0.0, bend=0.0, twist=0.0):
        """flex > 0 forward, bend > 0 to the right, twist > 0 to the left; shared by Spine, Spine1, Spine2."""
        for j, w in (("Spine", 0.3), ("Spine1", 0.35), ("Spine2", 0.35)):
            self._add(j, 0, -w * flex)
            self._add(j, 1, w * bend)
            self._add(j, 2, w * twist)
        return self

    def head(self, *, flex=0.0, bend=0.0, twist=0.0):
        """flex > 0 looks down; split between Neck and Head."""
        for j, w in (("Neck", 0.5), ("Head", 0.5)):
            self._add(j, 0, -w * flex)
            self._add(j, 1, w * bend)
            self._add(j, 2, w * twist)
        return self

    def pelvis(self, *, pitch=0.0, roll=0.0, yaw=0.0, compensate: bool = True):
        """Tilt the whole body about the root (pitch > 0 backward, roll > 0 to the right, yaw > 0 left).

        With ``compensate`` the hips take the opposite rotation so the legs keep their orientation
        (pelvic tilt/obliquity/rotation); without it the whole body pivots (use :meth:`sway` then).
        """
        self._add("Hips", 0, pitch)
        self._add("Hips", 1, roll)
        self._add("Hips", 2, yaw)
        if compensate:
            for S in ("Left", "Right"):
                self._add(f"{S}UpLeg", 0, -pitch)
                self._add(f"{S}UpLeg", 1, -roll)
                self._add(f"{S}UpLeg", 2, -yaw)
        return self

    def sway(self, *, pitch=0.0, roll=0.0):
        """Inverted-pendulum sway about the ankles: the body tilts, the feet stay flat.

        pitch > 0 leans the whole body forward, roll > 0 to the right (degrees).
        """
        self._add("Hips", 0, -pitch)
        self._add("Hips", 1, roll)
        for S in ("Left", "Right"):
            self._add(f"{S}Foot", 0, pitch)
            self._add(f"{S}Foot", 1, -roll)
        return self

    def blend_to(self, other: np.ndarray, weight) -> None:
        """self ← (1 − w) · self + w · other, w scalar or (F,)."""
        w = np.asarray(weight, dtype=float).reshape(-1, 1, 1) if np.ndim(weight) else weight
        self.a = (1 - w) * self.a + w * other


def neutral_pose(subject) -> np.ndarray:
    """(24, 3) deg: the subject's habitual upright stance (feet flat, arms hanging)."""
    st = subject.style
    p = Angles(1)
    for side in ("left", "right"):
        p.leg(side, hip=1.5, abd=st.step_width_deg, rot=st.toe_out_deg, knee=3.0, ankle=1.5, roll=-st.step_width_deg)
        p.arm(side, flex=2.0, abd=6.0, elbow=12.0)
    p.trunk(flex=st.trunk_lean_deg)
    p.head(flex=st.head_pitch_deg - st.trunk_lean_deg * 0.5)
    return p.a[0]


def quiet_stance(subject, n: int, fs: float, rng: np.random.Generator, amp: float = 1.0) -> Angles:
    """Neutral stance with slow postural sway (ankle strategy) and tiny arm/head drift."""
    a = Angles(n, neutral_pose(subject))
    sd = subject.style.sway_deg * amp
    a.sway(pitch=0.5 * sd * slow_noise(n, fs, rng), roll=0.3 * sd * slow_noise(n, fs, rng))
    a.head(twist=1.5 * slow_noise(n, fs, rng, 0.3), flex=1.0 * slow_noise(n, fs, rng, 0.3))
    return a


def finish(subject, a: Angles, ground=None, flights=(), stance=None, **kw) -> ActionMotion:
    n = a.a.shape[0]
    g = np.zeros((n, 2)) if ground is None else ground
    st = np.ones((n, 2)) if stance is None else stance
    return ActionMotion(angles=a.a, ground=g, flights=list(flights), stance=st, **kw)


# ----------------------------------------------------------------------------- placement
def place(subject, angles_deg: np.ndarray, heading: float, ground: np.ndarray, flights, fs: float,
          start_xy=(0.0, 0.0), stance: np.ndarray | None = None):
    """Put the body in the world (see module docstring).

    angles_deg (F, 24, 3), heading rad (yaw of the body's forward axis from world +y),
    ground (F, 2) m absolute ground height under each foot, flights list of :class:`Flight`,
    stance (F, 2) intended support feet (None: both).
    Returns positions (F, 24, 3), rotations (F, 24, 4), com (F, 3), all world frame.
    """
    F = angles_deg.shape[0]
    rel, rot, com_rel = pose_from_angles(subject.offsets, angles_deg, heading, subject.seg_com, subject.seg_mass_kg)
    cp = contact_points(rel, rot, subject)                         # (F, 2, 3, 3)
    # vertical: lowest contact point of either foot on its own ground
    zg = (ground - cp[..., 2].min(-1)).max(1)                       # (F,)
    h = zg[:, None, None] + cp[..., 2] - ground[:, :, None]         # height of each point above its ground
    hf = h.min(-1, keepdims=True)                                   # each foot's lowest point
    foot_w = np.exp(-(hf / 0.01) ** 2) * (1.0 if stance is None else stance[:, :, None])
    w = np.exp(-((h - hf) / 0.003) ** 2) * foot_w                   # roll over the foot's lowest points
    wm = 0.5 * (w[1:] + w[:-1])                                     # (F-1, 2, 3)
    vel = np.diff(cp[..., :2], axis=0)                              # (F-1, 2, 3, 2)
    disp = -(wm[..., None] * vel).sum((1, 2)) / np.maximum(wm.sum((1, 2)), 1e-6)[:, None]
    zroot = zg.copy()
    dcom = np.diff(com_rel[:, :2], axis=0)
    c = zg + com_rel[:, 2]
    cdot = np.gradient(c) * fs
    c_, s_ = np.cos(heading), np.sin(heading)
    for fl in sorted(flights, key=lambda f: f.frame):
        f0 = int(fl.frame)
        if not 2 <= f0 < F - 2:
            continue
        v_extra = fl.v_up
        if fl.duration_s is not None:  # launch speed from the planned flight; a faster leg extension is cut off
            f1 = min(f0 + max(int(round(fl.duration_s * fs)), 1), F - 1)
            T = (f1 - f0) / fs
            v_extra = (c[f1] - c[f0]) / T + 0.5 * G * T - cdot[f0]
        r = max(int(round(fl.ramp_s * fs)), 1)
        lo = max(f0 - r, 0)
        s = (np.arange(lo, f0 + 1) - lo) / fs
        e = max(v_extra, 0.0) * s ** 2 / (2 * fl.ramp_s)
        zroot[lo:f0 + 1] = zg[lo:f0 + 1] + e
        tt = np.arange(F - f0) / fs
        b = c[f0] + e[-1] + (cdot[f0] + v_extra) * tt - 0.5 * G * tt ** 2
        if fl.duration_s is not None:   # planned flight: the COM follows the parabola, feet never sink
            k = f1 - f0
        else:                           # emergent flight: until a contact point reaches the floor again
            below = np.nonzero(b[1:] <= c[f0 + 1:])[0]
            k = int(below[0]) + 1 if below.size else F - f0
            f1 = f0 + k
        zroot[f0:f1] = zg[f0:f1] + np.maximum(b[:k] - c[f0:f1], 0.0)
        k0 = max(f0 - max(int(0.03 * fs), 1), 0)
        v_com = (disp[k0:f0] + dcom[k0:f0]).mean(0) * fs if f0 > k0 else np.zeros(2)
        vx, vy = fl.v_xy
        v_fl = (0.0 if fl.absolute_xy else v_com) + np.array([c_ * vx - s_ * vy, s_ * vx + c_ * vy])
        disp[f0:f1] = v_fl / fs - dcom[f0:f1]
    root = np.empty((F, 3))
    root[:, :2] = np.asarray(start_xy, float)[None] + np.concatenate([np.zeros((1, 2)), np.cumsum(disp, 0)])
    root[:, 2] = zroot
    return rel + root[:, None], rot, com_rel + root
