"""The four training strategies of section 7.1 on tiny synthetic windows."""
import numpy as np
import pytest
from fakes import make_fake_windows

from humaps.config import resolve, update
from humaps.experiments.activity_config import PRESETS, ActivityConfig
from humaps.skeleton import rotate_about_z
from humaps.training.activity import InputTransform, downsample, fit_strategy

N_CLASSES = 5


@pytest.fixture(scope="module")
def data():
    w = make_fake_windows(n_subjects=3, per_class=6, n_classes=N_CLASSES, seed=0, insole_frames=120,
                          pose_frames=144)
    train = w.subject != "S03"
    return w, train, ~train


@pytest.fixture(scope="module")
def cfg():
    c = update(resolve("activity", "smoke"), epochs=12, lr=1e-2, insole_frame_step=2, pose_frame_step=2,
               n_classes=N_CLASSES)
    return c


def fit(strategy, w, tr, cfg, **kw):
    kw = {"alpha": 0.5, "distill_loss": "mse", "seed": 0} | kw
    return fit_strategy(strategy, insole=w.insole[tr], pose=w.pose[tr], labels=w.label[tr], model_cfg=cfg.model,
                        train_cfg=cfg.train, **kw)


@pytest.fixture(scope="module")
def teacher(data, cfg):
    w, tr, _ = data
    return fit("skeleton", w, tr, cfg)


@pytest.mark.parametrize("strategy", ["insoles", "skeleton", "concat", "student_teacher"])
def test_each_strategy_beats_chance(strategy, data, cfg, teacher):
    w, tr, te = data
    model = teacher if strategy == "skeleton" else fit(strategy, w, tr, cfg, teacher=teacher)
    uses_pose = strategy in ("skeleton", "concat")
    pred = model.predict(w.insole[te], w.pose[te] if uses_pose else None)
    assert pred.shape == (te.sum(),)
    accuracy = (pred == w.label[te]).mean()
    assert accuracy > 2.0 / N_CLASSES, f"{strategy}: accuracy {accuracy:.2f} is not above twice chance"
    assert model.history[-1] < model.history[0]  # the loss went down


def test_student_uses_insoles_only_at_inference(data, cfg, teacher):
    w, tr, te = data
    student = fit("student_teacher", w, tr, cfg, teacher=teacher)
    assert student.inputs.pose_norm is None  # it keeps no pose statistics
    assert not hasattr(student.model, "pose_encoder")
    a = student.predict(w.insole[te], None)
    b = student.predict(w.insole[te], np.full_like(w.pose[te], np.nan))  # poses are ignored
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="needs pose windows"):
        teacher.predict(None, None)


def test_student_is_deterministic_and_alpha_matters(data, cfg, teacher):
    w, tr, te = data
    a = fit("student_teacher", w, tr, cfg, seed=3, teacher=teacher)
    b = fit("student_teacher", w, tr, cfg, seed=3, teacher=teacher)
    c = fit("student_teacher", w, tr, cfg, seed=3, teacher=teacher, alpha=0.75, distill_loss="kl")
    assert a.history == b.history
    assert np.array_equal(a.logits(w.insole[te]), b.logits(w.insole[te]))
    assert a.history != c.history


def test_input_transform_uses_training_windows_only(data, cfg):
    w, tr, _ = data
    train_cfg = update(cfg, insole_frame_step=2, pose_frame_step=3).train
    n = InputTransform.fit(insole=w.insole[tr], pose=w.pose[tr], config=train_cfg)
    x = n.insole(w.insole[tr]).numpy()
    assert np.allclose(x.mean(axis=(0, 1)), 0, atol=1e-4) and np.allclose(x.std(axis=(0, 1)), 1, atol=1e-3)
    assert n.pose(w.pose[:2]).shape == (2, 48, 24, 3)
    moved = InputTransform.fit(insole=w.insole[tr] + 5, pose=None, config=train_cfg)
    assert not np.allclose(moved.insole_norm.mean, n.insole_norm.mean)
    with pytest.raises(ValueError, match=r"insole windows must be \(N, T, 38\)"):
        n.insole(w.insole[:, :, :30])


def test_downsample_averages_frames():
    x = np.arange(12, dtype=np.float32).reshape(1, 6, 2)
    assert np.array_equal(downsample(x, 3), np.array([[[2, 3], [8, 9]]], dtype=np.float32))


def test_bad_inputs_named(data, cfg):
    w, tr, _ = data
    with pytest.raises(ValueError, match="unknown strategy"):
        fit("imu", w, tr, cfg)
    with pytest.raises(ValueError, match="labels must be"):
        fit_strategy("insoles", insole=w.insole, pose=None, labels=w.label + 100, model_cfg=cfg.model,
                     train_cfg=cfg.train, seed=0)
    with pytest.raises(ValueError, match="needs alpha"):
        fit("student_teacher", w, tr, cfg, alpha=None)


