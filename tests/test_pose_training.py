"""Training loop, resume, determinism, cross-validation and baselines on tiny fake windows."""
from __future__ import annotations

import pickle
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from humaps import skeleton
from humaps.experiments.pose_config import PRESETS, PoseConfig
from humaps.models.pose_net import PoseNetConfig
from humaps.training.pose import TrainConfig, fit_normalisation, train_pose_model


def make_fake_sequences(n: int = 24, T: int = 16, seed: int = 0, n_subjects: int = 4) -> SimpleNamespace:
    """Windows following the pose_sequences contract, with insole signals that depend on the pose.

    A rest pose plus a sinusoidal swing of the legs (random phase and amplitude per window);
    pressure of each foot grows as the foot is lower, accelerations follow the foot's motion.
    """
    rng = np.random.default_rng(seed)
    rest = rng.normal(0, 0.3, (24, 3))
    rest[skeleton.INDEX["Hips"]] = 0.0
    t = np.arange(T) / 100.0
    phase, amp = rng.uniform(0, 2 * np.pi, (n, 1)), rng.uniform(0.05, 0.2, (n, 1))
    swing = amp * np.sin(2 * np.pi * 1.5 * t[None] + phase)  # (n, T)
    J = np.broadcast_to(rest, (n, T, 24, 3)).copy()
    legs = skeleton.indices(skeleton.LOWER_BODY)
    J[:, :, legs[:4], 1] += swing[..., None]  # left leg forward/back
    J[:, :, legs[4:], 1] -= swing[..., None]
    J[:, :, legs[:4], 2] += 0.5 * np.abs(swing)[..., None]
    J += rng.normal(0, 0.005, J.shape)
    J -= J[:, :, :1]  # pelvis-centred
    load = np.stack([1 - swing, 1 + swing], axis=-1)  # (n, T, 2)
    P = (10 * np.repeat(load, 16, axis=-1) + rng.normal(0, 0.5, (n, T, 32))).clip(0, 50)
    A = rng.normal(0, 0.1, (n, T, 18))
    A[..., 0:3] += np.gradient(swing, axis=1)[..., None] * 50
    A[..., 3:6] -= np.gradient(swing, axis=1)[..., None] * 50
    A[..., 16:18] = 400 * load
    subject = np.array([f"S{k % n_subjects:02d}" for k in range(n)])
    return SimpleNamespace(P=P.astype(np.float32), A=A.astype(np.float32), J=J.astype(np.float32),
                           subject=subject, label=np.array(["walk", "sit"] * (n // 2) + ["walk"] * (n % 2)),
                           trial=np.arange(n) // 2, t0=np.zeros(n), fs=100.0)


def as_dict(s: SimpleNamespace) -> dict:
    return {"P": s.P, "A": s.A, "J": s.J}


TINY = PoseNetConfig.tiny()
FAST = TrainConfig(epochs=2, batch_size=8, lr=3e-3, cycle_epochs=1, cycle_hidden=8, seed=3, threads=1)


def _weights(model) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.state_dict().values()]


def test_two_epochs_decrease_loss():
    result = train_pose_model(TINY, replace(FAST, epochs=3), as_dict(make_fake_sequences()))
    totals = [row["loss_total"] for row in result.curves]
    assert len(result.curves) == 3
    assert totals[-1] < totals[0]
    assert {"loss_mpjpe", "loss_mpjae", "loss_feat", "loss_recon", "loss_press", "loss_acc"} <= set(result.curves[0])
    assert result.press_net is not None and not any(p.requires_grad for p in result.press_net.parameters())


def test_same_seed_gives_identical_weights():
    data = as_dict(make_fake_sequences())
    a = train_pose_model(TINY, FAST, data).model
    b = train_pose_model(TINY, FAST, data).model
    for x, y in zip(_weights(a), _weights(b)):
        assert torch.equal(x, y)
    c = train_pose_model(TINY, replace(FAST, seed=4), data).model
    assert not all(torch.equal(x, y) for x, y in zip(_weights(a), _weights(c)))


def test_resume_after_interruption_equals_uninterrupted(tmp_path):
    data = as_dict(make_fake_sequences())
    cfg = replace(FAST, epochs=3)
    full = train_pose_model(TINY, cfg, data)
    first = train_pose_model(TINY, cfg, data, checkpoint_dir=tmp_path, stop_after_epoch=1)
    assert len(first.curves) == 1 and (tmp_path / "last.pt").exists() and (tmp_path / "cycle.pt").exists()
    resumed = train_pose_model(TINY, cfg, data, checkpoint_dir=tmp_path)
    assert [r["epoch"] for r in resumed.curves] == [1, 2, 3]
    for x, y in zip(_weights(full.model), _weights(resumed.model)):
        assert torch.equal(x, y)
    assert [r["loss_total"] for r in resumed.curves] == [r["loss_total"] for r in full.curves]


def test_normalisation_uses_training_windows_only():
    s = make_fake_sequences()
    stats = fit_normalisation(as_dict(s))
    np.testing.assert_allclose(stats["p_mean"], s.P.reshape(-1, 32).mean(0), rtol=1e-5)
    assert stats["joint_mean"].shape == (24, 3)
    with pytest.raises(ValueError, match="'A'"):
        fit_normalisation({"P": s.P, "A": s.A[..., :17], "J": s.J})


def test_every_profile_builds_a_valid_config():
    for profile, overrides in PRESETS.items():
        cfg = PoseConfig(**overrides)
        assert cfg.model_config().d_model == cfg.d_model
        assert cfg.variant("no_cycle").train_config().uses_cycle is False
        assert cfg.variant("no_mpjae").train_config().weight_dict["mpjae"] == 0.0
    assert PoseConfig().d_model == 576 and PoseConfig().n_folds == 4
    with pytest.raises(ValueError, match="unknown pose variant"):
        PoseConfig().variant("nope")


def _smoke() -> PoseConfig:
    return PoseConfig(**PRESETS["smoke"])


def test_cross_validation_is_subject_wise_and_cached(tmp_path, monkeypatch):
    from humaps.experiments import pose_cv

    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    seqs = make_fake_sequences(n=40, T=100, n_subjects=8)
    cfg = _smoke()
    for k in range(cfg.n_folds):
        train, test, subjects = pose_cv.fold_split(cfg, pose_cv.sequences_to_dict(seqs), k)
        assert not set(seqs.subject[train]) & set(seqs.subject[test]) and set(seqs.subject[test]) == set(subjects)
    all_test = np.concatenate([pose_cv.subject_folds(seqs.subject, 4, cfg.pose_seed)[k] for k in range(4)])
    assert sorted(all_test) == sorted(set(seqs.subject))  # every subject is tested exactly once

    result = pose_cv.run_cv(cfg, seqs, variant="full")
    assert len(result["folds"]) == 4 and {"mpjpe_cm_mean", "mpjpe_cm_std"} <= set(result["table"])
    assert np.isfinite(result["global"]["mpjpe_cm_mean"]) and np.isfinite(result["global"]["mpjpe_cm_std"])
    fold = result["folds"][0]
    assert fold["predictions"]["pred"].shape[1:] == (100, 24, 3) and fold["cycle_errors"]["test"]["press_mae_ncm2"] >= 0
    assert fold["curves"][0]["valid_mpjpe_cm"] > 0
    again = pose_cv.run_cv(cfg, seqs, variant="full")  # from the cache: identical
    assert again["global"] == result["global"]
    parallel = pose_cv.run_cv(cfg, seqs, variant="full", cache=False, workers=2)  # spawned fold processes
    assert parallel["global"] == result["global"]
    spec = pose_cv.FoldSpec(config=cfg, fold=1, data=pose_cv.sequences_to_dict(seqs))
    assert pickle.loads(pickle.dumps(spec)).fold == 1
    no_cycle = pose_cv.run_cv(cfg, seqs, variant="no_cycle")
    assert no_cycle["folds"][0]["cycle_errors"] == {} and "loss_press" not in no_cycle["folds"][0]["curves"][0]


def test_baselines_on_the_same_folds(tmp_path, monkeypatch):
    from humaps.experiments.pose_baselines import run_baselines

    monkeypatch.setenv("HUMAPS_CACHE", str(tmp_path / "cache"))
    seqs = make_fake_sequences(n=40, T=100, n_subjects=8)
    out = run_baselines(_smoke(), seqs)
    mean_pose, ridge = out["mean_pose"]["global"], out["ridge"]["global"]
    # the fake insoles encode the leg swing: ridge regression must beat the constant mean pose
    assert ridge["mpjpe_cm_mean"] < mean_pose["mpjpe_cm_mean"]
    assert out["mean_pose"]["table"].loc["Hips", "instability_cm_mean"] == pytest.approx(0, abs=1e-6)
