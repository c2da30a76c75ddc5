"""Fold runner (determinism, coverage), result tables and the classical baseline."""
import numpy as np
import pandas as pd
import pytest
from fakes import make_fake_windows

from humaps.actions import CLASS_NAMES
from humaps.config import resolve, update
from humaps.experiments.activity_classical import (
    classical_features,
    feature_names,
    run_classical,
    skeleton_features,
    step_timing,
)
from humaps.experiments.activity_loso import (
    PRED_COLUMNS,
    confusion,
    folds_of,
    macro_f1,
    mean_class_accuracy,
    run_strategies,
    sweep_table,
    table7,
    table8,
    table8_summary,
)
from humaps.skeleton import rotate_about_z


def test_every_subject_tested_exactly_once():
    subjects = [f"S{i:02d}" for i in range(1, 33)]
    for folds, n in ((0, 32), (4, 4), (5, 5)):
        groups = folds_of(update(resolve("activity", "smoke"), n_folds=folds), np.repeat(subjects, 3))
        assert len(groups) == n
        assert sorted(s for g in groups for s in g) == subjects  # each subject in exactly one test group


@pytest.fixture(scope="module")
def windows():
    return make_fake_windows(n_subjects=3, per_class=1, seed=0, insole_frames=60, pose_frames=72)


def test_runner_is_deterministic_across_worker_counts(windows):
    cfg = update(resolve("activity", "smoke"), epochs=1, n_folds=3, alphas=(0.5, 0.75),
                 distill_losses=("mse", "kl"), insole_frame_step=2, pose_frame_step=2)
    one = run_strategies(cfg, windows, cache=False)
    two = run_strategies(update(cfg, workers=2), windows, cache=False)
    pd.testing.assert_frame_equal(one.predictions, two.predictions)
    p = one.predictions
    assert list(p.columns) == PRED_COLUMNS
    # 3 strategies + 4 student variants (main = mse@0.5 among them), each once per window
    assert len(p) == 7 * len(windows.label)
    for (_, _, _), d in p.groupby(["strategy", "alpha", "distill_loss"], dropna=False):
        assert sorted(d["subject"]) == sorted(windows.subject)  # every window tested once per run
    main = p[p["main"]]
    assert set(main["strategy"]) == {"insoles", "skeleton", "concat", "student_teacher"}
    assert set(zip(main.loc[main.strategy == "student_teacher", "alpha"],
                   main.loc[main.strategy == "student_teacher", "distill_loss"])) == {(0.5, "mse")}
    assert len(sweep_table(p)) == 4


def _preds(rows):
    """Predictions frame from (strategy, subject, true, pred) rows."""
    df = pd.DataFrame(rows, columns=["strategy", "subject", "true", "pred"])
    return df.assign(alpha=np.nan, distill_loss="", main=True, fold=0)[PRED_COLUMNS]


