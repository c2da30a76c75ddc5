"""Nested selection: no selected value moves when a fold's test subjects change, and the shortcuts
selection takes (the ridge path, staged forests) equal the plain computations."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from fakes import make_fake_sequences, make_fake_windows
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import Ridge

from humaps.config import resolve, update
from humaps.data.splits import validation_subjects


def _scrambled(data, subjects, fields, seed=9):
    """``data`` with every array in ``fields`` replaced by noise on the windows of ``subjects``."""
    rng = np.random.default_rng(seed)
    mask = np.isin(data.subject, list(subjects))
    changes = {}
    for name in fields:
        x = getattr(data, name).copy()
        x[mask] = rng.normal(size=x[mask].shape).astype(x.dtype) * x.std() + x.mean()
        changes[name] = x
    return replace(data, **changes)


def test_validation_subjects_come_from_the_training_subjects_alone():
    train = [f"S{i:02d}" for i in range(1, 25)]
    picked = validation_subjects(train * 3, 4, seed=7)
    assert len(picked) == 4 and set(picked) <= set(train) and picked == validation_subjects(train, 4, seed=7)
    with pytest.raises(ValueError, match="leave at least one"):
        validation_subjects(["S01"], 1, seed=0)


def test_pose_selection_ignores_the_test_subjects(tmp_path, monkeypatch):
    from humaps.experiments import pose_baselines, pose_cv

    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path))
    seqs = make_fake_sequences(n=48, T=20, n_subjects=8)
    cfg = update(resolve("pose", "smoke"), n_folds=2, epochs=3, fs_hz=100.0, cycle_epochs=1)
    test_subjects = pose_cv.fold_split(cfg, seqs, 0).test_subjects
    other = _scrambled(seqs, test_subjects, ("P", "A", "J"))

    def chosen(data):
        folds = [pose_cv.run_fold(pose_cv.PoseJob(cfg, "full", 0, w), data) for w in cfg.w_mpjae_grid]
        ridge = pose_baselines.baseline_fold(pose_cv.PoseJob(cfg, "ridge", 0), data)
        return pose_cv.select(folds)[1], ridge.setting, ridge.val_mpjpe_cm, folds[0].tables["heading"]

    a, b = chosen(seqs), chosen(other)
    assert a[0].equals(b[0]) and a[1] == b[1] and a[2] == b[2]  # candidates, scores, choices: identical
    assert not a[3].equals(b[3])  # while the test scores did change


@pytest.mark.filterwarnings("ignore:The number of unique classes")
def test_activity_selection_ignores_the_test_subjects():
    from humaps.experiments import activity_classical, activity_loso

    win = make_fake_windows(n_subjects=4, per_class=1, seed=3, insole_frames=60, pose_frames=72)
    cfg = update(resolve("activity", "smoke"), epochs=3, n_folds=2, insole_frame_step=2, pose_frame_step=2,
                 classical_trees=6)
    test_subjects = activity_loso.fold_split(cfg, win.subject, 0).test_subjects
    other = _scrambled(win, test_subjects, ("insole", "pose"))

    def chosen(w):
        skel = [activity_loso.run_fold(activity_loso.ActivityJob(cfg, "skeleton", 0, pose_heading=h), w)
                for h in cfg.pose_heading_grid]
        forests = activity_classical._run(cfg, w).selection
        return [(r.val_accuracy, r.best_epoch) for r in skel], forests[forests["fold"] == 0].reset_index(drop=True)

    (deep_a, forest_a), (deep_b, forest_b) = chosen(win), chosen(other)
    assert deep_a == deep_b
    assert forest_a.equals(forest_b)


def test_the_ridge_path_equals_scikit_learn_ridge():
    from humaps.experiments.pose_baselines import RidgePath

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 12)), rng.normal(size=(200, 5))
    path = RidgePath(x, y)
    for alpha in (0.01, 3.0, 1e4):
        ref = Ridge(alpha=alpha).fit(x, y)
        np.testing.assert_allclose(path.predict(x[:20], alpha), ref.predict(x[:20]), atol=1e-9)


def test_a_forest_truncated_to_k_trees_is_the_k_tree_forest():
    from humaps.experiments.activity_classical import fit_forest, staged_scores
    from humaps.training.activity import balanced_accuracy

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(120, 6)), rng.integers(0, 4, 120)
    big = fit_forest(x, y, trees=12, depth=0, seed=5, workers=1)
    small = RandomForestClassifier(n_estimators=5, random_state=5).fit(x, y)
    scores = staged_scores(big, x[:40], y[:40], np.array([5, 12]))
    assert scores[0] == pytest.approx(balanced_accuracy(y[:40], small.predict(x[:40])))
    assert scores[1] == pytest.approx(balanced_accuracy(y[:40], big.predict(x[:40])))
