"""The data passed between the simulator's stages.

- :class:`ActionMotion`: what a motion program (one per action class, in
  ``motions_*.py``) returns — joint angles over time, the ground under each
  foot, take-offs (:class:`Flight`) and external loads; programs start and end
  in the subject's neutral stance (:mod:`humaps.sim.stance`), so actions and
  transitions join smoothly. :func:`humaps.sim.placement.place` then puts the
  body in the world.
- :class:`BodyMotion`: the contract between the kinematics and the insole
  physics, the ground truth of one trial — everything the physics needs to
  derive the insole signals and nothing about the action label (insole signals
  must follow from the body's motion, never from the label).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from humaps.sim.foot import FootGeometry


@dataclass
class Flight:
    """A take-off at ``frame``.

    ``v_up``: extra upward COM speed (m/s) built over ``ramp_s`` before take-off, on top of what the
    legs' extension gives; or, with ``duration_s``, the flight time the program plans (the launch
    speed is then chosen so the feet reach the floor again after it, unless they touch earlier).
    ``v_xy``: extra horizontal COM velocity (m/s, body frame: x right, y forward) added to the
    velocity at take-off (or replacing it, with ``absolute_xy``).
    """

    frame: int
    v_up: float = 0.3
    v_xy: tuple = (0.0, 0.0)
    ramp_s: float = 0.06
    duration_s: float | None = None
    absolute_xy: bool = False       # v_xy is the whole horizontal COM velocity (a jump's intent)


@dataclass
class ActionMotion:
    """Output of one motion program (F frames at the simulation rate).

    ``angles`` (F, 24, 3) deg, local joint angles (see :mod:`humaps.sim.kinematics`);
    ``ground`` (F, 2) m, ground rise under (left, right) foot since the program began;
    ``flights`` take-offs; ``stance`` (F, 2) in [0, 1], which feet the program means to stand on
    (gaits: the stance phase; 1 elsewhere) — a scuffing swing toe then cannot drag the body;
    ``external``: ``carried_mass_kg`` (F,), ``support_force_n`` (F,),
    ``horizontal_force_body`` (F, 2) N (x right, y forward; force of the bag on the body);
    ``support_joint`` the joint over which the support acts (a hand, or Hips for a stool)
    and ``support_drop`` m, how far below that joint it acts.
    """

    angles: np.ndarray
    ground: np.ndarray
    flights: list = field(default_factory=list)
    stance: np.ndarray | None = None
    external: dict = field(default_factory=dict)
    support_joint: str | None = None
    support_drop: float = 0.0

    @property
    def n_frames(self) -> int:
        return int(self.angles.shape[0])


def finish(subject, a, ground=None, flights=(), stance=None, **kw) -> ActionMotion:
    """The :class:`ActionMotion` of a program's :class:`~humaps.sim.angles.Angles` ``a``: flat ground
    and both feet meant to stand unless given; ``kw`` are the external-load fields."""
    n = a.a.shape[0]
    g = np.zeros((n, 2)) if ground is None else ground
    st = np.ones((n, 2)) if stance is None else stance
    return ActionMotion(angles=a.a, ground=g, flights=list(flights), stance=st, **kw)


@dataclass
class BodyMotion:
    """Ground-truth motion of one trial (F frames at ``fs`` Hz, world frame, z up, metres).

    - ``positions`` (F, 24, 3): joint positions (segment origins), skeleton order;
    - ``rotations`` (F, 24, 4): segment → world unit quaternions (w, x, y, z);
    - ``com`` (F, 3): whole-body centre of mass (segment-mass weighted);
    - ``ground_height`` (F, 2): height of the ground under the left/right foot
      (stairs raise it);
    - ``foot``: the feet's contact geometry, the same the body was placed on the
      ground with (:mod:`humaps.sim.foot`);
    - ``external`` dict of (F,) or (F, k) arrays, external loads on the body:
      ``carried_mass_kg`` (mass held in the hands, adds to the feet's load),
      ``support_force_n`` (vertical force taken by a stool or a hand on the
      ground, relieves the feet), ``support_point`` (F, 3) where it acts,
      ``horizontal_force_n`` (F, 2) push/pull on the body from a bag.
    """

    fs: float
    positions: np.ndarray
    rotations: np.ndarray
    com: np.ndarray
    ground_height: np.ndarray
    foot: FootGeometry
    external: dict = field(default_factory=dict)

    @property
    def n_frames(self) -> int:
        return int(self.positions.shape[0])
