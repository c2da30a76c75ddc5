"""Continuous trials: every class once, in a shuffled order, joined by neutral stance.

A trial is one subject's repetition: quiet stance, then all 30 actions in a
random order, each followed by 0.8–2 s of neutral stance (the transitions are
unlabelled). The angle programs are concatenated and the body is placed in
the world once for the whole trial, so position, ground (stairs leave the
subject on the top step) and heading carry over from one action to the next.
The annotation table gives each action's (start_s, end_s, label) on the
trial clock (t = 0 at the first frame).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from humaps.recordings import MocapRecording
from humaps.sim import motions_gait as mg
from humaps.sim import motions_interaction as mi
from humaps.sim import motions_jumps as mj
from humaps.sim import motions_postural as mp
from humaps.sim import motions_static as ms
from humaps.sim.actions import ACTION_NAMES, sample_duration
from humaps.sim.motion import BodyMotion
from humaps.sim.placement import place
from humaps.sim.stance import quiet_stance

#: class name -> motion program (subject, rng, duration_s, fs, amp, tempo) -> ActionMotion
PROGRAMS = {
    "Standing upright without moving": ms.standing,
    "Balancing on the left leg": ms.balancing_left,
    "Balancing on the right leg": ms.balancing_right,
    "Doing squats": ms.squats,
    "Standing on tiptoes": ms.tiptoes,
    "Standing on heels": ms.heels,
    "Walking": mg.walking_forward,
    "Jogging": mg.jogging,
    "Walking backwards": mg.walking_backwards,
    "Walking on tiptoes": mg.walking_tiptoes,
    "Hopping around on one leg": mg.hopping,
    "Side stepping": mg.side_stepping,
    "Jumping in place": mj.jumping_in_place,
    "Jumping on the right leg": mj.jumping_right_leg,
    "Jumping on the left leg": mj.jumping_left_leg,
    "Jumping to the side": mj.jumping_side,
    "Jumping forward": mj.jumping_forward,
    "Jumping backward": mj.jumping_backward,
    "Sitting on the stool": mi.sitting,
    "Climbing the stairs": mi.stairs,
    "Lifting the bag with one hand": mi.lifting_one,
    "Lifting the bag with two hands": mi.lifting_two,
    "Pulling the bag": mi.pulling,
    "Pushing the bag": mi.pushing,
    "Leaning forward": mp.leaning_forward,
    "Leaning backward": mp.leaning_backward,
    "Leaning to the side": mp.leaning_side,
    "Looking backward": mp.looking_backward,
    "Putting left hand on the ground": mp.left_hand_on_ground,
    "Putting right hand on the ground": mp.right_hand_on_ground,
}
assert tuple(PROGRAMS) == ACTION_NAMES


def perform(subject, name: str, rng: np.random.Generator, fs: float):
    """One performance of class ``name``: the subject's style × a per-repetition variation."""
    amp_s, tempo_s = subject.style.per_action[name]
    amp = amp_s * float(np.clip(rng.normal(1.0, 0.07), 0.8, 1.2))
    tempo = tempo_s * subject.style.tempo * float(np.clip(rng.normal(1.0, 0.05), 0.85, 1.15))
    duration = sample_duration(name, rng, tempo)
    return PROGRAMS[name](subject, rng, duration, fs, amp=amp, tempo=tempo)


def build_trial(subject, rng: np.random.Generator, fs: float, transition_s=(0.8, 2.0), actions=None):
    """Simulate one continuous trial.

    Returns (BodyMotion, annotations DataFrame[start_s, end_s, label]).
    ``actions`` restricts/orders the classes (default: all 30, shuffled).
    """
    names = list(ACTION_NAMES) if actions is None else list(actions)
    if actions is None:
        rng.shuffle(names)
    parts, rows, flights, externals = [], [], [], []
    frame = 0

    def stance(seconds):
        n = max(int(round(seconds * fs)), 2)
        return quiet_stance(subject, n, fs, rng).a

    def add(angles, ground=None, stance_hint=None, ext=None):
        nonlocal frame
        n = angles.shape[0]
        parts.append((angles, np.zeros((n, 2)) if ground is None else ground,
                      np.ones((n, 2)) if stance_hint is None else stance_hint))
        externals.append((frame, n, ext))
        frame += n

    add(stance(rng.uniform(1.0, 1.5)))
    for name in names:
        m = perform(subject, name, rng, fs)
        rows.append({"start_s": frame / fs, "end_s": (frame + m.n_frames) / fs, "label": name})
        flights += [dataclasses.replace(fl, frame=fl.frame + frame) for fl in m.flights]
        add(m.angles, m.ground, m.stance, (m.external, m.support_joint, m.support_drop))
        add(stance(rng.uniform(*transition_s)))
    angles = np.concatenate([p[0] for p in parts])
    # each program's ground is relative to where it began: accumulate (stairs stay climbed)
    grounds, base = [], np.zeros(2)
    for _, g, _ in parts:
        grounds.append(g + base)
        base = base + g[-1]
    ground = np.concatenate(grounds)
    # a foot can only step onto a higher level through a program; after it both feet share it
    hint = np.concatenate([p[2] for p in parts])
    heading = float(rng.uniform(-np.pi, np.pi))
    pos, rot, com = place(subject, angles, heading, ground, flights, fs, start_xy=rng.uniform(-0.5, 0.5, 2), stance=hint)
    motion = BodyMotion(fs=fs, positions=pos, rotations=rot, com=com, ground_height=ground, foot=subject.foot,
                        external=_externals(subject, externals, pos, heading, frame))
    return motion, pd.DataFrame(rows, columns=["start_s", "end_s", "label"])


