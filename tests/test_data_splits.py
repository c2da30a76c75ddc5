"""Subject-wise folds: disjoint, deterministic, every subject tested exactly once."""
from collections import Counter

import pytest

from humaps.data.splits import LOSO, subject_folds

SUBJ = [f"S{i:02d}" for i in range(1, 33)]


@pytest.mark.parametrize("n_folds", [2, 4, 5, LOSO])
def test_every_subject_is_tested_exactly_once(n_folds):
    folds = subject_folds(SUBJ * 3, n_folds, seed=3)
    assert Counter(s for fold in folds for s in fold) == Counter(SUBJ)


def test_folds_are_balanced_and_deterministic():
    folds = subject_folds(SUBJ, 4, seed=3)
    assert [len(f) for f in folds] == [8, 8, 8, 8] and folds == subject_folds(SUBJ, 4, seed=3)
    assert folds != subject_folds(SUBJ, 4, seed=4)


def test_loso_is_one_subject_per_fold_in_id_order():
    assert subject_folds(SUBJ[::-1], LOSO) == [(s,) for s in SUBJ]


def test_too_many_folds_is_an_error():
    with pytest.raises(ValueError, match="needs 2"):
        subject_folds(SUBJ[:3], 4)
