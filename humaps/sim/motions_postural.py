"""Postural programs: leaning forward/backward/sideways, looking backward, a hand on the ground.

Upper-body actions move the feet's load only a little (a shift of the centre
of mass, a hand taking some weight), so insoles alone find them hard — as in
the paper (Table 7). Every posture is reached smoothly, held with sway, and left.
"""
from __future__ import annotations

import numpy as np

from humaps.constants import G
from humaps.sim.angles import Angles
from humaps.sim.curves import bump, timeline
from humaps.sim.foot import contact_points
from humaps.sim.kinematics import pose_from_angles
from humaps.sim.motion import finish
from humaps.sim.stance import neutral_pose, quiet_stance
from humaps.skeleton import INDEX


def _hold(t, rise):
    return bump(t, 0.0, rise, t[-1] - rise, t[-1])


def leaning_forward(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    t = timeline(duration, fs)
    on = _hold(t, rng.uniform(0.6, 1.0) / tempo)
    flex = rng.uniform(20, 45) * amp * on
    a = quiet_stance(subject, len(t), fs, rng)
    a.trunk(flex=flex)
    a.leg("left", hip=0.2 * flex, ankle=-0.2 * flex)
    a.leg("right", hip=0.2 * flex, ankle=-0.2 * flex)
    a.sway(pitch=-0.1 * flex)  # hips go back to keep the COM over the feet
    for s in ("left", "right"):
        a.arm(s, flex=0.9 * flex * rng.uniform(0.8, 1.2))
    return finish(subject, a)


def leaning_backward(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    t = timeline(duration, fs)
    on = _hold(t, rng.uniform(0.6, 1.0) / tempo)
    ext = rng.uniform(10, 25) * amp * on
    a = quiet_stance(subject, len(t), fs, rng)
    a.trunk(flex=-ext)
    knee = rng.uniform(0, 12) * on
    for s in ("left", "right"):
        a.leg(s, knee=knee, ankle=knee, hip=0)
        a.arm(s, flex=-0.8 * ext, abd=rng.uniform(0, 15) * on)
    a.sway(pitch=0.08 * ext)  # pelvis forward
    a.head(flex=-0.5 * ext)
    return finish(subject, a)


def leaning_side(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    t = timeline(duration, fs)
    on = _hold(t, rng.uniform(0.6, 1.0) / tempo)
    s = 1.0 if rng.uniform() < 0.5 else -1.0          # +1: to the right
    bend = s * rng.uniform(15, 32) * amp * on
    a = quiet_stance(subject, len(t), fs, rng)
    a.trunk(bend=bend)
    a.sway(roll=-0.08 * bend)
    a.arm("right", abd=-0.5 * max(s, 0) * np.abs(bend) + 0.3 * max(-s, 0) * np.abs(bend))
    a.arm("left", abd=-0.5 * max(-s, 0) * np.abs(bend) + 0.3 * max(s, 0) * np.abs(bend))
    a.head(bend=-0.3 * bend)
    return finish(subject, a)


def looking_backward(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    t = timeline(duration, fs)
    on = _hold(t, rng.uniform(0.5, 0.8) / tempo)
    s = 1.0 if rng.uniform() < 0.5 else -1.0          # +1: over the left shoulder
    a = quiet_stance(subject, len(t), fs, rng)
    a.pelvis(yaw=s * rng.uniform(5, 15) * on)
    a.trunk(twist=s * rng.uniform(25, 40) * amp * on)
    a.head(twist=s * rng.uniform(40, 60) * on, flex=-5 * on)
    a.arm("left", abd=on * 5)
    a.arm("right", abd=on * 5)
    return finish(subject, a)


def reach_depth(subject, a_pose: np.ndarray, joint: str, target_z: float, lo=0.2, hi=2.2) -> float:
    """Scale s of ``a_pose`` (24, 3 deg per unit s) so that ``joint`` is ``target_z`` m above the feet.

    Bisection (12 halvings, ≈ 0.5 mm of reach) of the depth of a bend/squat that brings a hand to the
    floor or a bag. Every midpoint the next 6 halvings could visit is evaluated in one batched
    forward-kinematics call, so the 12 halvings cost two calls instead of thirteen.
    """
    base = neutral_pose(subject)

    def heights(scales):
        s = np.asarray(scales, dtype=float)[:, None, None]
        pos, rot, _ = pose_from_angles(subject.offsets, base[None] + s * a_pose[None])
        foot = contact_points(pos, rot, subject.foot)[..., 2].min(axis=(1, 2))
        return pos[:, INDEX[joint], 2] - foot - target_z

    def candidates(l, h, depth, out):           # (lo, hi) → midpoint of every reachable interval
        if depth:
            out[(l, h)] = m = 0.5 * (l + h)
            candidates(l, m, depth - 1, out)
            candidates(m, h, depth - 1, out)
        return out

    for level in range(2):
        mids = candidates(lo, hi, 6, {})
        h = heights([hi] + list(mids.values()) if level == 0 else list(mids.values()))
        if level == 0:
            if h[0] > 0:
                return hi
            h = h[1:]
        above = dict(zip(mids, h > 0))
        for _ in range(6):
            mid = mids[(lo, hi)]
            lo, hi = (mid, hi) if above[(lo, hi)] else (lo, mid)
    return 0.5 * (lo + hi)


def _bend_pose(subject, rng, side: str | None, squat: float):
    """Unit bend (degrees per unit depth): knees and hips flexed (more with ``squat``), trunk forward
    and towards ``side``, the reaching arm(s) hanging towards the floor."""
    p = Angles(1)
    knee, thigh = 25 + 45 * squat, 30 + 30 * squat
    for s in ("left", "right"):
        p.leg(s, hip=thigh, knee=knee, ankle=knee - thigh)
    trunk = 55 - 15 * squat
    p.trunk(flex=trunk, bend=0 if side is None else (-10 if side == "left" else 10))
    for s in ("left", "right"):
        reach = side is None or s == side
        # the arm hangs from the flexed trunk: flexing it by the trunk (and hip) angle points it down
        p.arm(s, flex=trunk if reach else 20, abd=5, elbow=0 if reach else 30)
    return p.a[0]


def hand_on_ground(subject, rng, duration, fs, amp=1.0, tempo=1.0, *, side="left"):
    t = timeline(duration, fs)
    rise = rng.uniform(0.8, 1.2) / tempo
    on = _hold(t, rise)
    touch = bump(t, rise * 0.95, rise + 0.1, t[-1] - rise - 0.1, t[-1] - rise * 0.95)  # load once the palm is down
    pose = _bend_pose(subject, rng, side, rng.uniform(0.75, 1.0))  # a stoop cannot reach the floor
    s = reach_depth(subject, pose, f"{side.capitalize()}Hand", 0.5 * subject.hand_length_m)  # palm flat
    a = quiet_stance(subject, len(t), fs, rng, amp=0.5)
    a.a += (on * s)[:, None, None] * pose[None]
    frac = rng.uniform(0.08, 0.25)
    ext = {"support_force_n": touch * frac * subject.mass_kg * G}
    return finish(subject, a, external=ext, support_joint=f"{side.capitalize()}Hand", support_drop=0.02)


def left_hand_on_ground(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return hand_on_ground(subject, rng, duration, fs, amp, tempo, side="left")


def right_hand_on_ground(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return hand_on_ground(subject, rng, duration, fs, amp, tempo, side="right")
