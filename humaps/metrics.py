"""The pose metrics of Table 4, in its units, on numpy arrays.

Every function takes ``pred`` and ``true`` of shape (frames, 24, 3) — one
sequence — or (sequences, frames, 24, 3), in metres, joints in skeleton order
(:data:`humaps.skeleton.JOINTS`), and returns one value per joint, shape (24,):

- :func:`mpjpe` — mean per-joint position error, cm: the Euclidean distance
  between predicted and true joint, averaged over all frames of all sequences;
- :func:`instability` — cm: the standard deviation over time (population std)
  of a joint's Euclidean error within one sequence, averaged over sequences.
  This is *our reading*: the paper reports "Instability" without defining it;
- :func:`mpjae` — mean per-joint angle error, degrees: the absolute difference
  between predicted and true angle at the middle joint of each triplet of
  :data:`ANGLE_TRIPLETS`, averaged over frames; NaN for joints without a
  triplet (the paper's "–"); Hips is the mean of its left and right angles.

:func:`per_joint_table` lays these out as Table 4.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from humaps import skeleton
from humaps.skeleton import ARM_JOINTS, INDEX, LOWER_BODY, PAPER_NAMES, UPPER_BODY


#: (reported joint, (a, middle, c)): the angle a–middle–c at the middle joint; Hips appears twice.
def _sided(joint: str, side: str) -> str:
    """A leg joint's name on one side ("UpLeg", "Left" → "LeftUpLeg"); trunk joints keep theirs."""
    return side + joint if joint in ("UpLeg", "Leg", "Foot", "ToeBase") else joint


ANGLE_TRIPLETS: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("Neck", ("Spine2", "Neck", "Head")),
    ("Spine2", ("Spine1", "Spine2", "Neck")),
    ("Spine1", ("Spine", "Spine1", "Spine2")),
    ("Spine", ("Hips", "Spine", "Spine1")),
    # the legs, left then right: trunk–thigh at the pelvis, then the hip, knee and ankle
    *((_sided(at, side), tuple(_sided(j, side) for j in chain))
      for at, chain in (("Hips", ("Spine", "Hips", "UpLeg")), ("UpLeg", ("Hips", "UpLeg", "Leg")),
                        ("Leg", ("UpLeg", "Leg", "Foot")), ("Foot", ("Leg", "Foot", "ToeBase")))
      for side in ("Left", "Right")),
)
#: (12, 3) skeleton indices of the triplets, and the joint each angle is reported at
TRIPLET_INDEX = np.array([[INDEX[n] for n in t] for _, t in ANGLE_TRIPLETS], dtype=np.int64)
TRIPLET_JOINT = np.array([INDEX[j] for j, _ in ANGLE_TRIPLETS], dtype=np.int64)

ARM_NAMES = {j: j.replace("Left", "Left ").replace("Right", "Right ").replace("ForeArmRoll", "Fore Arm Roll")
             .replace("ForeArm", "Fore Arm") for j in ARM_JOINTS}
COLUMNS = ("mpjpe_cm", "instability_cm", "mpjae_deg")


def _batch(pred, true) -> tuple[np.ndarray, np.ndarray]:
    """Both as float64 (S, F, 24, 3), checked."""
    pred, true = np.asarray(pred, dtype=np.float64), np.asarray(true, dtype=np.float64)
    if pred.shape != true.shape:
        raise ValueError(f"pred and true must have the same shape, got {pred.shape} and {true.shape}")
    if pred.ndim == 3:
        pred, true = pred[None], true[None]
    if pred.ndim != 4 or pred.shape[-2:] != (skeleton.N_JOINTS, 3):
        raise ValueError(f"poses must be (frames, 24, 3) or (sequences, frames, 24, 3), got {true.shape}")
    return pred, true


def joint_errors(pred, true) -> np.ndarray:
    """(S, F, 24) Euclidean error of every joint in every frame, metres."""
    pred, true = _batch(pred, true)
    return np.linalg.norm(pred - true, axis=-1)


def mpjpe(pred, true) -> np.ndarray:
    """(24,) mean per-joint position error in cm (inputs in metres)."""
    return joint_errors(pred, true).mean(axis=(0, 1)) * 100.0


def instability(pred, true) -> np.ndarray:
    """(24,) std over time of each joint's error within a sequence, averaged over sequences, cm."""
    return joint_errors(pred, true).std(axis=1).mean(axis=0) * 100.0


def joint_angles(poses) -> np.ndarray:
    """(..., 12) angles in radians at the middle joint of each :data:`ANGLE_TRIPLETS` entry.

    poses: (..., 24, 3). atan2(|u×v|, u·v) is accurate near 0 and π, unlike arccos.
    """
    x = np.asarray(poses, dtype=np.float64)
    a, m, c = (np.take(x, TRIPLET_INDEX[:, k], axis=-2) for k in range(3))  # 3 × (..., 12, 3), C order
    (u0, u1, u2), (v0, v1, v2) = np.moveaxis(a - m, -1, 0), np.moveaxis(c - m, -1, 0)  # components, (..., 12) each
    # np.cross and np.linalg.norm written out: the same operations in the same order (bit-identical),
    # 2.6× faster on a fold's test windows (they dominated scoring)
    cross = np.sqrt(np.square(u1 * v2 - u2 * v1) + np.square(u2 * v0 - u0 * v2) + np.square(u0 * v1 - u1 * v0))
    return np.arctan2(cross, u0 * v0 + u1 * v1 + u2 * v2)


