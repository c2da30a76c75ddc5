"""Subject-wise folds: every subject's windows are either all training, all validation or all test data.

One rule serves both experiments: the sorted unique subject ids are shuffled
with ``seed`` and cut into ``n_folds`` near-equal groups (``np.array_split``);
fold k tests group k and trains on the others, so every subject is tested
exactly once. ``n_folds = 0`` means leave one subject out (:data:`LOSO`, the
paper's section-7 protocol): one fold per subject, in id order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOSO = 0
"""``n_folds`` of leave-one-subject-out: as many folds as subjects."""


def subject_folds(subjects, n_folds: int, *, seed: int = 0) -> list[tuple[str, ...]]:
    """Test subjects of each fold (sorted within a fold). ``n_folds``: an int ≥ 2, or :data:`LOSO` (0)."""
    ids = np.unique(np.asarray(subjects).astype(str))
    if n_folds == LOSO:
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


@dataclass(frozen=True)
class FoldSplit:
    """Window indices (sorted) of one outer fold: training, validation and test, with disjoint subjects;
    and the fold's test and validation subjects."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    test_subjects: tuple[str, ...]
    val_subjects: tuple[str, ...]


def split_fold(subjects, n_folds: int, fold: int, *, n_val: int, seed: int) -> FoldSplit:
    """Fold ``fold`` of :func:`subject_folds` (``seed``) split three ways: its test subjects, ``n_val``
    :func:`validation_subjects` drawn from the others with a seed of the fold alone (so test data cannot
    move them), and the remaining subjects for training. ``subjects``: (N,) the subject of each window."""
    subjects = np.asarray(subjects)
    folds = subject_folds(subjects, n_folds, seed=seed)
    if not 0 <= fold < len(folds):
        raise ValueError(f"fold must be in 0..{len(folds) - 1}, got {fold}")
    test = test_mask(subjects, folds[fold])
    if not test.any() or test.all():
        raise ValueError(f"fold {fold}: test subjects {folds[fold]} leave no test or no train windows")
    val_subjects = validation_subjects(subjects[~test], n_val, seed=seed * 1000 + fold)
    val = test_mask(subjects, val_subjects)
    return FoldSplit(np.flatnonzero(~test & ~val), np.flatnonzero(val), np.flatnonzero(test), tuple(folds[fold]),
                     val_subjects)
