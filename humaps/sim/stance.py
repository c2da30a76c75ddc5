"""The subject's neutral stance: where every motion program starts and ends.

Programs begin and end in :func:`neutral_pose`, so actions and the unlabelled
quiet stance between them (:func:`quiet_stance`) join without a jump.
"""
from __future__ import annotations

import numpy as np

from humaps.sim.angles import Angles
from humaps.sim.curves import slow_noise


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
