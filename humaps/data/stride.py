"""How far a foot travels in each swing, from the insole's own IMU: strapdown integration between two
stances with zero velocity at both ends (a zero-velocity update, ZUPT; Foxlin 2005, Skog et al. 2010).

The insoles measure no position, but a foot is flat and still at mid-stance. So each swing, from the
middle of the stance before it to the middle of the stance after it (:func:`swings`), is integrated on
its own:

1. the orientation starts level with gravity as the accelerometer measures it in the first stance
   (the heading is arbitrary: only horizontal distances are kept) and follows the gyroscope;
2. the specific force, rotated to the world and less gravity, is integrated to a velocity; the velocity
   is set to zero at both ends by removing a linear drift (the ZUPT);
3. the velocity is integrated to the horizontal displacement of the foot: the swing's *travel* (m), a
   stride length for that foot.

Where the truth is known, on simulated walks, :func:`true_travel` gives the same swings' travel from the
motion capture, to check the estimate against.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from humaps.constants import G
from humaps.data.realism import MIN_SWING_S, foot_contact, runs
from humaps.recordings import InsoleRecording
from humaps.sim.quaternions import qmul, qrot

#: a swing is integrated from the middle of the stance before it to the middle of the stance after it, but
#: from no earlier and to no later than this (s) around the unloading (standing before a walk is long)
REACH_S = 0.5
#: the first frames of the integration (s) that fix the initial tilt from gravity
REST_S = 0.05
#: the columns of :func:`swings`
COLUMNS = ["side", "start (s)", "end (s)", "swing (s)", "travel (m)", "rise (m)", "step"]


def orientations(gyro_deg_s: np.ndarray, fs: float, q0: np.ndarray) -> np.ndarray:
    """(n, 4) unit quaternions (w, x, y, z), sensor → world, from ``q0`` (4,) at the first frame and the
    body-frame angular rates ``gyro_deg_s`` (n, 3) deg/s at ``fs`` Hz: q_i = q_0 ⊗ δq_1 ⊗ … ⊗ δq_i.

    The running product is an inclusive scan (Hillis & Steele 1986): log2(n) vectorised products, each
    element taking the product ending 2^k frames earlier on its left, so the order of rotations is kept.
    (SciPy's ``Rotation`` composes two rotations at a time: its running product is a loop over frames;
    the two agree to 1e-12, ``tests/test_stride.py``.)
    """
    half = 0.5 * np.deg2rad(gyro_deg_s[1:]) / fs                           # (n-1, 3) half rotation vectors
    angle = np.linalg.norm(half, axis=1, keepdims=True)
    step = np.concatenate([np.cos(angle), np.sinc(angle / np.pi) * half], axis=1)   # exp of each half vector
    q = np.concatenate([np.asarray(q0, float)[None], step])
    k = 1
    while k < len(q):
        q = np.concatenate([q[:k], qmul(q[:-k], q[k:])])
        k *= 2
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def level(acc_g: np.ndarray) -> np.ndarray:
    """(4,) the quaternion turning the measured up (the mean specific force of ``acc_g`` (n, 3), at rest)
    onto world +z, by the shortest arc."""
    up = acc_g.mean(axis=0) / np.linalg.norm(acc_g.mean(axis=0))
    q = np.array([1.0 + up[2], up[1], -up[0], 0.0])                      # [1 + up·z, up × z]
    n = np.linalg.norm(q)
    return q / n if n > 1e-9 else np.array([0.0, 1.0, 0.0, 0.0])         # upside down: half turn about x


def travel(acc_g: np.ndarray, gyro_deg_s: np.ndarray, fs: float, *, rest: int) -> tuple[float, float]:
    """(horizontal displacement, highest rise) m of an insole from its first to its last frame, both at
    rest, from its specific force ``acc_g`` (n, 3) g and angular rate ``gyro_deg_s`` (n, 3) deg/s at ``fs``
    Hz; the first ``rest`` frames set the initial tilt. The rise is a plausibility check: a walking foot
    clears the floor by centimetres, so a rise of decimetres means the integration failed."""
    q = orientations(gyro_deg_s, fs, level(acc_g[:rest]))
    a = G * qrot(q, acc_g) - np.array([0.0, 0.0, G])                     # (n, 3) m/s², world
    v = np.cumsum(a, axis=0) / fs
    v -= np.linspace(0.0, 1.0, len(v))[:, None] * v[-1]                  # zero velocity at both ends
    p = np.cumsum(v, axis=0) / fs
    return float(np.hypot(*p[-1, :2])), float(p[:, 2].max())


def swings(rec: InsoleRecording) -> pd.DataFrame:
    """One row per swing of either foot between two stances inside ``rec``: side, the start and end of
    the integration (s, the middles of the stances before and after, at most :data:`REACH_S` from the
    unloading: a foot is flat and still at mid-stance, and at rest while standing), the duration of
    the unloading (s), the foot's travel and rise (m, :func:`travel`) and its place in that foot's walk:
    ``"first"`` or ``"last"`` swing of the foot in the recording, else ``"inside"``. Stances: the
    force onsets' (:func:`humaps.data.realism.foot_contact`)."""
    f, fs = rec.total_force, rec.rate_hz
    mask = foot_contact(f, fs)
    reach, rest = int(round(REACH_S * fs)), max(int(round(REST_S * fs)), 2)
    rows = []
    for side in (0, 1):
        st_on, st_off = runs(mask[:, side])
        mid = (st_on + st_off) // 2
        # a swing is the gap between stance k and stance k + 1
        a, b = st_off[:-1], st_on[1:]
        i0, i1 = np.maximum(mid[:-1], a - reach), np.minimum(mid[1:], b + reach)
        keep = (b - a >= round(MIN_SWING_S * fs)) & (a - i0 >= rest) & (i1 - b >= rest)
        place = np.full(int(keep.sum()), "inside", dtype=object)
        if len(place):
            place[-1], place[0] = "last", "first"
        for s0, s1, u0, u1, where in zip(i0[keep], i1[keep], a[keep], b[keep], place):
            sl = slice(s0, s1)                                            # a few swings, not frames
            rows.append({"side": "left" if side == 0 else "right", "start (s)": rec.time[s0],
                         "end (s)": rec.time[s1 - 1], "swing (s)": (u1 - u0) / fs,
                         **dict(zip(("travel (m)", "rise (m)"),
                                    travel(rec.acceleration[sl, side], rec.angular_rate[sl, side], fs, rest=rest))),
                         "step": where})
    return pd.DataFrame(rows, columns=COLUMNS)


