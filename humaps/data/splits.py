"""Subject-wise folds: every subject's windows are either all training or all test data.

One rule serves both experiments: the sorted unique subject ids are shuffled
with ``seed`` and cut into ``n_folds`` near-equal groups (``np.array_split``);
fold k tests group k and trains on the others, so every subject is tested
exactly once. ``"loso"`` (leave one subject out, the paper's section-7
protocol) is ``n_folds`` = the number of subjects, one fold per subject in id
order.
"""
from __future__ import annotations

import numpy as np


def subject_folds(subjects, n_folds: int | str, *, seed: int = 0) -> list[tuple[str, ...]]:
    """Test subjects of each fold (sorted within a fold). ``n_folds``: an int ≥ 2, or ``"loso"``."""
    ids = np.unique(np.asarray(subjects).astype(str))
    if str(n_folds) == "loso":
        return [(s,) for s in ids]
    k = int(n_folds)
    if not 2 <= k <= len(ids):
        raise ValueError(f"{k}-fold subject-wise CV needs 2 ≤ k ≤ the number of subjects ({len(ids)})")
    order = np.random.default_rng(seed).permutation(len(ids))
    return [tuple(np.sort(part)) for part in np.array_split(ids[order], k)]


def test_mask(subjects, fold_subjects) -> np.ndarray:
    """(N,) bool: which windows belong to the fold's test subjects."""
    return np.isin(np.asarray(subjects).astype(str), list(fold_subjects))
