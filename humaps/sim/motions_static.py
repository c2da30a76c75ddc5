"""Static programs: quiet stance, one-leg balance, squats, standing on tiptoes or heels.

Each program rises from the neutral stance into its posture, holds it with
postural sway (ankle strategy: the body pivots over flat feet), and returns.
Foot pitch is kept explicit: the ankle angle is chosen so the foot keeps the
wanted pitch whatever the hip and knee do (ankle = pitch − thigh + knee).
"""
from __future__ import annotations

import numpy as np

from humaps.sim.curves import bump, keys, slow_noise, timeline
from humaps.sim.motion import finish
from humaps.sim.stance import quiet_stance


def standing(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    t = timeline(duration, fs)
    return finish(subject, quiet_stance(subject, len(t), fs, rng, amp=amp))


def balancing(subject, rng, duration, fs, amp=1.0, tempo=1.0, *, side="left"):
    """Stand on ``side``: shift the pelvis over that foot, lift the other, balance with arms and ankle."""
    other = "right" if side == "left" else "left"
    t = timeline(duration, fs)
    n = len(t)
    a = quiet_stance(subject, n, fs, rng, amp=0.5)
    shift = bump(t, 0.0, 0.5 / tempo, t[-1] - 0.5 / tempo, t[-1])
    up = bump(t, 0.35 / tempo, 0.9 / tempo, t[-1] - 0.9 / tempo, t[-1] - 0.35 / tempo)
    thigh = rng.uniform(15, 50) * amp
    knee = rng.uniform(45, 95)
    s = 1.0 if side == "left" else -1.0
    wob = subject.style.sway_deg * 2.5 * up
    a.leg(side, abd=-7 * shift, roll=7 * shift + wob * slow_noise(n, fs, rng, 1.0) * 0.6, knee=4 * shift,
          ankle=wob * slow_noise(n, fs, rng, 0.9))
    a.leg(other, hip=up * thigh, knee=up * knee, ankle=up * (knee - thigh - 10), abd=up * rng.uniform(0, 10))
    a.sway(pitch=wob * 0.5 * slow_noise(n, fs, rng, 0.8))
    a.trunk(bend=-s * 4 * shift + wob * 0.8 * slow_noise(n, fs, rng, 1.0))
    for arm in ("left", "right"):
        a.arm(arm, abd=shift * rng.uniform(5, 35) + 0.5 * wob * slow_noise(n, fs, rng, 1.0))
    return finish(subject, a)


def balancing_left(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return balancing(subject, rng, duration, fs, amp, tempo, side="left")


def balancing_right(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return balancing(subject, rng, duration, fs, amp, tempo, side="right")


def squats(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    st = subject.style
    T = 2.2 / tempo * rng.uniform(0.9, 1.1)
    n_sq = max(int(round(duration / T)), 1)
    t = timeline(n_sq * T, fs)
    u = np.mod(t / T, 1.0)
    depth = keys(u, (0, .1, .45, .55, .9, 1), (0, 0, 1, 1, 0, 0)) * min(amp, 1.25)
    knee = st.squat_depth_deg * depth
    thigh = knee * (0.72 + 0.3 * st.squat_trunk)
    a = quiet_stance(subject, len(t), fs, rng, amp=0.5)
    for side in ("left", "right"):
        a.leg(side, hip=thigh, knee=knee, ankle=knee - thigh, abd=4 * depth)
        a.arm(side, flex=depth * rng.uniform(50, 90), elbow=depth * 10)
    a.trunk(flex=depth * (10 + 35 * st.squat_trunk))
    a.head(flex=-depth * 10)
    return finish(subject, a)


def tiptoes(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    t = timeline(duration, fs)
    on = bump(t, 0.0, 0.6 / tempo, t[-1] - 0.6 / tempo, t[-1])
    pitch = -rng.uniform(22, 35) * min(amp, 1.2) * on
    a = quiet_stance(subject, len(t), fs, rng, amp=1.5)
    wob = on * subject.style.sway_deg * slow_noise(len(t), fs, rng, 1.2)
    for side in ("left", "right"):
        a.leg(side, ankle=pitch + wob, toe=-pitch - wob)
    a.arm("left", abd=on * 5)
    a.arm("right", abd=on * 5)
    return finish(subject, a)


def heels(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    """Toes lifted, weight on the heels; hips flex and the trunk leans forward to keep balance."""
    t = timeline(duration, fs)
    on = bump(t, 0.0, 0.6 / tempo, t[-1] - 0.6 / tempo, t[-1])
    pitch = rng.uniform(12, 22) * min(amp, 1.2) * on
    hip = rng.uniform(8, 18) * on
    a = quiet_stance(subject, len(t), fs, rng, amp=1.5)
    for side in ("left", "right"):
        a.leg(side, hip=hip, knee=3 * on, ankle=pitch - hip + 3 * on, toe=on * 10)
        a.arm(side, flex=on * rng.uniform(10, 50))
    a.trunk(flex=on * rng.uniform(5, 15))
    return finish(subject, a)