def test_profiles_resolve_and_check_fields():
    for profile in ("smoke", "book", "paper"):
        assert resolve("activity", profile).model.n_classes == 30
    paper = ActivityConfig()
    assert (paper.alpha, paper.alphas, paper.n_folds) == (0.5, (0.25, 0.5, 0.75), 0)
    assert set(PRESETS) == {"smoke", "book", "paper"} and PRESETS["paper"] == {}
    with pytest.raises(ValueError, match="n_folds"):
        ActivityConfig(n_folds=1)
    with pytest.raises(ValueError, match="unknown distillation loss"):
        ActivityConfig(distill_loss="l2")


def test_the_student_sweep_is_the_grid_or_one_factor_at_a_time():
    grid = ActivityConfig()
    assert grid.student_variants()[0] == (0.5, "mse") and len(grid.student_variants()) == 9
    assert len(set(grid.student_variants())) == 9 and grid.student_variants(sweep=False) == [(0.5, "mse")]
    one = ActivityConfig(sweep_design="one_factor")
    assert one.student_variants() == [(0.5, "mse"), (0.25, "mse"), (0.75, "mse"), (0.5, "cosine"), (0.5, "kl")]
    with pytest.raises(ValueError, match="sweep_design"):
        ActivityConfig(sweep_design="random")


def test_pose_windows_are_turned_to_face_the_same_way(data, cfg):
    w, tr, _ = data
    inputs = InputTransform.fit(insole=None, pose=w.pose[tr], config=cfg.train)
    turned = rotate_about_z(w.pose, np.full(w.pose.shape[:2], -2.0))  # the whole cohort faces elsewhere
    np.testing.assert_allclose(inputs.pose(turned).numpy(), inputs.pose(w.pose).numpy(), atol=1e-4)
    kept = InputTransform.fit(insole=None, pose=w.pose[tr], config=update(cfg, pose_heading="keep").train)
    assert not np.allclose(kept.pose(turned).numpy(), kept.pose(w.pose).numpy(), atol=1e-2)


def test_distillation_pulls_the_student_towards_the_teacher(data, cfg, teacher):
    """With α > 0 the student's latent ends closer to the frozen teacher's than with α = 0 (pure
    cross-entropy, the teacher ignored), on windows neither saw; a distillation loss that does
    nothing fails here."""
    import torch

    w, tr, te = data
    with torch.no_grad():
        z_t = teacher.model.latent(pose=teacher.inputs.pose(w.pose[te]))
    gap = {}
    for alpha in (0.0, 0.75):
        s = fit("student_teacher", w, tr, cfg, seed=4, teacher=teacher, alpha=alpha, distill_loss="mse")
        with torch.no_grad():
            gap[alpha] = float(((s.model.latent(s.inputs.insole(w.insole[te])) - z_t) ** 2).mean())
    assert gap[0.75] < 0.7 * gap[0.0], f"distillation did not pull the student's latent to the teacher's: {gap}"


def test_concat_uses_the_poses(cfg):
    """Windows whose insoles carry no class at all: the concatenated model must still learn the
    classes from the poses (a concat model that ignores its pose encoder stays at chance)."""
    w = make_fake_windows(n_subjects=3, per_class=6, n_classes=N_CLASSES, seed=1, insole_frames=120,
                          pose_frames=144)
    noise = np.random.default_rng(0).normal(size=w.insole.shape).astype(np.float32)
    tr, te = w.subject != "S03", w.subject == "S03"
    model = fit_strategy("concat", insole=noise[tr], pose=w.pose[tr], labels=w.label[tr], model_cfg=cfg.model,
                         train_cfg=cfg.train, seed=0)
    accuracy = (model.predict(noise[te], w.pose[te]) == w.label[te]).mean()
    assert accuracy > 2.0 / N_CLASSES, f"concat accuracy {accuracy:.2f} from poses alone is not above 2× chance"


def test_early_stopping_keeps_the_best_validation_epoch(data, cfg):
    w, tr, te = data
    valid = {"insole": w.insole[te], "pose": w.pose[te], "labels": w.label[te]}
    model = fit("insoles", w, tr, cfg, valid=valid)
    assert len(model.val_curve) == cfg.train.epochs
    assert model.best_epoch == 1 + int(np.argmax(model.val_curve))  # the first of equal best scores
    from humaps.training.activity import balanced_accuracy

    assert balanced_accuracy(w.label[te], model.predict(w.insole[te])) == pytest.approx(model.val_accuracy)
