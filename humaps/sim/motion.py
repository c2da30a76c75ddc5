"""The contract between the motion programs (kinematics) and the insole physics.

A :class:`BodyMotion` is the ground truth of one simulated trial at the
simulation rate: everything the physics needs to derive the insole signals
and nothing about the action label (insole signals must follow from the
body's motion, never from the label).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class BodyMotion:
    """Ground-truth motion of one trial (F frames at ``fs`` Hz, world frame, z up, metres).

    - ``positions`` (F, 24, 3): joint positions (segment origins), skeleton order;
    - ``rotations`` (F, 24, 4): segment → world unit quaternions (w, x, y, z);
    - ``com`` (F, 3): whole-body centre of mass (segment-mass weighted);
    - ``ground_height`` (F, 2): height of the ground under the left/right foot
      (stairs raise it);
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
    external: dict = field(default_factory=dict)

    @property
    def n_frames(self) -> int:
        return int(self.positions.shape[0])