def angle_errors(pred, true) -> np.ndarray:
    """(S, F, 12) absolute error of every :data:`ANGLE_TRIPLETS` angle in every frame, degrees."""
    pred, true = _batch(pred, true)
    return np.degrees(np.abs(joint_angles(pred) - joint_angles(true)))


def _mpjae_of(angle_err: np.ndarray) -> np.ndarray:
    """(S, F, 12) angle errors → (24,) per-joint MPJAE; NaN where the joint has no triplet."""
    err = angle_err.mean(axis=(0, 1))  # (12,)
    out = np.full(skeleton.N_JOINTS, np.nan)
    for j in np.unique(TRIPLET_JOINT):
        out[j] = err[TRIPLET_JOINT == j].mean()  # Hips: mean of its two sides
    return out


def mpjae(pred, true) -> np.ndarray:
    """(24,) mean per-joint angle error in degrees; NaN where the joint has no triplet."""
    return _mpjae_of(angle_errors(pred, true))


def per_joint_table(pred, true) -> pd.DataFrame:
    """Table 4's layout: one row per body part, columns mpjpe_cm, instability_cm, mpjae_deg.

    Rows: the upper-body joints in the paper's order, "Upper Body", the lower-body joints,
    "Lower Body", "Global" (aggregates = means over the joints of Table 4, NaN-skipping for
    MPJAE), then the 8 arm joints (not in the paper; ``group`` "arms"). Index ``body_part``
    uses the paper's spelling.
    """
    values = np.stack([mpjpe(pred, true), instability(pred, true), mpjae(pred, true)], axis=1)  # (24, 3)
    return table_from_joint_values(values)


class FrameErrors:
    """Per-frame errors of predictions against the truth, computed once, tabulated for any subset of
    sequences (:meth:`table`): what :func:`per_joint_table` gives for those sequences, to the bit.

    ``pred``, ``true`` (S, F, 24, 3) m; ``angles``: the (S, F, 12) angle errors (degrees) to use, e.g.
    another frame's (angles do not depend on it), or None to compute them here.
    """

    def __init__(self, pred, true, angles: np.ndarray | None = None):
        self.joints = joint_errors(pred, true)  # (S, F, 24) m
        self.angles = angle_errors(pred, true) if angles is None else angles  # (S, F, 12) degrees

    def table(self, rows=slice(None)) -> pd.DataFrame:
        """Table 4's layout (:func:`per_joint_table`) over the sequences ``rows`` (index or mask)."""
        e = self.joints[rows]
        values = np.stack([e.mean(axis=(0, 1)) * 100.0, e.std(axis=1).mean(axis=0) * 100.0,
                           _mpjae_of(self.angles[rows])], axis=1)
        return table_from_joint_values(values)


def table_from_joint_values(values: np.ndarray) -> pd.DataFrame:
    """Lay out a (24, 3) array [mpjpe_cm, instability_cm, mpjae_deg] per joint as Table 4."""
    def agg(names):
        with np.errstate(all="ignore"):
            block = values[skeleton.indices(names)]
            return [np.nan if np.isnan(col).all() else np.nanmean(col) for col in block.T]

    rows, index, groups = [], [], []
    for group, names, total in (("upper", UPPER_BODY, "Upper Body"), ("lower", LOWER_BODY, "Lower Body")):
        for j in names:
            rows.append(values[INDEX[j]]), index.append(PAPER_NAMES[j]), groups.append(group)
        rows.append(agg(names)), index.append(total), groups.append("aggregate")
    rows.append(agg(UPPER_BODY + LOWER_BODY)), index.append("Global"), groups.append("aggregate")
    for j in ARM_JOINTS:
        rows.append(values[INDEX[j]]), index.append(ARM_NAMES[j]), groups.append("arms")
    table = pd.DataFrame(np.array(rows, dtype=np.float64), columns=list(COLUMNS),
                         index=pd.Index(index, name="body_part"))
    table.insert(0, "group", groups)
    return table


def mean_std_over_folds(tables: list[pd.DataFrame], *, ddof: int = 1) -> pd.DataFrame:
    """Per-fold Table-4 tables → one table with ``<metric>_mean`` and ``<metric>_std`` columns.

    The paper's ± is the spread across folds; we use the sample std (``ddof=1``) over folds.
    Column names match ``humaps/book/paper_tables/table4_per_joint.csv``.
    """
    if not tables:
        raise ValueError("mean_std_over_folds needs at least one fold table")
    stacked = np.stack([t[list(COLUMNS)].to_numpy() for t in tables])  # (folds, rows, 3)
    out = pd.DataFrame(index=tables[0].index)
    out["group"] = tables[0]["group"]
    with warnings.catch_warnings():  # all-NaN cells (MPJAE of Head...) stay NaN without a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(stacked, axis=0)
        std = np.nanstd(stacked, axis=0, ddof=ddof) if len(tables) > ddof else np.full_like(mean, np.nan)
    for k, col in enumerate(COLUMNS):
        out[f"{col}_mean"], out[f"{col}_std"] = mean[:, k], std[:, k]
    return out
