"""The 30 action classes of Table 7, their categories and duration distributions.

Durations (seconds) are drawn per performance from a truncated normal
(mean, sd, low, high), then stretched by the subject's tempo for that class.
Jumps and glances are short — often under the 3-s classification window,
which is why the paper needs its 60 % rule (Figure 11) — while stances and
gaits last several seconds.
"""
from __future__ import annotations

import numpy as np

# The 30 classes and 5 categories are defined once, in humaps.actions; this module adds durations.
from humaps.actions import ACTIONS, CATEGORIES, CATEGORY_OF, CLASS_INDEX  # noqa: F401

ACTION_NAMES: tuple[str, ...] = tuple(a for a, _ in ACTIONS)

_STATIC = (5.0, 1.2, 3.5, 8.0)
_GAIT = (5.0, 1.0, 3.5, 7.5)
_JUMP = (2.8, 0.7, 1.4, 4.2)  # repeated jumps; the shorter ones fail the 60 % rule (counted per category)
_POSTURE = (3.5, 0.8, 2.2, 5.5)
#: class name -> (mean, sd, low, high) seconds
DURATIONS: dict[str, tuple[float, float, float, float]] = {
    "Standing upright without moving": _STATIC,
    "Balancing on the left leg": _STATIC,
    "Balancing on the right leg": _STATIC,
    "Doing squats": (5.0, 1.5, 2.5, 8.0),
    "Standing on tiptoes": (4.0, 1.0, 2.5, 6.0),
    "Standing on heels": (4.0, 1.0, 2.5, 6.0),
    "Walking": _GAIT, "Jogging": (4.5, 1.0, 3.0, 7.0), "Walking backwards": _GAIT,
    "Walking on tiptoes": _GAIT, "Hopping around on one leg": (3.5, 0.8, 2.0, 5.5),
    "Side stepping": (4.5, 1.0, 3.0, 7.0),
    "Jumping in place": _JUMP, "Jumping on the right leg": _JUMP, "Jumping on the left leg": _JUMP,
    "Jumping to the side": _JUMP, "Jumping forward": _JUMP, "Jumping backward": _JUMP,
    "Sitting on the stool": (6.0, 1.2, 4.0, 9.0), "Climbing the stairs": (4.5, 0.8, 3.0, 6.5),
    "Lifting the bag with one hand": (4.0, 0.9, 2.5, 6.0), "Lifting the bag with two hands": (4.0, 0.9, 2.5, 6.0),
    "Pulling the bag": (4.0, 1.0, 2.5, 6.5), "Pushing the bag": (4.0, 1.0, 2.5, 6.5),
    "Leaning forward": _POSTURE, "Leaning backward": _POSTURE, "Leaning to the side": _POSTURE,
    "Looking backward": (2.6, 0.7, 1.5, 4.0),
    "Putting left hand on the ground": (3.6, 0.8, 2.4, 5.5),
    "Putting right hand on the ground": (3.6, 0.8, 2.4, 5.5),
}
assert set(DURATIONS) == set(ACTION_NAMES)


def sample_duration(name: str, rng: np.random.Generator, tempo: float = 1.0) -> float:
    """Seconds for one performance of ``name``: truncated normal, divided by ``tempo`` (kept in range)."""
    mu, sd, lo, hi = DURATIONS[name]
    d = float(np.clip(rng.normal(mu, sd), lo, hi)) / tempo
    return float(np.clip(d, lo, hi))
