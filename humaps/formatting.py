"""How the book writes a number with its spread: one formatter for every table."""
from __future__ import annotations

import numpy as np


def mean_pm_std(mean, std, digits: int = 1) -> str:
    """'31.1 ± 0.8'; the mean alone when the spread is missing; '–' (the paper's blank) when the mean is."""
    if mean is None or (isinstance(mean, float) and np.isnan(mean)):
        return "–"
    if std is None or (isinstance(std, float) and np.isnan(std)):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f}"
