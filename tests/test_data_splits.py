"""Subject-wise splits: disjoint, deterministic, every subject tested exactly once."""
from collections import Counter

from humaps.data.splits import grouped_loso, kfold_subjects, loso

SUBJ = [f"S{i:02d}" for i in range(1, 33)]


def _check(folds):
    tested = Counter(s for _, test in folds for s in test)
    assert tested == Counter(SUBJ)
    for train, test in folds:
        assert not set(train) & set(test) and set(train) | set(test) == set(SUBJ)


def test_kfold():
    f = kfold_subjects(SUBJ, 4, seed=3)
    _check(f)
    assert [len(t) for _, t in f] == [8, 8, 8, 8] and f == kfold_subjects(SUBJ, 4, seed=3)


def test_loso_and_grouped():
    _check(loso(SUBJ))
    g = grouped_loso(SUBJ, 5)
    assert len(g) == 5
    _check([fold for group in g for fold in group])
