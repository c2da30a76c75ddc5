"""The foot's contact geometry: one model for placing the body and for the insole physics.

Each foot touches the ground at three points rigidly attached to the skeleton's
foot segments (segment frames parallel to the body frame in the rest pose:
x right, y forward, z up, metres):

- **heel**: the back of the calcaneus, in the ``*Foot`` frame (origin at the
  ankle joint): ``heel_back_m`` behind and ``ankle_height_m`` below the ankle;
- **ball**: under the first metatarsal head, in the ``*ToeBase`` frame
  (origin at the metatarsophalangeal joint): ``toe_height_m`` below the joint;
- **toe tip**: in the ``*ToeBase`` frame, ``toe_length_m`` ahead of the ball.

In the rest pose the three lie on the sole plane ``z = −ankle_height_m`` of the
Foot frame, heel to toe tip one foot length. The proportions are Winter's
(2009): heel 0.20 and ball 0.53 foot lengths behind/ahead of the ankle, ankle
height 0.039 body heights (:mod:`humaps.sim.anthropometry`).

The insole lies on the sole plane from under the heel point forward
(:meth:`FootGeometry.insole_y_of_ankle`): its metatarsal row (cells 9–13,
y 0.25–0.32) then lies under the ball and its heel cells under the heel pad.

Who uses it:

- :func:`humaps.sim.placement.place` rests each foot's lowest
  :func:`contact_points` on its ground — the outline of the foot, heel edge
  first at heel strike;
- :func:`humaps.sim.physics.contact_weights` asks where the *insole* is loaded:
  :func:`pressure_points` are the same three points except that the heel one is
  the heel pad under the rearfoot cells 1–2 (insole y :data:`HEEL_PAD_Y`,
  2.2–2.6 cm ahead of the heel edge). At heel strike the heel edge touches
  while the heel cells are still ≈ 6 mm up (median of 51 simulated strikes),
  and the rearfoot loads as the foot rolls onto its pad. Judged at the heel
  edge instead, the COP would sit on the heel cells (insole y > 0.8) for 45 %
  of the force-weighted walking stance instead of 27 % (real recordings: 10 %),
  and the per-cell stance pressure of the book cohort would correlate
  r = 0.43 (median) with the real recordings — below their own 0.49–0.93 —
  against 0.58 (:mod:`humaps.data.realism`);
- :mod:`humaps.sim.insoles` rides the insole's IMU on the Foot segment at
  :meth:`FootGeometry.insole_point`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humaps.insole import CENTROIDS_LEFT
from humaps.sim.quaternions import qrot
from humaps.skeleton import INDEX

#: skeleton indices of the (left, right) ankle-frame and toe-frame segments
FOOT_SEGMENTS = (INDEX["LeftFoot"], INDEX["RightFoot"])
TOE_SEGMENTS = (INDEX["LeftToeBase"], INDEX["RightToeBase"])
#: insole y of the heel pad: the centroid of the rearmost heel cells 1–2 (0.91)
HEEL_PAD_Y = float(CENTROIDS_LEFT[:2, 1].mean())


@dataclass(frozen=True)
class FootGeometry:
    """One subject's foot (both feet alike), metres."""

    heel_back_m: float      # heel point behind the ankle joint, along the foot
    ankle_height_m: float   # ankle joint above the sole
    toe_length_m: float     # ball → toe tip, along the foot
    toe_height_m: float     # metatarsophalangeal (ToeBase) joint above the sole

    @property
    def heel(self) -> np.ndarray:
        """(3,) heel point in the Foot frame."""
        return np.array([0.0, -self.heel_back_m, -self.ankle_height_m])

    @property
    def ball(self) -> np.ndarray:
        """(3,) ball point in the ToeBase frame."""
        return np.array([0.0, 0.0, -self.toe_height_m])

    @property
    def tip(self) -> np.ndarray:
        """(3,) toe tip in the ToeBase frame."""
        return np.array([0.0, self.toe_length_m, -self.toe_height_m])

    def insole_y_of_ankle(self, insole_length_m: float) -> float:
        """Insole y (0 = toe end, 1 = heel end, :mod:`humaps.insole`) under the ankle joint.

        The heel rests against the back of the shoe, so the insole's heel end lies under the heel
        point and the length the insole has beyond the foot (0.2–1.8 cm for the size that fits,
        :func:`humaps.sim.anthropometry.insole_size_for`) is toe room: ≈ 0.80–0.81.
        """
        return 1.0 - self.heel_back_m / insole_length_m

    def insole_point(self, y: float, insole_length_m: float, above_sole_m: float = 0.0) -> np.ndarray:
        """(3,) Foot-frame position of the insole's midline at insole y, ``above_sole_m`` over the sole."""
        forward = (self.insole_y_of_ankle(insole_length_m) - y) * insole_length_m
        return np.array([0.0, forward, above_sole_m - self.ankle_height_m])


def contact_points(positions: np.ndarray, rotations: np.ndarray, foot: FootGeometry) -> np.ndarray:
    """(F, 2, 3, 3) world positions of each foot's (heel, ball, toe tip), feet ordered (left, right).

    positions (F, 24, 3) m and rotations (F, 24, 4) segment → world (w, x, y, z) of the skeleton.
    """
    out = np.empty((positions.shape[0], 2, 3, 3))
    heel, ball, tip = foot.heel, foot.ball, foot.tip
    for k, (fj, tj) in enumerate(zip(FOOT_SEGMENTS, TOE_SEGMENTS)):
        out[:, k, 0] = positions[:, fj] + qrot(rotations[:, fj], heel)
        out[:, k, 1] = positions[:, tj] + qrot(rotations[:, tj], ball)
        out[:, k, 2] = positions[:, tj] + qrot(rotations[:, tj], tip)
    return out


def pressure_points(positions: np.ndarray, rotations: np.ndarray, foot: FootGeometry,
                    insole_length_m: float) -> np.ndarray:
    """(F, 2, 3, 3) world positions of (heel pad, ball, toe tip) of each foot: where its insole of
    ``insole_length_m`` registers contact. As :func:`contact_points`, with the heel point moved
    forward along the sole to the heel pad (insole y :data:`HEEL_PAD_Y`), on the Foot segment.
    """
    out = contact_points(positions, rotations, foot)
    pad = foot.insole_point(HEEL_PAD_Y, insole_length_m)
    for k, fj in enumerate(FOOT_SEGMENTS):
        out[:, k, 0] = positions[:, fj] + qrot(rotations[:, fj], pad)
    return out
