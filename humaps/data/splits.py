"""Subject-wise splits: every subject's data is either all train or all test.

Each function returns a list of ``(train_subjects, test_subjects)`` tuples of
sorted subject ids; together the test sets cover every subject exactly once.
"""
from __future__ import annotations

import numpy as np


def _ids(subjects) -> list[str]:
    ids = sorted(set(map(str, subjects)))
    assert ids, "need at least one subject"
    return ids


def grouped_folds(subjects, n_groups: int, *, seed: int = 0) -> list[tuple[list[str], list[str]]]:
    """``n_groups`` folds of near-equal size; subjects shuffled with ``seed`` (deterministic)."""
    ids = _ids(subjects)
    assert 1 <= n_groups <= len(ids), f"n_groups must be in 1..{len(ids)}, got {n_groups}"
    order = np.random.default_rng(seed).permutation(len(ids))
    groups = np.array_split(np.array(ids)[order], n_groups)
    out = []
    for g in groups:
        test = sorted(g.tolist())
        out.append(([s for s in ids if s not in test], test))
    return out


def kfold_subjects(subjects, k: int = 4, *, seed: int = 0):
    """K subject-wise folds (the pose experiment uses 4)."""
    return grouped_folds(subjects, k, seed=seed)


def loso(subjects):
    """Leave-one-subject-out: one fold per subject, in id order."""
    ids = _ids(subjects)
    return [([s for s in ids if s != t], [t]) for t in ids]


def grouped_loso(subjects, n_groups: int, *, seed: int = 0):
    """LOSO run as ``n_groups`` jobs: each group is a list of LOSO folds, every subject tested once overall."""
    folds = loso(subjects)
    order = np.random.default_rng(seed).permutation(len(folds))
    return [[folds[i] for i in sorted(g.tolist())] for g in np.array_split(order, n_groups)]
