"""Jumps: in place, on one leg, to the side, forward, backward.

Each jump is countermovement → push-off (hips and knees extend, heels rise)
→ take-off → flight → landing on the forefoot → absorption → stance. The
angle program times the flight it expects; the placement decides the real
flight from the take-off speed (the body lands when a foot reaches the floor).
"""
from __future__ import annotations

import numpy as np

from humaps.sim.angles import Angles
from humaps.sim.curves import bump, keys, timeline
from humaps.sim.motion import Flight, finish
from humaps.sim.stance import neutral_pose

# key times (s) of one two-footed jump from its start, and values
_K = (0.0, 0.35, 0.52, 0.62, 0.85, 1.05, 1.35)
_KNEE = (0, 70, 10, 15, 20, 45, 0)
_THIGH = (0, 60, 5, 10, 20, 40, 0)
_PITCH = (0, 0, -30, -20, -12, 0, 0)
_TRUNK = (0, 25, 5, 5, 5, 15, 0)
_ARM = (0, -40, 110, 60, 30, 10, 0)
TAKEOFF_S = 0.50


def jumps(subject, rng, duration, fs, amp=1.0, tempo=1.0, *, legs=("left", "right"), v_xy=(0.0, 0.0),
          alternate_x=False):
    st = subject.style
    one = len(legs) == 1
    cycle = _K[-1] + rng.uniform(0.1, 0.4)
    n = max(int(duration // cycle), 1)
    pre = 0.6 if one else 0.0
    t = timeline(n * cycle + 2 * pre, fs)
    a = Angles(len(t), neutral_pose(subject))
    depth = min(amp, 1.3) * (0.55 if one else 1.0) * rng.uniform(0.85, 1.15)
    local = np.mod(t - pre, cycle)
    active = ((t >= pre) & (t < pre + n * cycle)).astype(float)
    knee = keys(local, _K, _KNEE) * depth * active
    thigh = keys(local, _K, _THIGH) * depth * active
    pitch = keys(local, _K, _PITCH) * active
    for side in legs:
        a.leg(side, hip=thigh, knee=knee, ankle=pitch - thigh + knee, toe=-pitch)
    if one:
        side = legs[0]
        other = "right" if side == "left" else "left"
        shift = bump(t, 0.0, 0.5, t[-1] - 0.5, t[-1])
        a.leg(side, abd=-7 * shift, roll=7 * shift)
        a.leg(other, hip=shift * 35, knee=shift * 80, ankle=-10 * shift)
        a.trunk(bend=(-5 if side == "left" else 5) * shift)
    a.trunk(flex=keys(local, _K, _TRUNK) * depth * active)
    for side in ("left", "right"):
        a.arm(side, flex=keys(local, _K, _ARM) * active * (0.5 if one else 1.0) * st.arm_swing ** 0.3)
    flights = []
    for k in range(n):
        vx, vy = v_xy
        if alternate_x and k % 2:
            vx = -vx
        flights.append(Flight(int(round((pre + k * cycle + TAKEOFF_S) * fs)),
                              v_up=(0.5 if one else 0.8) * st.jump_scale * min(amp, 1.3),
                              v_xy=(vx * st.jump_scale, vy * st.jump_scale), ramp_s=0.04, absolute_xy=True))
    return finish(subject, a, flights=flights)


def jumping_in_place(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return jumps(subject, rng, duration, fs, amp, tempo)


def jumping_right_leg(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return jumps(subject, rng, duration, fs, amp, tempo, legs=("right",))


def jumping_left_leg(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return jumps(subject, rng, duration, fs, amp, tempo, legs=("left",))


def jumping_side(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    s = 1.0 if rng.uniform() < 0.5 else -1.0
    return jumps(subject, rng, duration, fs, amp, tempo, v_xy=(s * rng.uniform(0.6, 1.0), 0.0), alternate_x=True)


def jumping_forward(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return jumps(subject, rng, duration, fs, amp, tempo, v_xy=(0.0, rng.uniform(1.0, 1.6)))


def jumping_backward(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return jumps(subject, rng, duration, fs, amp, tempo, v_xy=(0.0, -rng.uniform(0.5, 0.9)))