def test_tables_on_constructed_predictions():
    # class 0 "Standing upright" and 1 "Balancing on the left leg" are Static; 6 "Walking" is Locomotion
    rows = [("insoles", "S01", 0, 0), ("insoles", "S01", 0, 1), ("insoles", "S01", 6, 6), ("insoles", "S01", 6, 0),
            ("insoles", "S02", 0, 0), ("insoles", "S02", 0, 0), ("insoles", "S02", 6, 7), ("insoles", "S02", 6, 6)]
    p = _preds(rows)
    t7 = table7(p).set_index("class_name")
    # class 0: S01 50 %, S02 100 % -> mean 75, population std 25
    assert t7.loc[CLASS_NAMES[0], "insoles_mean"] == pytest.approx(75.0)
    assert t7.loc[CLASS_NAMES[0], "insoles_std"] == pytest.approx(25.0)
    assert t7.loc[CLASS_NAMES[6], "insoles_mean"] == pytest.approx(50.0)
    assert np.isnan(t7.loc[CLASS_NAMES[2], "insoles_mean"])  # never tested
    by_class = table8(p, reading="class", strategies=("insoles",)).set_index("subject")
    by_cat = table8(p, reading="category", strategies=("insoles",)).set_index("subject")
    assert by_class.loc["S01", "insoles_static"] == pytest.approx(50.0)
    assert by_cat.loc["S01", "insoles_static"] == pytest.approx(100.0)  # 0 -> 1 stays Static
    assert by_cat.loc["S01", "insoles_locomotion"] == pytest.approx(50.0)  # 6 -> 0 leaves Locomotion
    assert by_cat.loc["S02", "insoles_locomotion"] == pytest.approx(100.0)  # 6 -> 7 is still Locomotion
    summary = table8_summary(by_class.reset_index())
    assert summary.loc["mean", "insoles_static"] == pytest.approx(75.0)
    assert summary.loc["std", "insoles_static"] == pytest.approx(25.0)
    cm = confusion(p, "insoles", level="category", normalize=False)
    assert cm.loc["Static", "Static"] == 4 and cm.loc["Locomotion", "Static"] == 1
    assert cm.loc["Locomotion", "Locomotion"] == 3 and cm.values.sum() == 8
    assert confusion(p, "insoles").shape == (30, 30)
    # macro-F1 over the 30 classes: F1(0) = 2*3/(2*3+1+1) = 0.75, F1(6) = 2*2/(2*2+0+2) = 2/3, F1(1) = F1(7) = 0
    assert macro_f1(p)["insoles"] == pytest.approx(100 * (0.75 + 2 / 3) / 30)
    # mean class accuracy: over the classes with test windows (0: 75 %, 6: 50 %)
    assert mean_class_accuracy(p)["insoles"] == pytest.approx(62.5)


def test_step_timing_on_a_known_gait():
    fs, n = 100.0, 300
    t = np.arange(n)
    left = ((t % 100) < 60) * 400.0  # contact 0.6 s of every 1 s, onsets at 100, 200 (t=0 is not an onset)
    right = (((t + 50) % 100) < 60) * 400.0  # half a cycle later
    force = np.stack([left, right], axis=-1)[None]  # (1, 300, 2)
    f = step_timing(force, threshold=20.0, fs=fs)[0]
    fraction, rate, interval, duration = f[0:2], f[2:4], f[4:6], f[6:8]
    assert fraction == pytest.approx([0.6, 0.6])
    assert rate[0] == pytest.approx(2 / 3.0)  # two onsets in 3 s
    assert interval[0] == pytest.approx(1.0)
    assert duration[0] == pytest.approx(0.9)  # 180 contact frames over 2 onsets (the contact at t = 0 has none)
    assert f[8] == pytest.approx(0.2) and f[10] == pytest.approx(0.0)  # double support, flight


def test_classical_baselines_features_and_learning():
    w = make_fake_windows(n_subjects=3, per_class=3, n_classes=30, seed=1, insole_frames=100, pose_frames=120,
                          signal=1.5)
    x = classical_features(w.insole, contact_threshold=0.5)
    assert x.shape == (len(w.label), len(feature_names())) and np.isfinite(x).all()
    assert skeleton_features(w.pose).shape == (len(w.label), 4 * 72)
    cfg = update(resolve("activity", "smoke"), n_folds=3, classical_trees=50)
    p = run_classical(cfg, w, cache=False).predictions
    assert set(p["strategy"]) == {"classical", "classical_skeleton"}
    for _, d in p.groupby("strategy"):
        assert sorted(d["subject"]) == sorted(w.subject)  # every window tested once per forest
        assert (d["true"] == d["pred"]).mean() > 0.3  # chance is 1/30
    pd.testing.assert_frame_equal(p, run_classical(cfg, w, cache=False).predictions)


def test_skeleton_features_do_not_depend_on_the_heading():
    w = make_fake_windows(n_subjects=1, per_class=1, n_classes=3, seed=2, insole_frames=10, pose_frames=12)
    turned = rotate_about_z(w.pose, np.full(w.pose.shape[:2], 1.234))
    np.testing.assert_allclose(skeleton_features(turned), skeleton_features(w.pose), atol=1e-5)
