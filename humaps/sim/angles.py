"""The joint-angle builder of the motion programs: clinical setters over (F, 24, 3) degree arrays.

A program describes a pose as hip flexion, knee flexion, trunk lean, … and
:class:`Angles` writes them into the skeleton's local joint angles in the
convention of :mod:`humaps.sim.kinematics` (R = Rz · Ry · Rx about the parent
frame's x right, y forward, z up), with the side sign that makes abduction and
external rotation positive on both sides.
"""
from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from humaps.skeleton import INDEX, N_JOINTS


class Angles:
    """(F, 24, 3) joint angles in degrees with clinical setters (values: scalars or (F,) arrays).

    Side sign s = +1 for left, −1 for right makes abduction/external rotation positive on both sides.
    """

    def __init__(self, n: int, base: np.ndarray | None = None):
        self.a = np.zeros((n, N_JOINTS, 3)) if base is None else np.repeat(base[None], n, axis=0)

    def _add(self, joint: str, axis: int, value) -> None:
        self.a[:, INDEX[joint], axis] += value

    def leg(self, side: str, *, hip=0.0, abd=0.0, rot=0.0, knee=0.0, ankle=0.0, roll=0.0, toe=0.0, foot_yaw=0.0):
        """roll: foot about its own long axis (subtalar); foot_yaw: foot about its normal (toe-out > 0)."""
        s, S = (1.0, "Left") if side == "left" else (-1.0, "Right")
        self._add(f"{S}UpLeg", 0, hip)
        self._add(f"{S}UpLeg", 1, s * abd)
        self._add(f"{S}UpLeg", 2, s * rot)
        self._add(f"{S}Leg", 0, -knee)
        yaw_from_roll = 0.0
        if np.any(roll) and np.any(ankle):
            # The joint angles compose as Rz·Ry·Rx, so a plain y angle rolls the foot about the *shank's*
            # forward axis: with the foot plantarflexed at push-off most of that roll would turn it about
            # its normal (the insole's Z rate). Rolling about the foot's own long axis, Rx(ankle)·Ry(roll),
            # is re-expressed exactly in the Rz·Ry·Rx convention.
            ankle, roll_s, yaw_from_roll = _roll_about_foot(ankle, s * roll)
            roll = s * roll_s
        self._add(f"{S}Foot", 0, ankle)
        self._add(f"{S}Foot", 1, s * roll)
        if np.any(yaw_from_roll):
            self._add(f"{S}Foot", 2, yaw_from_roll)
        self._add(f"{S}ToeBase", 0, toe)
        if np.any(foot_yaw):
            self._add(f"{S}Foot", 2, s * foot_yaw)
        return self

    def arm(self, side: str, *, flex=0.0, abd=0.0, rot=0.0, elbow=0.0, shrug=0.0):
        s, S = (1.0, "Left") if side == "left" else (-1.0, "Right")
        self._add(f"{S}Shoulder", 1, s * shrug)
        self._add(f"{S}Arm", 0, flex)
        self._add(f"{S}Arm", 1, s * abd)
        self._add(f"{S}Arm", 2, s * rot)
        self._add(f"{S}ForeArm", 0, elbow)
        return self

    def trunk(self, *, flex=0.0, bend=0.0, twist=0.0):
        """flex > 0 forward, bend > 0 to the right, twist > 0 to the left; shared by Spine, Spine1, Spine2."""
        for j, w in (("Spine", 0.3), ("Spine1", 0.35), ("Spine2", 0.35)):
            self._add(j, 0, -w * flex)
            self._add(j, 1, w * bend)
            self._add(j, 2, w * twist)
        return self

    def head(self, *, flex=0.0, bend=0.0, twist=0.0):
        """flex > 0 looks down; split between Neck and Head."""
        for j, w in (("Neck", 0.5), ("Head", 0.5)):
            self._add(j, 0, -w * flex)
            self._add(j, 1, w * bend)
            self._add(j, 2, w * twist)
        return self

    def pelvis(self, *, pitch=0.0, roll=0.0, yaw=0.0, compensate: bool = True):
        """Tilt the whole body about the root (pitch > 0 backward, roll > 0 to the right, yaw > 0 left).

        With ``compensate`` the hips take the opposite rotation so the legs keep their orientation
        (pelvic tilt/obliquity/rotation); without it the whole body pivots (use :meth:`sway` then).
        """
        self._add("Hips", 0, pitch)
        self._add("Hips", 1, roll)
        self._add("Hips", 2, yaw)
        if compensate:
            for S in ("Left", "Right"):
                self._add(f"{S}UpLeg", 0, -pitch)
                self._add(f"{S}UpLeg", 1, -roll)
                self._add(f"{S}UpLeg", 2, -yaw)
        return self

    def sway(self, *, pitch=0.0, roll=0.0):
        """Inverted-pendulum sway about the ankles: the body tilts, the feet stay flat.

        pitch > 0 leans the whole body forward, roll > 0 to the right (degrees).
        """
        self._add("Hips", 0, -pitch)
        self._add("Hips", 1, roll)
        for S in ("Left", "Right"):
            self._add(f"{S}Foot", 0, pitch)
            self._add(f"{S}Foot", 1, -roll)
        return self


def _roll_about_foot(pitch, roll):
    """(pitch', roll', yaw') degrees with Rz(yaw')·Ry(roll')·Rx(pitch') = Rx(pitch)·Ry(roll) (scalars or (F,))."""
    pitch, roll = np.broadcast_arrays(np.asarray(pitch, float), np.asarray(roll, float))
    zyx = Rotation.from_euler("XY", np.stack([pitch.ravel(), roll.ravel()], -1), degrees=True).as_euler("ZYX", degrees=True)
    yaw, roll_, pitch_ = (zyx[:, k].reshape(pitch.shape) for k in range(3))
    return pitch_, roll_, yaw
