"""Training loop, resume, determinism, cross-validation and baselines on tiny fake windows."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
from fakes import make_fake_sequences

from humaps.config import resolve, update
from humaps.experiments.pose_config import PRESETS, PoseConfig
from humaps.models.pose_net import PoseNetConfig
from humaps.training.pose import PoseTrainConfig, fit_statistics, train_pose_model

TINY = PoseNetConfig.tiny()
FAST = PoseTrainConfig(epochs=2, batch_size=8, lr=3e-3, cycle_epochs=1, cycle_hidden=8, seed=3, threads=1)


def _weights(model) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.state_dict().values()]


def test_two_epochs_decrease_loss():
    result = train_pose_model(TINY, replace(FAST, epochs=3), make_fake_sequences())
    totals = [row["loss_total"] for row in result.curves]
    assert len(result.curves) == 3
    assert totals[-1] < totals[0]
    assert {"loss_mpjpe", "loss_mpjae", "loss_feat", "loss_recon", "loss_press", "loss_acc"} <= set(result.curves[0])
    assert result.cycle is not None and not any(p.requires_grad for p in result.cycle.press.parameters())


def test_same_seed_gives_identical_weights():
    data = make_fake_sequences()
    a = train_pose_model(TINY, FAST, data).model
    b = train_pose_model(TINY, FAST, data).model
    for x, y in zip(_weights(a), _weights(b)):
        assert torch.equal(x, y)
    c = train_pose_model(TINY, replace(FAST, seed=4), data).model
    assert not all(torch.equal(x, y) for x, y in zip(_weights(a), _weights(c)))


def test_resume_after_interruption_equals_uninterrupted(tmp_path):
    data = make_fake_sequences()
    cfg = replace(FAST, epochs=3)
    full = train_pose_model(TINY, cfg, data)
    first = train_pose_model(TINY, cfg, data, checkpoint_dir=tmp_path, stop_after_epoch=1)
    assert len(first.curves) == 1 and (tmp_path / "last.pt").exists() and (tmp_path / "cycle.pt").exists()
    resumed = train_pose_model(TINY, cfg, data, checkpoint_dir=tmp_path)
    assert [r["epoch"] for r in resumed.curves] == [1, 2, 3]
    for x, y in zip(_weights(full.model), _weights(resumed.model)):
        assert torch.equal(x, y)
    assert [r["loss_total"] for r in resumed.curves] == [r["loss_total"] for r in full.curves]


def test_statistics_use_training_windows_only():
    s = make_fake_sequences()
    stats = fit_statistics(s)
    np.testing.assert_allclose(stats.pressure.mean, s.P.reshape(-1, 32).mean(0), rtol=1e-5)
    assert stats.joint_mean.shape == (24, 3)
    with pytest.raises(ValueError, match="'A'"):
        fit_statistics(replace(s, A=s.A[..., :17]))


def test_every_profile_builds_a_valid_config():
    for profile in PRESETS:
        cfg = resolve("pose", profile)
        assert cfg.variant("no_cycle").train.weights(pose_encoder=True)["press"] == 0.0
        assert cfg.variant("no_mpjae").train.weights(pose_encoder=True)["mpjae"] == 0.0
        assert cfg.variant("no_mpjae").model == cfg.model
    assert PoseConfig().model.d_model == 576 and PoseConfig().n_folds == 4
    with pytest.raises(ValueError, match="unknown pose variant"):
        PoseConfig().variant("nope")


def _smoke() -> PoseConfig:
    return update(resolve("pose", "smoke"), n_folds=4, max_train_windows=24, max_test_windows=8, fs_hz=100.0)


def test_cross_validation_is_subject_wise_and_cached(tmp_path, monkeypatch):
    from humaps.data.splits import subject_folds
    from humaps.experiments import pose_cv

    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    seqs = make_fake_sequences(n=40, T=100, n_subjects=8)
    cfg = _smoke()
    for k in range(cfg.n_folds):
        split = pose_cv.fold_split(cfg, seqs, k)
        parts = [set(seqs.subject[i]) for i in (split.train, split.val, split.test)]
        assert not parts[0] & parts[1] and not parts[0] & parts[2] and not parts[1] & parts[2]
        assert parts[2] == set(split.test_subjects) and parts[1] == set(split.val_subjects)
    all_test = [s for fold in subject_folds(seqs.subject, 4, seed=cfg.train.seed) for s in fold]
    assert sorted(all_test) == sorted(set(seqs.subject))  # every subject is tested exactly once

    result = pose_cv.run_cv(cfg, seqs, variant="full")
    assert len(result.candidates) == 4 * len(cfg.w_mpjae_grid) and result.candidates["selected"].sum() == 4
    assert sorted(result.per_subject().index) == sorted(set(seqs.subject))  # every subject scored once
    assert len(result.folds) == 4 and {"mpjpe_cm_mean", "mpjpe_cm_std"} <= set(result.table("paper"))
    assert np.isfinite(result.mean("heading")) and np.isfinite(result.per_fold("paper")).all()
    fold = result.folds[0]
    assert fold.predictions["pred"].shape[1:] == (100, 24, 3) and fold.cycle_errors["test"]["press_mae_ncm2"] >= 0
    assert fold.curves[0]["valid_mpjpe_cm"] > 0
    again = pose_cv.run_cv(cfg, seqs, variant="full")  # from the cache: identical
    assert np.array_equal(again.per_fold(), result.per_fold())
    parallel = pose_cv.run_cv(update(cfg, workers=2), seqs, variant="full", cache=False)  # spawned processes
    assert np.array_equal(parallel.per_fold(), result.per_fold())
    no_cycle = pose_cv.run_cv(cfg, seqs, variant="no_cycle")
    assert no_cycle.folds[0].cycle_errors == {} and "loss_press" not in no_cycle.folds[0].curves[0]
    both = pose_cv.run_cvs(cfg, seqs, ("full", "no_cycle"))  # one pool for both: each as run alone (cached)
    assert [f.job for f in both["no_cycle"].folds] == [f.job for f in no_cycle.folds]
    assert np.array_equal(both["full"].per_fold(), result.per_fold())
    pd.testing.assert_frame_equal(both["full"].candidates, result.candidates)


def test_baselines_on_the_same_folds(tmp_path, monkeypatch):
    from humaps.experiments.pose_baselines import run_baselines

    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    seqs = make_fake_sequences(n=40, T=100, n_subjects=8)
    out = run_baselines(_smoke(), seqs)
    # the fake insoles encode the leg swing: ridge regression must beat the constant mean pose
    assert out["ridge"].mean() < out["mean_pose"].mean()
    assert out["mean_pose"].table().loc["Hips", "instability_cm_mean"] == pytest.approx(0, abs=1e-6)
    assert out["true_pose"].mean("heading") == 0 and out["true_pose"].mean("paper") > 0  # the heading floor
