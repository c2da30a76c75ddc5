"""The two frames pose results are reported in, and the map from the one the insoles can see to the paper's.

- **heading-normalised** (``"heading"``): pelvis-centred, the root's yaw removed
  frame by frame, so the body always faces +y. This is what insoles can explain:
  they have no magnetometer, so nothing in them tells which way the body faces
  in the room (the yaw an AHRS integrates from the gyroscope starts at an
  arbitrary value and drifts). Models are trained and scored here, as the
  sparse-IMU pose literature does (TransPose and PIP align the root before scoring).
- **the paper's** (``"paper"``): pelvis-centred by translation only, heading kept.

Mapping a heading-frame prediction into the paper's frame needs the heading,
which the inputs cannot give. The best a model can do is the guess that
minimises the expected squared error over the headings seen in training:
replace the rotation R(ψ) by its training mean M = E[R(ψ)] =
[[E cos ψ, −E sin ψ], [E sin ψ, E cos ψ]] in the ground plane (z untouched).
With uniformly distributed headings M ≈ 0, i.e. the horizontal coordinates
shrink to the vertical axis through the pelvis. The *floor* is the paper-frame
error this mapping leaves even for the true pose.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAMES: dict[str, str] = {"heading": "heading-normalised", "paper": "paper's frame (heading kept)"}


@dataclass(frozen=True)
class HeadingGuess:
    """E[cos ψ] and E[sin ψ] over the training frames: the expected rotation M."""

    cos: float
    sin: float

    @classmethod
    def fit(cls, yaw: np.ndarray) -> "HeadingGuess":
        """From the training windows' root yaw (N, T) radians."""
        return cls(float(np.cos(yaw).mean()), float(np.sin(yaw).mean()))

    def to_paper(self, poses: np.ndarray) -> np.ndarray:
        """Heading-frame poses (..., 24, 3) → the paper frame's best guess, M applied to x, y."""
        out = np.array(poses, dtype=np.float32, copy=True)
        x, y = poses[..., 0], poses[..., 1]
        out[..., 0] = self.cos * x - self.sin * y
        out[..., 1] = self.sin * x + self.cos * y
        return out
