"""Locomotion programs: walking (forwards, backwards, on tiptoes), jogging, hopping, side stepping.

Sagittal joint angles follow normative gait curves (Winter 2009; Perry &
Burnfield 2010) as C2 periodic splines over the stride (phase 0 = the leg's
initial contact), degrees:

- walking: hip +33° (late swing) / −10° (terminal stance); knee ≈ 5° at
  contact, loading-response flexion ≈ 15° (subject style), 60° in swing;
  ankle −6° after contact, +10° in terminal stance, −16° at toe-off; stance
  ≈ 60 % of the stride, emerging from the foot geometry;
- jogging: knee ≈ 40° in stance and up to ≈ 95° in swing, hip +42°/−12°,
  stance ≈ 38 %, then a flight phase (ballistic centre of mass).

The right leg runs half a stride behind the left; arms swing against the
contralateral leg; the pelvis rolls, rotates and bobs. Gait starts and stops
through an amplitude envelope over the first and last stride, so every
program begins and ends in the subject's neutral stance.
"""
from __future__ import annotations

import numpy as np

from humaps.sim.angles import Angles
from humaps.sim.curves import bump, keys, periodic, ramp, timeline
from humaps.sim.motion import Flight, finish
from humaps.sim.stance import neutral_pose

# the hip flexes early in swing and holds ≈ 33° through terminal swing: the foot's forward acceleration
# then falls in early swing, as on the real insoles (acc-X 1–99 % spread 1.7–7.5 g; the previous curve,
# flexing late, put 36 % of 64 simulated walking segments inside that range, this one 98 %)
WALK_HIP = ((0, .12, .3, .5, .6, .72, .8, .88, .95), (28, 24, 6.5, -8, -4, 22, 33, 33, 29))
WALK_KNEE = ((0, .13, .3, .42, .6, .72, .82, .88, .93), (4, 15, 6, 7, 38, 62, 38, 12, 4))
# the foot's pitch from horizontal (toes up > 0); the ankle angle follows from it and the leg:
# heel strike ≈ +14°, foot flat 10–25 %, heel rise, ≈ −54° as the toes leave, dorsiflexed swing.
# The rotation from heel rise through the first third of swing is fast because the real insoles'
# pitch rate peaks at ≈ +400…560 deg/s (toes down) and ≈ −300…−410 deg/s (toes up) in walking
# (angular-Y spread 420–980 deg/s; the earlier, slower curve gave 330–610)
WALK_FOOT = ((0, .05, .1, .25, .35, .45, .52, .58, .62, .67, .75, .84, .93),
             (14, 5, 0, 0, -4, -12, -24, -42, -54, -44, -14, 6, 15))
WALK_TOE = ((0, .25, .35, .45, .52, .58, .62, .67, .75), (0, 0, 4, 12, 24, 42, 50, 20, 0))
JOG_HIP = ((0, .15, .33, .45, .7, .85, .95), (32, 20, -12, 0, 35, 42, 36))
JOG_KNEE = ((0, .13, .33, .45, .62, .8, .92), (18, 40, 20, 60, 95, 45, 20))
JOG_FOOT = ((0, .05, .2, .28, .35, .5, .7, .85), (8, 0, 0, -15, -40, -35, -5, 5))
JOG_TOE = ((0, .2, .28, .35, .42, .5), (0, 0, 15, 35, 10, 0))
# out-of-plane foot motion, as fractions of the subject's amplitude (monotone keyframes over the
# stride, 0 while the foot is flat so planted feet stay put): the foot supinates (rolls about its
# long axis) through heel rise and push-off, keeps rolling in early swing and everts back before
# contact; in swing it also yaws (toe-in, then out) as the hip rotates the free leg.
WALK_ROLL = ((0, .4, .5, .6, .68, .78, .88, .97, 1), (0, 0, .35, .8, 1, .45, -.25, 0, 0))
WALK_YAW = ((0, .55, .63, .72, .82, .92, 1), (0, 0, -.6, -1, .3, 0, 0))
JOG_ROLL = ((0, .22, .3, .38, .48, .62, .8, .95, 1), (0, 0, .4, .9, 1, .3, -.3, 0, 0))
JOG_YAW = ((0, .36, .45, .55, .7, .85, 1), (0, 0, -.7, -1, .4, 0, 0))