def true_travel(trial, table: pd.DataFrame) -> np.ndarray:
    """(rows,) m the horizontal travel of each swing of :func:`swings` ``table`` (of ``trial``'s insoles)
    from ``trial``'s motion capture (the foot joint, over the same span); NaN where the capture has a gap."""
    from humaps.skeleton import INDEX

    t = trial.mocap.time + trial.mocap_offset_s                          # insole clock
    out = np.full(len(table), np.nan)
    for i, (side, t0, t1) in enumerate(table[["side", "start (s)", "end (s)"]].itertuples(index=False)):
        joint = INDEX["LeftFoot" if side == "left" else "RightFoot"]
        ends = np.stack([np.interp((t0, t1), t, trial.mocap.positions[:, joint, c])
                         for c in (0, 1)], axis=1)                     # (2 ends, x y)
        out[i] = float(np.linalg.norm(ends[1] - ends[0]))
    return out


def walk_swings(trials, *, label: str = "Walking", margin_s: float = 1.0) -> pd.DataFrame:
    """:func:`swings` of every ``label`` segment of annotated ``trials`` with motion capture (others are
    left out), each with ``margin_s`` of the stance around it so that its first and last swings count,
    and their travel from the motion capture, ``true (m)`` (:func:`true_travel`)."""
    rows = [pd.DataFrame(columns=[*COLUMNS, "true (m)"])]           # none: an empty table, not a crash
    for tr in trials:
        if tr.mocap is None or tr.annotations is None:
            continue
        for s, e in tr.annotations.loc[tr.annotations["label"] == label, ["start_s", "end_s"]].to_numpy():
            table = swings(tr.insole.between(s - margin_s, e + margin_s))
            rows.append(table.assign(**{"true (m)": true_travel(tr, table)}))
    return pd.concat(rows, ignore_index=True)


def travel_by_place(table: pd.DataFrame, *, by: str = "recording") -> pd.DataFrame:
    """Per ``by`` (rows) and place in the walk (columns): the median travel (m) of the swings and as a
    fraction of that group's median inside swing, the number of swings, and two plausibility checks: the
    median rise (m) of all the group's swings (:func:`travel`) and the right foot's median inside travel
    over the left's (walking straight, both feet travel as far, so 1 up to the estimate's errors)."""
    med = table.groupby([by, "step"])["travel (m)"].median().unstack("step")
    n = table.groupby([by, "step"]).size().unstack("step")
    cols = [c for c in ("first", "inside", "last") if c in med]
    out = pd.concat({"travel (m)": med[cols], "× inside": med[cols].div(med["inside"], axis=0),
                     "swings": n[cols]}, axis=1)
    out[("rise (m)", "all")] = table.groupby(by)["rise (m)"].median()
    feet = table[table["step"] == "inside"].groupby([by, "side"])["travel (m)"].median().unstack("side")
    out[("right / left", "inside")] = feet["right"] / feet["left"] if {"left", "right"} <= set(feet) else np.nan
    return out
