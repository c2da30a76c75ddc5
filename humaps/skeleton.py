"""The Qualisys Track Manager "m1" skeleton used by HUMAPS-4D.

Nodes are the 24 segments of the skeleton; a joint's position is its segment's
origin. Edges join each segment to its parent (the kinematic tree rooted at
``Hips``). Positions are in metres in the world frame (z up) unless a function
says otherwise; poses fed to the models are pelvis-centred by translation, as
in the paper (section 3.1).
"""
from __future__ import annotations

import numpy as np

JOINTS: tuple[str, ...] = (
    "Hips", "Spine", "Spine1", "Spine2", "Neck", "Head",
    "LeftShoulder", "LeftArm", "LeftForeArm", "LeftForeArmRoll", "LeftHand",
    "RightShoulder", "RightArm", "RightForeArm", "RightForeArmRoll", "RightHand",
    "LeftUpLeg", "LeftLeg", "LeftFoot", "LeftToeBase",
    "RightUpLeg", "RightLeg", "RightFoot", "RightToeBase",
)
N_JOINTS = len(JOINTS)
INDEX: dict[str, int] = {name: i for i, name in enumerate(JOINTS)}

_PARENT_NAMES: dict[str, str | None] = {
    "Hips": None, "Spine": "Hips", "Spine1": "Spine", "Spine2": "Spine1",
    "Neck": "Spine2", "Head": "Neck",
    "LeftShoulder": "Spine2", "LeftArm": "LeftShoulder", "LeftForeArm": "LeftArm",
    "LeftForeArmRoll": "LeftForeArm", "LeftHand": "LeftForeArmRoll",
    "RightShoulder": "Spine2", "RightArm": "RightShoulder", "RightForeArm": "RightArm",
    "RightForeArmRoll": "RightForeArm", "RightHand": "RightForeArmRoll",
    "LeftUpLeg": "Hips", "LeftLeg": "LeftUpLeg", "LeftFoot": "LeftLeg", "LeftToeBase": "LeftFoot",
    "RightUpLeg": "Hips", "RightLeg": "RightUpLeg", "RightFoot": "RightLeg", "RightToeBase": "RightFoot",
}
#: parent index of every joint, -1 for the root; parents precede children.
PARENTS: np.ndarray = np.array(
    [-1 if _PARENT_NAMES[j] is None else INDEX[_PARENT_NAMES[j]] for j in JOINTS], dtype=np.int64
)
#: (child, parent) pairs: the 23 bones of the kinematic tree.
BONES: tuple[tuple[int, int], ...] = tuple((i, int(p)) for i, p in enumerate(PARENTS) if p >= 0)

ARM_JOINTS: tuple[str, ...] = (
    "LeftArm", "LeftForeArm", "LeftForeArmRoll", "LeftHand",
    "RightArm", "RightForeArm", "RightForeArmRoll", "RightHand",
)
#: Table 4's upper-body group (trunk, neck, head, shoulders), in the paper's row order.
UPPER_BODY: tuple[str, ...] = (
    "Head", "Neck", "Spine2", "LeftShoulder", "RightShoulder", "Spine1", "Spine", "Hips",
)
#: Table 4's lower-body group, in the paper's row order.
LOWER_BODY: tuple[str, ...] = (
    "LeftUpLeg", "LeftLeg", "LeftFoot", "LeftToeBase",
    "RightUpLeg", "RightLeg", "RightFoot", "RightToeBase",
)
#: the 16 joints the paper reports (all but the arms), in skeleton order.
REPORTED: tuple[str, ...] = tuple(j for j in JOINTS if j not in ARM_JOINTS)

#: how Table 4 spells each joint.
PAPER_NAMES: dict[str, str] = {
    "Hips": "Hips", "Spine": "Spine", "Spine1": "Spine 1", "Spine2": "Spine 2",
    "Neck": "Neck", "Head": "Head", "LeftShoulder": "Left Shoulder", "RightShoulder": "Right Shoulder",
    "LeftUpLeg": "Left Up Leg", "LeftLeg": "Left Leg", "LeftFoot": "Left Foot", "LeftToeBase": "Left Toe Base",
    "RightUpLeg": "Right Up Leg", "RightLeg": "Right Leg", "RightFoot": "Right Foot",
    "RightToeBase": "Right Toe Base",
}


def indices(names) -> np.ndarray:
    """Skeleton indices of ``names`` (raises KeyError naming an unknown joint)."""
    try:
        return np.array([INDEX[n] for n in names], dtype=np.int64)
    except KeyError as err:  # pragma: no cover - message only
        raise KeyError(f"unknown joint {err.args[0]!r}; expected one of {JOINTS}") from None


def subtree_bones(names) -> tuple[tuple[int, int], ...]:
    """Bones among ``names``, re-indexed to positions in ``names`` (for sub-skeleton graphs)."""
    pos = {INDEX[n]: k for k, n in enumerate(names)}
    return tuple((pos[c], pos[p]) for c, p in BONES if c in pos and p in pos)


def pelvis_centred(positions: np.ndarray) -> np.ndarray:
    """Translate poses so the Hips joint is at the origin. positions: (..., 24, 3)."""
    return positions - positions[..., INDEX["Hips"] : INDEX["Hips"] + 1, :]


def heading_angle(positions: np.ndarray) -> np.ndarray:
    """(...,) yaw of the body in radians: the angle of the hips' left→right axis in the ground plane.

    positions: (..., 24, 3) metres, z up; taken from RightUpLeg − LeftUpLeg, so a body
    whose hips point along +x (and which therefore faces +y) has yaw 0.
    """
    lr = positions[..., INDEX["RightUpLeg"], :2] - positions[..., INDEX["LeftUpLeg"], :2]  # (..., 2)
    return np.arctan2(lr[..., 1], lr[..., 0])


def rotate_about_z(positions: np.ndarray, angle) -> np.ndarray:
    """Rotate poses (..., 24, 3) by ``angle`` (...,) radians about the vertical axis (counter-clockwise)."""
    c, s = np.cos(angle)[..., None], np.sin(angle)[..., None]
    x, y = positions[..., 0], positions[..., 1]
    out = np.array(positions, copy=True)
    out[..., 0] = c * x - s * y
    out[..., 1] = s * x + c * y
    return out


def heading_normalised(positions: np.ndarray) -> np.ndarray:
    """Pelvis-centred poses rotated about z so the hips' left→right axis lies on +x, frame by frame.

    positions: (..., 24, 3) metres, z up; the body then faces +y. The inverse is
    ``rotate_about_z(heading_normalised(p), heading_angle(p))`` = ``pelvis_centred(p)``.
    """
    p = pelvis_centred(positions)
    return rotate_about_z(p, -heading_angle(p))