def foot_roll_yaw(st) -> tuple[float, float]:
    """(roll, yaw) amplitudes in degrees of one subject's out-of-plane foot motion in gait.

    Roll ≈ 13–20° (subtalar inversion/eversion with the tibia's swing rotation, push-off and swing),
    yaw ≈ 6–11°; both scale with the stride, roll with the toe-out habit (a toe-out walker rolls off
    the medial forefoot more) and yaw a little with the arm swing (the pelvis and trunk rotation that
    goes with it). The yaw range is set so that the insoles' angular-Z spread in walking meets the
    real recordings' 170–300 deg/s: with the calibrated gyroscope noise and offsets, 10.5° put it
    inside for 83 % of 64 simulated walking segments, 8° for 97 %. After the trunk's sway over the
    stance foot and the heel-to-toe COP roll were added, 8° put 88 % inside (the top eighth above the
    real maximum, 296 deg/s) and 7.3° 94 % (the book cohort, ``realism.gait_statistics``, 2026-12-07).
    """
    roll = 16.0 * st.stride_scale * float(np.clip(0.75 + 0.035 * st.toe_out_deg, 0.8, 1.25))
    yaw = 7.3 * st.stride_scale * float(np.clip(0.85 + 0.15 * st.arm_swing, 0.9, 1.15))
    return roll, yaw


def _gait_clock(duration: float, fs: float, stride_s: float):
    """Time, left-leg stride phase and a 0→1→0 envelope with whole strides at full amplitude."""
    n_strides = max(int(np.floor(duration / stride_s)), 3)
    t = timeline(n_strides * stride_s, fs)
    phase = t / stride_s
    env = bump(t, 0.0, 0.9 * stride_s, t[-1] - 0.9 * stride_s, t[-1])
    return t, phase, env, n_strides


def _stance_hint(phase, env, start, end, direction=1.0):
    """(F, 2) intended support: 1 while a leg's curve phase is in [start, end) (mod 1), where the
    foot geometry of these curves puts it on the ground; 1 for both feet at low amplitude."""
    out = np.empty((len(phase), 2))
    for k, lag in enumerate((0.0, 0.5)):
        ph = np.mod(direction * (phase - lag) - start, 1.0)
        out[:, k] = np.where(env < 0.5, 1.0, (ph < np.mod(end - start, 1.0)).astype(float))
    return out


def _legs(a: Angles, phase, env, curves, *, amp=1.0, knee_load=15.0, offsets=None, direction=1.0, tilt=10.0,
          roll_yaw=None):
    """Leg angles from the normative curves. Clinical hip angles are measured from an anteriorly
    tilted pelvis (≈ 10°), so the thigh's angle from vertical is the hip curve minus ``tilt``."""
    hip, knee, foot, toe = curves
    offsets = offsets or {}
    for side, lag in (("left", 0.0), ("right", 0.5)):
        ph = direction * (phase - lag)
        kv = np.array(knee[1], float)
        if knee is WALK_KNEE:
            kv[1] = knee_load
        thigh = amp * (periodic(ph, *hip) - tilt) + offsets.get("hip", 0.0)
        kn = amp ** 0.5 * periodic(ph, knee[0], kv) + offsets.get("knee", 0.0)
        pitch = offsets.get("foot_amp", 1.0) * periodic(ph, *foot) + offsets.get("foot", 0.0)
        roll = yaw = 0.0
        if roll_yaw is not None:        # (roll keys, yaw keys, roll deg, yaw deg)
            u = np.mod(ph, 1.0)
            roll = roll_yaw[2] * keys(u, *roll_yaw[0])
            yaw = roll_yaw[3] * keys(u, *roll_yaw[1])
        a.leg(side, hip=env * thigh, knee=env * kn, ankle=env * (pitch - thigh + kn),
              toe=env * (offsets.get("toe_amp", 1.0) * periodic(ph, *toe) + offsets.get("toe", 0.0)),
              roll=env * roll, foot_yaw=env * yaw)


