"""The Moticon OpenGo insole: sensor layout, cell areas and device limits.

Nodes of a foot are its 16 pressure cells, numbered 1–16 as in the device's
export (index 0–15 here). Centroids are given for a *left* insole in a unit
frame: ``x`` across the width (0–1, high x = medial side, see below), ``y``
along the length (0 = toe tip, 1 = heel). The right insole is the mirror image
(x → 1 − x). Cells 1–6 are the rearfoot (a 2 × 3 grid), 7–8 the midfoot,
9–13 the metatarsal row, 14–16 the toes.

Medial side: in the real walking recordings shipped with ``moticon-opengo``,
cell 7 (high x, the medial arch) reads almost nothing in stance and cell 14
(high x, the hallux) reads the most, so high x is medial.
"""
from __future__ import annotations

import numpy as np

N_CELLS = 16
SAMPLE_RATE_HZ = 100.0
#: pressure resolution of the export, N/cm²
PRESSURE_STEP = 0.25
#: a cell's reading saturates here (OpenGo range 0–50 N/cm²)
PRESSURE_MAX = 50.0

#: (x, y) centroids of cells 1–16 on a left insole, unit frame described above.
CENTROIDS_LEFT = np.array([
    (.53, .91), (.26, .91), (.54, .77), (.24, .78), (.54, .63), (.24, .64),
    (.78, .43), (.15, .50),
    (.85, .25), (.65, .26), (.47, .27), (.30, .28), (.13, .32),
    (.80, .09), (.55, .09), (.32, .13),
])
#: cell areas (cm²) for insole size 4
AREAS_SIZE4_CM2 = np.array([
    9.46, 8.42, 10.22, 10.03, 10.04, 9.95, 13.94, 13.90,
    11.97, 9.51, 9.58, 9.69, 7.97, 7.80, 9.65, 5.01,
])
REGIONS: dict[str, tuple[int, ...]] = {
    "rearfoot": (1, 2, 3, 4, 5, 6), "midfoot": (7, 8),
    "metatarsals": (9, 10, 11, 12, 13), "toes": (14, 15, 16),
}
#: insole lengths (m) by OpenGo size, used to size the unit frame
LENGTH_BY_SIZE_M = {s: 0.225 + 0.0167 * (s - 1) for s in range(1, 9)}

#: OpenGo insole width as a fraction of its length — an assumption: no size's outline is published
#: in millimetres. Winter's (2009) foot breadth/length (0.055 H / 0.152 H = 0.36) plus the few
#: millimetres an insole is wider than the bare foot gives ≈ 0.37, the value the foot graph was
#: built with (the simulator's former 0.36 was within that uncertainty). It sizes the unit-frame layout
#: (:func:`centroids`) in metres: the foot graph's Delaunay triangulation
#: (:mod:`humaps.models.graphs`) and the lateral extent of the COP in the physics
#: (:mod:`humaps.sim.physics`). The triangulation is stable from 0.369 upwards; at 0.368 or
#: below one diagonal of the cells 10–11–15–16 quad flips (10–16 instead of 11–15). One ratio
#: serves every size although the OpenGo sizes grow faster in length than in width (cell areas
#: ×1.091 per size, :func:`areas_cm2`, against ≈ ×1.06 in length: the ratio falls
#: ≈ 3 % per size).
WIDTH_OVER_LENGTH = 0.37


def centroids(side: str) -> np.ndarray:
    """(16, 2) unit-frame centroids for ``side`` in {"left", "right"}."""
    if side == "left":
        return CENTROIDS_LEFT.copy()
    if side == "right":
        out = CENTROIDS_LEFT.copy()
        out[:, 0] = 1.0 - out[:, 0]
        return out
    raise ValueError(f"side must be 'left' or 'right', got {side!r}")


def areas_cm2(size: int) -> np.ndarray:
    """(16,) cell areas in cm² for OpenGo insole ``size`` (1–8).

    Areas scale by ≈1.19 from size 4 to size 6, i.e. ×1.091 per size step.
    """
    if size not in LENGTH_BY_SIZE_M:
        raise ValueError(f"insole size must be an integer 1–8, got {size!r}")
    return AREAS_SIZE4_CM2 * 1.19 ** ((size - 4) / 2.0)
