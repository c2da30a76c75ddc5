"""Channel layouts of the model inputs, as named slices: the one place that defines them.

Pose model (section 3.1 of the paper), per insole frame:

- ``P`` (…, 32): cell pressures 1–16 of the left insole, then the right (N/cm²);
- ``A`` (…, 18): the auxiliary vector, in the order of :data:`AUX`.

Activity model (section 7), per insole frame: ``C`` (…, 38) in the order of :data:`CLASSIFIER`.
"""
from __future__ import annotations

N_PRESSURE = 32  # 16 cells × 2 feet, left then right
CELLS_PER_FOOT = 16

#: the auxiliary vector A_t: acceleration L xyz, R xyz (g); AHRS pitch/yaw/roll L, R (deg);
#: centre of pressure L x,y, R x,y (−0.5…0.5); total force L, R (N)
AUX: dict[str, slice] = {"acceleration": slice(0, 6), "orientation": slice(6, 12), "cop": slice(12, 16),
                         "force": slice(16, 18)}
N_AUX = 18
#: the yaw of each foot inside A's orientation block (pitch, yaw, roll per foot)
AUX_YAW: tuple[int, int] = (7, 10)

#: the classifier's insole frame: pressure 32 (N/cm²), COP L x,y, R x,y, total force L, R (N)
CLASSIFIER: dict[str, slice] = {"pressure": slice(0, 32), "cop": slice(32, 36), "force": slice(36, 38)}
N_CLASSIFIER = 38
