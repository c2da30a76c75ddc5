"""Subject-wise folds: every subject's windows are either all training, all validation or all test data.

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


def validation_subjects(train_subjects, n: int, *, seed: int) -> tuple[str, ...]:
    """``n`` of a fold's training subjects, held out to select settings (nested model selection).

    Drawn with ``seed`` from the training subjects alone — the fold's test subjects take no part,
    so nothing a test subject holds can move a selected value. Sorted.
    """
    ids = np.unique(np.asarray(train_subjects).astype(str))
    if not 1 <= n < len(ids):
        raise ValueError(f"{n} validation subject(s) must leave at least one of the {len(ids)} training subjects "
                         "to train on; lower `val_subjects` or add subjects")
    return tuple(np.sort(np.random.default_rng(seed).choice(ids, n, replace=False)))
