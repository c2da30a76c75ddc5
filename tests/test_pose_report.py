"""The convergence verdict of the pose chapter, on hand-made training curves."""
from __future__ import annotations

from types import SimpleNamespace

from humaps.experiments.pose_cv import PoseCV, PoseFold
from humaps.experiments.pose_report import converged


def _cv(*curves: list[float]) -> PoseCV:
    folds = [PoseFold(job=SimpleNamespace(fold=k), test_subjects=(f"S{k}",), n_train=1, n_test=1, train_seconds=0.0,
                      curves=[{"epoch": e + 1, "valid_mpjpe_cm": v} for e, v in enumerate(c)])
             for k, c in enumerate(curves)]
    return PoseCV("full", folds)


def test_a_curve_flat_across_the_last_quarter_has_converged():
    v = converged(_cv([6, 5, 4.5, 4.2, 4.0, 3.9, 3.8, 3.7, 3.5, 3.36, 3.362, 3.342], [5] * 12))
    assert v.holds is True and "epochs 10–12 of 12" in v.claim and "fold 0: 0.6 %" in v.evidence


def test_a_curve_still_falling_in_the_last_quarter_has_not():
    v = converged(_cv([5] * 12, [6, 5, 4.5, 4.2, 4.0, 3.9, 3.8, 3.7, 3.6, 3.5, 3.4, 3.3]))
    assert v.holds is False and "fold 1: 6.1 %" in v.evidence


def test_a_jump_inside_the_last_quarter_counts_even_when_the_ends_agree():
    assert converged(_cv([5, 5, 5, 5, 5, 5, 5, 5, 5, 5.0, 5.5, 5.0])).holds is False
