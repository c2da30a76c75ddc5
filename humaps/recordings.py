"""In-memory recordings: what the device loaders return and the simulator produces.

Both the simulated cohort and real files pass through these two classes, so
every feature, window and model downstream sees one representation.
Side index 0 is the left foot, 1 the right foot.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SIDES: tuple[str, str] = ("left", "right")


@dataclass
class InsoleRecording:
    """One Moticon OpenGo recording, both insoles, on the insole clock (100 Hz).

    Shapes (N frames):
    - ``time`` (N,) s, starting near 0;
    - ``pressure`` (N, 2, 16) N/cm², cells 1–16 per side;
    - ``acceleration`` (N, 2, 3) g, insole frame (X toward the toes, Y to the
      left, Z normal to the sole; measured on the real recordings: the same
      right-handed frame on both feet, tilted ~11° nose-down in the shoe);
    - ``angular_rate`` (N, 2, 3) deg/s, same frame;
    - ``total_force`` (N, 2) N (= Σ cell pressure × cell area on real files);
    - ``cop`` (N, 2, 2) centre of pressure as the device exports it, −0.5…0.5:
      X along the insole (positive toward the toes), Y across it (positive
      toward the medial side on both feet) — measured on the real recordings,
      see :mod:`humaps.sim.pressure`.
    ``meta`` holds the export's ``#`` header (size, name, start time, ...),
    ``source`` the file it came from, ``filled`` how many blank cells per
    channel group the loader filled (never silently dropped).
    """

    time: np.ndarray
    pressure: np.ndarray
    acceleration: np.ndarray
    angular_rate: np.ndarray
    total_force: np.ndarray
    cop: np.ndarray
    meta: dict = field(default_factory=dict)
    source: str | None = None
    filled: dict = field(default_factory=dict)

    @property
    def n_frames(self) -> int:
        return int(self.time.shape[0])

    @property
    def rate_hz(self) -> float:
        return float(1.0 / np.median(np.diff(self.time))) if self.n_frames > 1 else float("nan")

    def between(self, t0: float, t1: float) -> "InsoleRecording":
        """The frames with ``t0 <= time < t1`` (a view-free copy; metadata kept)."""
        keep = (self.time >= t0) & (self.time < t1)
        return InsoleRecording(time=self.time[keep], pressure=self.pressure[keep],
                               acceleration=self.acceleration[keep], angular_rate=self.angular_rate[keep],
                               total_force=self.total_force[keep], cop=self.cop[keep], meta=dict(self.meta),
                               source=self.source, filled=dict(self.filled))


@dataclass
class MocapRecording:
    """One QTM skeleton export on the mocap clock (120 Hz).

    - ``time`` (M,) s on the mocap clock;
    - ``positions`` (M, 24, 3) m, world frame (z up), segment order of
      :data:`humaps.skeleton.JOINTS`; NaN where the export has a gap;
    - ``rotations`` (M, 24, 4) unit quaternions (w, x, y, z), segment → world.
    """

    time: np.ndarray
    positions: np.ndarray
    rotations: np.ndarray
    frequency: float = 120.0
    meta: dict = field(default_factory=dict)
    source: str | None = None

    @property
    def n_frames(self) -> int:
        return int(self.time.shape[0])