def _upper(a: Angles, phase, env, st, *, swing=1.0, elbow=0.0, lean=0.0, direction=1.0):
    """Arm swing against the contralateral leg, pelvis roll/rotation, trunk counter-rotation."""
    w = 2 * np.pi * direction * phase
    arm = 14.0 * st.arm_swing * swing
    a.arm("left", flex=env * arm * -np.cos(w), elbow=env * (elbow + 6 * st.arm_swing * (1 - np.cos(w)) / 2))
    a.arm("right", flex=env * arm * np.cos(w), elbow=env * (elbow + 6 * st.arm_swing * (1 + np.cos(w)) / 2))
    # the trunk sways over the stance foot once per stride, most early in single support (phase ≈ .2
    # for the left foot); a roll at twice the stride rate leaned the same way at both heel strikes and
    # made the left stance ≈ 10 % longer than the right
    a.pelvis(roll=env * -3.5 * np.sin(w + np.pi / 10), yaw=env * 4.0 * np.cos(w))
    a.trunk(twist=env * -3.0 * np.cos(w), flex=env * lean)


def walking(subject, rng, duration, fs, amp=1.0, tempo=1.0, *, backwards=False, tiptoe=False):
    st = subject.style
    # cadence is a stable personal trait: a faster performance lengthens the stride more than it
    # raises the cadence (tempo ** 0.4)
    cad = st.walk_cadence * tempo ** 0.4 * (0.88 if backwards else 1.0) * (1.06 if tiptoe else 1.0)
    t, phase, env, _ = _gait_clock(duration, fs, 120.0 / cad * rng.uniform(0.97, 1.03))
    a = Angles(len(t), neutral_pose(subject))
    k = st.stride_scale * amp * (0.75 if backwards else 1.0) * (0.8 if tiptoe else 1.0)
    off = {"foot": -24.0, "foot_amp": 0.5, "toe": 24.0, "toe_amp": 0.5, "knee": 8.0} if tiptoe else {}
    _legs(a, phase, env, (WALK_HIP, WALK_KNEE, WALK_FOOT, WALK_TOE), amp=k,
          knee_load=st.knee_loading_deg + (6 if tiptoe else 0), offsets=off, direction=-1.0 if backwards else 1.0,
          roll_yaw=(WALK_ROLL, WALK_YAW, *(amp * v for v in foot_roll_yaw(st))))
    stance = _stance_hint(phase, env, -0.08, 0.42, -1.0 if backwards else 1.0)   # heel rise ends support
    _upper(a, phase, env, st, swing=0.6 if backwards else 1.0, direction=-1.0 if backwards else 1.0,
           lean=-2.0 if backwards else 0.0)
    a.head(flex=env * (10.0 if backwards else 0.0), twist=env * (25.0 * np.sign(rng.uniform(-1, 1)) if backwards else 0.0)
           * ramp(t, 0.5, 1.5))
    return finish(subject, a, stance=stance)


