"""Result formatting for the chapters; verdicts live in :mod:`humaps.verdicts` (re-exported here)."""
from __future__ import annotations

import numpy as np

from humaps.verdicts import DOES_NOT_HOLD, HOLDS, NOT_DISTINGUISHABLE, STATUSES, Verdict, verdict  # noqa: F401


def mean_pm_std(mean, std, digits: int = 1) -> str:
    """'31.1 ± 0.8' (empty when the mean is missing, as the paper's '–')."""
    if mean is None or (isinstance(mean, float) and np.isnan(mean)):
        return "–"
    if std is None or (isinstance(std, float) and np.isnan(std)):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"
