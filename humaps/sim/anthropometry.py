"""Subjects: body dimensions from standard tables and a personal motion style.

Segment lengths are fractions of body height after Winter (2009, Fig. 4.1);
segment masses and centre-of-mass locations follow de Leva (1996, Table 4),
separately for women and men. Every subject also gets a *style* — cadence,
step length, arm swing, habitual trunk lean, how deep they squat, how high
they jump, and a tempo/amplitude factor per action class — so that the same
class looks different from one subject to the next and leave-one-subject-out
tests generalisation rather than memory.

Rest pose (all segment frames parallel to the body frame): x to the subject's
right, y forward, z up, metres; standing upright, arms hanging.

Foot contact geometry: :class:`humaps.sim.foot.FootGeometry` (``Subject.foot``), the
one model that both places the body on the ground and drives the insole physics —
heel ≈ 0.2 foot lengths behind and one ankle height (≈ 0.07 m) below the ankle,
ball under the ``ToeBase`` joint, toe tip one foot length ahead of the heel.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from humaps.insole import LENGTH_BY_SIZE_M
from humaps.sim.foot import FootGeometry
from humaps.skeleton import INDEX, N_JOINTS

# de Leva (1996) mass fractions (%) and COM positions (fraction of segment length from the proximal joint).
_DE_LEVA = {
    "M": dict(lower_trunk=11.17, mid_trunk=16.33, upper_trunk=15.96, head=6.94, upper_arm=2.71, forearm=1.62,
              hand=0.61, thigh=14.16, shank=4.33, foot=1.37, c_thigh=.4095, c_shank=.4459, c_upper_arm=.5772,
              c_forearm=.4574, c_hand=.7900, c_foot=.4415),
    "F": dict(lower_trunk=12.47, mid_trunk=14.65, upper_trunk=15.45, head=6.68, upper_arm=2.55, forearm=1.38,
              hand=0.56, thigh=14.78, shank=4.81, foot=1.29, c_thigh=.3612, c_shank=.4416, c_upper_arm=.5754,
              c_forearm=.4559, c_hand=.7474, c_foot=.4014),
}


@dataclass(frozen=True)
class Style:
    """How one subject moves (angles in degrees, rates in steps/min, factors ≈ 1)."""

    walk_cadence: float          # steps/min
    jog_cadence: float
    stride_scale: float          # hip/knee amplitude factor in gait
    arm_swing: float             # arm swing factor (0.3–1.8)
    step_width_deg: float        # hip abduction of each leg in stance/gait
    toe_out_deg: float           # foot progression angle (hip external rotation)
    trunk_lean_deg: float        # habitual forward trunk lean
    head_pitch_deg: float
    knee_loading_deg: float      # knee flexion at loading response
    squat_depth_deg: float       # knee flexion at the bottom of a squat
    squat_trunk: float           # 0 upright … 1 strongly forward-leaning squat
    lift_squat: float            # 0 stoop lift … 1 squat lift
    jump_scale: float            # jump height/length factor
    sway_deg: float              # postural sway amplitude
    tempo: float                 # global speed factor (>1 = faster)
    right_handed: bool
    hop_leg: str                 # "left"/"right": preferred hopping leg
    per_action: dict = field(default_factory=dict)  # class name -> (amplitude, tempo) factors


@dataclass(frozen=True)
class Subject:
    """One simulated subject: anthropometrics, skeleton geometry and style."""

    subject_id: str
    sex: str
    age: int
    height_m: float
    mass_kg: float
    insole_size: int
    foot_length_m: float
    offsets: np.ndarray        # (24, 3) m, each joint's origin in its parent's frame (rest pose)
    seg_mass_kg: np.ndarray    # (24,) kg, sums to mass_kg
    seg_com: np.ndarray        # (24, 3) m, each segment's COM in its own frame
    foot: FootGeometry         # contact points of both feet (:mod:`humaps.sim.foot`)
    hand_length_m: float
    style: Style

    @property
    def leg_length_m(self) -> float:
        return float(-self.offsets[INDEX["LeftLeg"], 2] - self.offsets[INDEX["LeftFoot"], 2])


def _geometry(height: float, sex: str, rng: np.random.Generator):
    """Rest-pose offsets, segment mass fractions and COMs, foot length and geometry, hand length of one body."""
    H = height
    jit = lambda sd=0.025: float(np.clip(rng.normal(1.0, sd), 1 - 2.5 * sd, 1 + 2.5 * sd))  # noqa: E731
    thigh, shank = 0.245 * H * jit(), 0.246 * H * jit()
    trunk = jit()
    foot_len = 0.152 * H * jit(0.03)
    ankle_h, toe_h = 0.039 * H * jit(0.04), 0.012 * H
    hip_half, sh_half = 0.048 * H * jit(0.05), 0.09 * H * jit(0.05)
    upper_arm, forearm, hand = 0.186 * H * jit(), 0.146 * H * jit(), 0.108 * H * jit()
    heel_back, ball_fwd = 0.20 * foot_len, 0.53 * foot_len
    off = np.zeros((N_JOINTS, 3))
    o = lambda name, xyz: off.__setitem__(INDEX[name], xyz)  # noqa: E731
    o("Spine", (0, -0.005 * H, 0.045 * H * trunk))
    o("Spine1", (0, 0, 0.07 * H * trunk))
    o("Spine2", (0, 0.005 * H, 0.07 * H * trunk))
    o("Neck", (0, -0.005 * H, 0.095 * H * trunk))
    o("Head", (0, 0.01 * H, 0.06 * H))
    for side, s in (("Left", -1.0), ("Right", 1.0)):
        o(f"{side}Shoulder", (s * 0.02 * H, 0.0, 0.06 * H * trunk))
        o(f"{side}Arm", (s * sh_half, -0.01 * H, 0.01 * H))
        o(f"{side}ForeArm", (0, 0, -upper_arm))
        o(f"{side}ForeArmRoll", (0, 0, -forearm / 2))
        o(f"{side}Hand", (0, 0, -forearm / 2))
        o(f"{side}UpLeg", (s * hip_half, 0, -0.03 * H))
        o(f"{side}Leg", (0, 0, -thigh))
        o(f"{side}Foot", (0, 0, -shank))
        o(f"{side}ToeBase", (0, ball_fwd, -(ankle_h - toe_h)))
    # de Leva masses and COMs mapped onto the 24 segments
    t = _DE_LEVA[sex]
    frac = np.zeros(N_JOINTS)
    com = np.zeros((N_JOINTS, 3))
    f = lambda name, m, c: (frac.__setitem__(INDEX[name], m), com.__setitem__(INDEX[name], c))  # noqa: E731
    f("Hips", t["lower_trunk"], (0, 0, 0.02 * H))
    f("Spine", t["mid_trunk"] / 2, off[INDEX["Spine1"]] / 2)
    f("Spine1", t["mid_trunk"] / 2, off[INDEX["Spine2"]] / 2)
    f("Spine2", t["upper_trunk"], off[INDEX["Neck"]] * 0.45)
    f("Neck", 1.0, off[INDEX["Head"]] / 2)
    f("Head", t["head"] - 1.0, (0, 0.01 * H, 0.05 * H))
    for side in ("Left", "Right"):
        f(f"{side}Arm", t["upper_arm"], off[INDEX[f"{side}ForeArm"]] * t["c_upper_arm"])
        f(f"{side}ForeArm", t["forearm"] / 2, off[INDEX[f"{side}ForeArmRoll"]] * 0.6)
        f(f"{side}ForeArmRoll", t["forearm"] / 2, off[INDEX[f"{side}Hand"]] * 0.35)
        f(f"{side}Hand", t["hand"], (0, 0, -0.4 * hand * t["c_hand"] / 0.79))
        f(f"{side}UpLeg", t["thigh"], off[INDEX[f"{side}Leg"]] * t["c_thigh"])
        f(f"{side}Leg", t["shank"], off[INDEX[f"{side}Foot"]] * t["c_shank"])
        f(f"{side}Foot", t["foot"] * 0.8, (0, (t["c_foot"] - 0.2) * foot_len, -0.5 * ankle_h))
        f(f"{side}ToeBase", t["foot"] * 0.2, (0, 0.1 * foot_len, -0.5 * toe_h))
    frac /= frac.sum()
    foot = FootGeometry(heel_back_m=heel_back, ankle_height_m=ankle_h, toe_length_m=foot_len - heel_back - ball_fwd,
                        toe_height_m=toe_h)
    return off, frac, com, foot_len, foot, hand


def insole_size_for(foot_length_m: float) -> int:
    """OpenGo size whose insole length best fits a foot (insole ≈ foot + 1 cm)."""
    sizes = np.array(sorted(LENGTH_BY_SIZE_M))
    lengths = np.array([LENGTH_BY_SIZE_M[s] for s in sizes])
    return int(sizes[np.argmin(np.abs(lengths - (foot_length_m + 0.01)))])


def _style(rng: np.random.Generator, action_names) -> Style:
    n = lambda mu, sd, lo, hi: float(np.clip(rng.normal(mu, sd), lo, hi))  # noqa: E731
    per_action = {a: (n(1.0, 0.15, 0.65, 1.4), n(1.0, 0.10, 0.75, 1.3)) for a in action_names}
    return Style(
        walk_cadence=n(106, 6, 94, 120), jog_cadence=n(160, 9, 140, 182), stride_scale=n(1.0, 0.09, 0.8, 1.2),
        arm_swing=n(1.0, 0.35, 0.3, 1.8), step_width_deg=n(2.0, 1.0, 0.0, 4.5), toe_out_deg=n(7, 4, -3, 16),
        trunk_lean_deg=n(3, 2.5, -3, 9), head_pitch_deg=n(3, 4, -6, 12), knee_loading_deg=n(15, 4, 6, 24),
        squat_depth_deg=n(95, 14, 65, 125), squat_trunk=n(0.5, 0.2, 0.1, 0.9), lift_squat=float(rng.uniform()),
        jump_scale=n(1.0, 0.2, 0.6, 1.4), sway_deg=n(0.6, 0.2, 0.2, 1.2), tempo=n(1.0, 0.08, 0.85, 1.2),
        right_handed=bool(rng.uniform() < 0.88), hop_leg="right" if rng.uniform() < 0.7 else "left",
        per_action=per_action,
    )


def sample_subjects(n_subjects: int, cohort_seed: int) -> list[Subject]:
    """Draw ``n_subjects`` subjects S01, S02, … deterministically from ``cohort_seed``.

    Subject *i* depends only on (cohort_seed, i), so smaller cohorts are
    prefixes of larger ones. Heights are clipped to 1.55–1.95 m, body mass
    index to 18.5–30 kg/m² (mass ≈ 48–105 kg).
    """
    from humaps.sim.actions import (
        ACTION_NAMES,  # local import: actions is a sibling table
    )

    subjects = []
    for i in range(n_subjects):
        rng = np.random.default_rng([cohort_seed, 1, i])
        sex = "F" if i % 2 == 0 else "M"
        h = float(np.clip(rng.normal(1.65 if sex == "F" else 1.78, 0.07), 1.55, 1.95))
        bmi = float(np.clip(rng.normal(23.0 if sex == "F" else 24.0, 2.6), 18.5, 30.0))
        mass = round(float(np.clip(bmi * h * h, 48.0, 105.0)), 1)
        h = round(h, 3)
        off, frac, com, foot_len, foot, hand = _geometry(h, sex, rng)
        subjects.append(Subject(
            subject_id=f"S{i + 1:02d}", sex=sex, age=int(rng.integers(19, 46)), height_m=round(h, 3),
            mass_kg=round(mass, 1), insole_size=insole_size_for(foot_len), foot_length_m=foot_len,
            offsets=off, seg_mass_kg=frac * mass, seg_com=com, foot=foot, hand_length_m=hand,
            style=_style(rng, ACTION_NAMES),
        ))
    return subjects


def subjects_table(subjects: list[Subject]) -> pd.DataFrame:
    """One row per subject: id, sex, age, height, mass, insole size, main segment lengths (m)."""
    rows = []
    for s in subjects:
        o = s.offsets
        rows.append({
            "subject_id": s.subject_id, "sex": s.sex, "age": s.age, "height_m": s.height_m, "mass_kg": s.mass_kg,
            "insole_size": s.insole_size, "foot_length_m": round(s.foot_length_m, 4),
            "thigh_m": round(-o[INDEX["LeftLeg"], 2], 4), "shank_m": round(-o[INDEX["LeftFoot"], 2], 4),
            "upper_arm_m": round(-o[INDEX["LeftForeArm"], 2], 4),
            "hip_width_m": round(2 * o[INDEX["RightUpLeg"], 0], 4),
            "heel_back_m": round(s.foot.heel_back_m, 4), "ankle_height_m": round(s.foot.ankle_height_m, 4),
            "toe_height_m": round(s.foot.toe_height_m, 4), "toe_length_m": round(s.foot.toe_length_m, 4),
            "walk_cadence_spm": round(s.style.walk_cadence, 1), "right_handed": s.style.right_handed,
        })
    return pd.DataFrame(rows)