def walking_backwards(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return walking(subject, rng, duration, fs, amp, tempo, backwards=True)


def walking_tiptoes(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return walking(subject, rng, duration, fs, amp, tempo, tiptoe=True)


def jogging(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    st = subject.style
    stride = 120.0 / (st.jog_cadence * tempo) * rng.uniform(0.97, 1.03)
    t, phase, env, n = _gait_clock(duration, fs, stride)
    a = Angles(len(t), neutral_pose(subject))
    _legs(a, phase, env, (JOG_HIP, JOG_KNEE, JOG_FOOT, JOG_TOE), amp=st.stride_scale * amp, tilt=14.0,
          roll_yaw=(JOG_ROLL, JOG_YAW, *(1.2 * amp * v for v in foot_roll_yaw(st))))
    _upper(a, phase, env, st, swing=1.6, elbow=75.0, lean=6.0)
    # flights after each toe-off (left at phase .38, right at .88) once the envelope is full
    # with these curves the feet's geometry has each toe-off at phase ≈ .37 (left) / .87 (right);
    # a planned flight of ≈ 12 % of the stride follows (a slow jog's flight phase)
    flight = 0.12 * stride * rng.uniform(0.85, 1.15)
    flights = [Flight(int(round((c + off) * stride * fs)), ramp_s=0.04, duration_s=flight)
               for c in range(1, n - 1) for off in (0.33, 0.83)]
    return finish(subject, a, flights=flights, stance=_stance_hint(phase, env, -0.05, 0.35))


def hopping(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    """Hopping forward on the preferred leg: weight shift, hops (≈ 0.5 s each), back to two feet."""
    st = subject.style
    side = st.hop_leg if rng.uniform() < 0.8 else ("left" if st.hop_leg == "right" else "right")
    other = "right" if side == "left" else "left"
    T = 0.5 / tempo * rng.uniform(0.95, 1.05)
    n_hops = max(int((duration - 1.6) / T), 2)
    t = timeline(1.6 + n_hops * T, fs)
    a = Angles(len(t), neutral_pose(subject))
    up = bump(t, 0.3, 0.8, t[-1] - 0.8, t[-1] - 0.3)       # other leg lifted
    shift = bump(t, 0.0, 0.5, t[-1] - 0.5, t[-1])          # pelvis over the stance foot
    hop_on = bump(t, 0.8, 0.8 + T, t[-1] - 0.8 - T, t[-1] - 0.8)
    u = np.clip((t - 0.8) / T, 0, n_hops)
    knots = (0, .25, .5, .62, .8)
    a.leg(side, abd=-7 * shift, roll=7 * shift,
          knee=hop_on * periodic(u, knots, (15, 38, 20, 8, 10)) + 4 * shift,
          hip=hop_on * periodic(u, knots, (12, 25, 10, 5, 8)),
          ankle=hop_on * periodic(u, knots, (0, 16, -12, -25, -5)),
          toe=hop_on * periodic(u, knots, (0, 5, 25, 10, 0)))
    a.leg(other, hip=up * (30 + 15 * st.per_action.get("Hopping around on one leg", (1, 1))[0]), knee=up * 75, ankle=-up * 10)
    a.trunk(bend=-(5 if side == "left" else -5) * shift, flex=5 * shift)
    for s in ("left", "right"):
        a.arm(s, abd=15 * shift, flex=hop_on * 10 * np.sin(2 * np.pi * u))
    flights = [Flight(int(round((0.8 + (k + 0.5) * T) * fs)), v_up=0.9 * amp * st.jump_scale,
                      v_xy=(0.0, 0.7 * amp), ramp_s=0.05) for k in range(1, n_hops - 1)]
    return finish(subject, a, flights=flights)


def side_stepping(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    """Repeated side steps. Feet and pelvis follow a lateral plan (lead foot X, pelvis P, trailing
    foot Q, all moving by S per step) and the hip abductions follow from it, so planted feet stay put:
    lead foot out [0, .3], weight shift (double support) [.3, .8] with the trailing foot following
    [.5, .8], both feet together [.8, 1]."""
    st = subject.style
    lead, trail = ("right", "left") if rng.uniform() < 0.5 else ("left", "right")
    T = 0.8 / tempo * rng.uniform(0.93, 1.07)
    n = max(int(duration / T), 2)
    t = timeline(n * T + 0.3, fs)
    u = np.minimum(t / T, n)
    k, ph = np.floor(u), np.mod(u, 1.0)
    ph[u >= n] = 1.0
    k[u >= n] = n - 1
    S = subject.leg_length_m * np.sin(np.deg2rad(18.0 * amp * st.stride_scale))
    X = S * (k + keys(ph, (0, .3, 1), (0, 1, 1)))
    P = S * (k + keys(ph, (0, .3, .8, 1), (0, 0, 1, 1)))
    Q = S * (k + keys(ph, (0, .5, .8, 1), (0, 0, 1, 1)))
    L = subject.leg_length_m
    lead_abd = np.rad2deg(np.arcsin(np.clip((X - P) / L, -1, 1)))
    trail_abd = np.rad2deg(np.arcsin(np.clip((P - Q) / L, -1, 1)))
    lift_lead = keys(ph, (0, .05, .17, .3, 1), (0, 0, 1, 0, 0))
    lift_trail = keys(ph, (0, .52, .65, .8, 1), (0, 0, 1, 0, 0))
    roll_deg, yaw_deg = (amp * v for v in foot_roll_yaw(st))
    a = Angles(len(t), neutral_pose(subject))
    for side, abd, lift in ((lead, lead_abd, lift_lead), (trail, trail_abd, lift_trail)):
        # the lifted foot rolls (sole towards the other foot) and turns slightly as it swings sideways
        a.leg(side, abd=abd, roll=-abd + 0.8 * roll_deg * lift, knee=18 * lift, hip=9 * lift, ankle=-9 * lift,
              foot_yaw=0.8 * yaw_deg * lift)
    env = bump(t, 0, 0.3, t[-1] - 0.3, t[-1])
    for s in ("left", "right"):
        a.arm(s, abd=env * 10 * st.arm_swing)
    a.trunk(flex=env * 4)
    return finish(subject, a)


def walking_forward(subject, rng, duration, fs, amp=1.0, tempo=1.0):
    return walking(subject, rng, duration, fs, amp, tempo)
