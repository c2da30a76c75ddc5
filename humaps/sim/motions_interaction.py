"""Interaction programs: sitting on a stool, climbing stairs, lifting, pulling and pushing a bag.

External loads are motion facts the physics needs (not labels): a stool
carrying weight while seated (``support_force_n`` under the Hips), a bag's
mass while it is held (``carried_mass_kg``), a bag's push/pull on the body
(``horizontal_force_body``), and the stairs' rising ground under each foot.
"""
from __future__ import annotations

import numpy as np

from humaps.constants import G
from humaps.sim.angles import Angles
from humaps.sim.curves import bump, keys, periodic, timeline
from humaps.sim.motion import finish
from humaps.sim.motions_postural import _bend_pose, reach_depth
from humaps.sim.stance import neutral_pose, quiet_stance


def sitting(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    t = timeline(duration, fs)
    d = rng.uniform(1.0, 1.4) / tempo
    seat = bump(t, 0.0, d, t[-1] - d, t[-1])
    lean = keys(t, (0, 0.5 * d, d, t[-1] - d, t[-1] - 0.5 * d, t[-1]), (0, 1, 0.2, 0.2, 1, 0))
    a = quiet_stance(subject, len(t), fs, rng, amp=0.3)
    knee = 90 * seat * rng.uniform(0.85, 1.05)
    thigh = 85 * seat
    for s in ("left", "right"):
        a.leg(s, hip=thigh, knee=knee, ankle=knee - thigh, abd=6 * seat)
        a.arm(s, flex=25 * seat, elbow=40 * seat)
    a.trunk(flex=35 * lean * rng.uniform(0.8, 1.2))
    sit = bump(t, 0.8 * d, d, t[-1] - d, t[-1] - 0.8 * d)
    ext = {"support_force_n": sit * rng.uniform(0.7, 0.85) * subject.mass_kg * G}
    return finish(subject, a, external=ext, support_joint="Hips", support_drop=0.08)


# stair ascent, phase 0 = foot contact on the next step (after Riener et al. 2002)
_ST_T = ((0, .3, .55, .65, .8, .9), (55, 20, 0, 5, 55, 65))
_ST_K = ((0, .3, .55, .65, .8, .9), (60, 25, 8, 35, 95, 80))
_ST_P = ((0, .5, .6, .67, .78), (0, 0, -20, -30, 0))
_ST_TOE = ((0, .5, .6, .67, .75), (0, 0, 20, 30, 0))


def stairs(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    """Step-over-step ascent: each foot's ground rises by two steps as it leaves the floor."""
    step_h = rng.uniform(0.15, 0.18)
    stride = 1.3 / tempo * rng.uniform(0.92, 1.08)
    n = max(int(duration / stride), 2)
    t = timeline(n * stride, fs)
    env = bump(t, 0, 0.35 * stride, t[-1] - 0.35 * stride, t[-1])
    phase = t / stride - 0.05          # the left foot leaves first, once the envelope is full
    a = Angles(len(t), neutral_pose(subject))
    lift_events = []                   # (frame, foot): the ground under a foot rises while it is high in swing
    for k, (side, lag) in enumerate((("left", 0.0), ("right", 0.5))):
        ph = phase - lag
        thigh = periodic(ph, *_ST_T) - 10
        knee = periodic(ph, *_ST_K)
        pitch = periodic(ph, *_ST_P)
        a.leg(side, hip=env * thigh, knee=env * knee, ankle=env * (pitch - thigh + knee),
              toe=env * periodic(ph, *_ST_TOE))
        crossings = np.nonzero(np.diff(np.floor(ph - 0.8)) > 0)[0] + 1
        lift_events += [(int(f), k) for f in crossings if env[f] > 0.99]
    # one step per lift, in time order (the first lift reaches step 1, each next one two steps up
    # from where that foot stood); the last lift stops level with the other foot
    ground = np.zeros((len(t), 2))
    for level, (f, k) in enumerate(sorted(lift_events), start=1):
        ground[f:, k] = level * step_h
    ground = np.minimum(ground, ground[-1].min())
    for s in ("left", "right"):
        a.arm(s, flex=env * 8 * np.sin(2 * np.pi * (phase - (0.5 if s == "left" else 0))))
    a.trunk(flex=env * 10)
    return finish(subject, a, ground=ground)


def lifting(subject, rng, duration, fs, amp=1.0, tempo=1.0, *, hands=1):
    st = subject.style
    side = ("right" if st.right_handed else "left") if rng.uniform() < 0.85 else (
        "left" if st.right_handed else "right")
    t = timeline(duration, fs)
    d = min(rng.uniform(0.8, 1.1) / tempo, (t[-1] - 0.2) / 3.6)
    hold = t[-1] - 3.6 * d
    times = (0, d, 1.2 * d, 2.2 * d, 2.2 * d + hold, 3.2 * d + hold, 3.4 * d + hold, t[-1])
    down = keys(t, times, (0, 1, 1, 0, 0, 1, 1, 0))
    held = keys(t, times, (0, 0, 1, 1, 1, 1, 0, 0))
    pose = _bend_pose(subject, rng, side if hands == 1 else None, st.lift_squat)
    s = reach_depth(subject, pose, f"{side.capitalize()}Hand", rng.uniform(0.28, 0.38))
    a = quiet_stance(subject, len(t), fs, rng, amp=0.5)
    a.a += (down * s)[:, None, None] * pose[None]
    mass = rng.uniform(2.0, 8.0)
    if hands == 1:
        a.trunk(bend=held * (1 - down) * (4 + mass) * (-1 if side == "right" else 1))
        a.arm(side, abd=held * (1 - down) * 8)
    else:
        for arm in ("left", "right"):
            a.arm(arm, flex=held * (1 - down) * 25, elbow=held * (1 - down) * 40)
    return finish(subject, a, external={"carried_mass_kg": held * mass})


def lifting_one(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return lifting(subject, rng, duration, fs, amp, tempo, hands=1)


def lifting_two(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return lifting(subject, rng, duration, fs, amp, tempo, hands=2)


def pull_push(subject, rng, duration, fs, amp=1.0, tempo=1.0, *, pull=True):
    """Hands on a bag in front; repeated pulls (lean back) or pushes (lean forward)."""
    t = timeline(duration, fs)
    on = bump(t, 0, 0.7 / tempo, t[-1] - 0.7 / tempo, t[-1])
    T = rng.uniform(1.0, 1.6) / tempo
    cyc = 0.5 - 0.5 * np.cos(2 * np.pi * t / T)
    a = quiet_stance(subject, len(t), fs, rng, amp=0.5)
    force = rng.uniform(25, 80) * amp * on * (0.4 + 0.6 * cyc)
    lean = (-1 if pull else 1) * rng.uniform(3, 7) * on * (0.6 + 0.4 * cyc)
    knee = 15 * on
    for s in ("left", "right"):
        a.leg(s, hip=10 * on, knee=knee, ankle=knee - 10 * on)
        elbow = (30 + 50 * cyc) if pull else (70 - 50 * cyc)
        a.arm(s, flex=on * (45 + 20 * (1 - cyc if pull else cyc)), elbow=on * elbow)
    a.trunk(flex=on * (25 if not pull else 10))
    a.sway(pitch=lean)
    fb = np.zeros((len(t), 2))
    fb[:, 1] = force if pull else -force     # the bag pulls the body forward / pushes it back
    return finish(subject, a, external={"horizontal_force_body": fb})


def pulling(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return pull_push(subject, rng, duration, fs, amp, tempo, pull=True)


def pushing(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return pull_push(subject, rng, duration, fs, amp, tempo, pull=False)