def _externals(subject, chunks, pos, heading, n):
    """Assemble the external-load arrays of the whole trial (zeros where no program set them)."""
    from humaps.skeleton import INDEX

    carried = np.zeros(n)
    support = np.zeros(n)
    point = pos[:, INDEX["Hips"]].copy()
    point[:, 2] = 0.0
    horiz = np.zeros((n, 2))
    c, s = np.cos(heading), np.sin(heading)
    for start, length, ext in chunks:
        if ext is None:
            continue
        d, joint, drop = ext
        sl = slice(start, start + length)
        if "carried_mass_kg" in d:
            carried[sl] = d["carried_mass_kg"]
        if "support_force_n" in d:
            support[sl] = d["support_force_n"]
            point[sl] = pos[sl, INDEX[joint]] - np.array([0.0, 0.0, drop])
        if "horizontal_force_body" in d:
            fb = d["horizontal_force_body"]
            horiz[sl, 0] = c * fb[:, 0] - s * fb[:, 1]
            horiz[sl, 1] = s * fb[:, 0] + c * fb[:, 1]
    return {"carried_mass_kg": carried, "support_force_n": support, "support_point": point,
            "horizontal_force_n": horiz}


def _frames(a: np.ndarray, i: np.ndarray) -> np.ndarray:
    """a[i] along axis 0 for increasing frame indices i: a view (no copy) when they are consecutive,
    as they are when mocap and simulation share a rate (a trial holds ≈ 20 000 frames of 24 joints)."""
    return a[i[0]:i[-1] + 1] if len(i) and np.all(np.diff(i) == 1) else a[i]


def mocap_from_motion(motion: BodyMotion, cfg, rng: np.random.Generator) -> MocapRecording:
    """What the QTM skeleton export of this trial would hold.

    Frames at ``cfg.mocap_rate_hz`` on the mocap clock: mocap time τ is trial time τ + offset,
    offset ~ U(cfg.mocap_offset_s) (``meta["clock_offset_s"]``). Positions (m) get white noise of
    ``cfg.mocap_noise_mm``; short gaps (NaN) hit one segment or the whole body.
    """
    fs, F = motion.fs, motion.n_frames
    offset = float(rng.uniform(*cfg.mocap_offset_s))
    t_end = (F - 1) / fs
    tau = np.arange(0.0, t_end - max(offset, 0.0) - 1e-9, 1.0 / cfg.mocap_rate_hz)
    x = (tau + offset) * fs                    # fractional simulation frame of every mocap frame
    n0 = int(np.count_nonzero(x < 0))          # mocap started before the trial: hold its first pose
    i = np.minimum(np.floor(x[n0:]).astype(int), F - 2)
    w = np.minimum(x[n0:] - i, 1.0)[:, None, None]
    pos = np.empty((len(tau),) + motion.positions.shape[1:])
    rot = np.empty((len(tau),) + motion.rotations.shape[1:])
    pos[:n0], rot[:n0] = motion.positions[0], motion.rotations[0]
    p0 = _frames(motion.positions, i)
    pos[n0:] = p0 + w * (_frames(motion.positions, i + 1) - p0)
    q0, q1 = _frames(motion.rotations, i), _frames(motion.rotations, i + 1)
    q1 = q1 * np.where(np.einsum("mjk,mjk->mj", q0, q1) < 0, -1.0, 1.0)[..., None]   # shortest arc
    q = q0 + w * (q1 - q0)
    rot[n0:] = q / np.sqrt(np.einsum("mjk,mjk->mj", q, q))[..., None]
    pos += (cfg.mocap_noise_mm / 1000.0) * rng.standard_normal(pos.shape, dtype=np.float32)
    M = len(tau)
    n_gaps = rng.poisson(cfg.mocap_gaps_per_min * M / cfg.mocap_rate_hz / 60.0)
    gaps = []
    for _ in range(n_gaps):
        length = int(rng.uniform(*cfg.mocap_gap_s) * cfg.mocap_rate_hz) + 1
        start = int(rng.integers(0, max(M - length, 1)))
        joints = slice(None) if rng.uniform() < 0.3 else int(rng.integers(0, pos.shape[1]))
        pos[start:start + length, joints] = np.nan
        rot[start:start + length, joints] = np.nan
        gaps.append((start, length))
    return MocapRecording(time=tau, positions=pos, rotations=rot, frequency=cfg.mocap_rate_hz,
                          meta={"clock_offset_s": offset, "gaps": gaps})
