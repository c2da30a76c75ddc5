"""humaps.metrics: properties (hypothesis) and constructed known values."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from humaps import skeleton
from humaps.book.paper import load_table
from humaps.metrics import (
    ANGLE_TRIPLETS,
    TRIPLET_INDEX,
    FrameErrors,
    instability,
    joint_angles,
    mean_std_over_folds,
    mpjae,
    mpjpe,
    per_joint_table,
)

finite = st.floats(-2.0, 2.0, allow_nan=False, width=32)
poses = arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(2, 6), st.just(24), st.just(3)), elements=finite)


def rest_pose() -> np.ndarray:
    """A (24, 3) pose with no degenerate (zero-length) bones: a generic random pose."""
    return np.random.default_rng(1).normal(0, 0.3, (24, 3))


@settings(max_examples=30, deadline=None)
@given(poses)
def test_zero_for_identical_inputs(x):
    assert np.allclose(mpjpe(x, x), 0) and np.allclose(instability(x, x), 0)
    m = mpjae(x, x)
    assert np.allclose(m[~np.isnan(m)], 0)


@settings(max_examples=30, deadline=None)
@given(poses, arrays(np.float64, (3,), elements=finite))
def test_invariant_to_a_common_translation(x, shift):
    y = x + 0.1 * np.sin(x)
    np.testing.assert_allclose(mpjpe(x + shift, y + shift), mpjpe(x, y), atol=1e-6)
    np.testing.assert_allclose(instability(x + shift, y + shift), instability(x, y), atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 2 * np.pi), st.floats(0.01, 1.0))
def test_translation_error_is_its_length_in_cm_and_stable(angle, dist):
    x = np.broadcast_to(rest_pose(), (5, 24, 3))
    shift = dist * np.array([np.cos(angle), np.sin(angle), 0.0])
    np.testing.assert_allclose(mpjpe(x + shift, x), 100 * dist, rtol=1e-9)
    np.testing.assert_allclose(instability(x + shift, x), 0, atol=1e-7)  # constant error: no instability
    m = mpjae(x + shift, x)
    assert np.allclose(m[~np.isnan(m)], 0, atol=1e-6)  # angles do not move with a translation


@settings(max_examples=30, deadline=None)
@given(st.floats(-np.pi, np.pi))
def test_rigid_rotation_changes_positions_not_angles(theta):
    x = rest_pose()
    c, s = np.cos(theta), np.sin(theta)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    m = mpjae((x @ rot.T)[None], x[None])
    assert np.allclose(m[~np.isnan(m)], 0, atol=1e-5)


@settings(max_examples=30, deadline=None)
@given(poses)
def test_joint_angles_are_atan2_of_the_numpy_cross_product_to_the_bit(x):
    x[..., 0, :] = x[..., 1, :]  # a zero-length bone: the angle there is atan2(0, 0)
    a, m, c = (x[..., TRIPLET_INDEX[:, k], :] for k in range(3))
    u, v = a - m, c - m
    ref = np.arctan2(np.linalg.norm(np.cross(u, v), axis=-1), (u * v).sum(-1))
    assert np.array_equal(joint_angles(x), ref)


@pytest.mark.parametrize("theta_deg", [10.0, 45.0, 90.0])
def test_bending_the_knee_gives_its_angle(theta_deg):
    """Straight leg (180° at the knee) vs the shank rotated by θ about the knee: knee error θ, others 0."""
    J = skeleton.INDEX
    x = rest_pose()
    x[J["LeftUpLeg"]], x[J["LeftLeg"]] = [0.1, 0, -0.1], [0.1, 0, -0.5]
    x[J["LeftFoot"]], x[J["LeftToeBase"]] = [0.1, 0, -0.9], [0.1, 0.1, -0.95]
    t = np.radians(theta_deg)
    rot = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])
    y = x.copy()
    for name in ("LeftFoot", "LeftToeBase"):  # rigidly rotate the shank and foot about the knee
        y[J[name]] = x[J["LeftLeg"]] + rot @ (x[J[name]] - x[J["LeftLeg"]])
    m = mpjae(y[None], x[None])
    assert m[J["LeftLeg"]] == pytest.approx(theta_deg, abs=1e-6)
    assert m[J["LeftFoot"]] == pytest.approx(0, abs=1e-6)  # the ankle angle is unchanged
    assert m[J["Hips"]] == pytest.approx(0, abs=1e-9)
    expected_foot = np.linalg.norm(y[J["LeftFoot"]] - x[J["LeftFoot"]]) * 100
    assert mpjpe(y[None], x[None])[J["LeftFoot"]] == pytest.approx(expected_foot)


def test_mpjae_nan_exactly_where_the_paper_prints_a_dash():
    x = rest_pose()[None]
    table = per_joint_table(x, x + 0.01)
    paper = load_table(4).set_index("body_part")
    for part in paper.index:
        assert np.isnan(table.loc[part, "mpjae_deg"]) == np.isnan(paper.loc[part, "mpjae_deg_mean"]), part
    assert len({j for j, _ in ANGLE_TRIPLETS}) == 11


def test_per_joint_table_layout_and_aggregates():
    rng = np.random.default_rng(0)
    true = rng.normal(0, 0.3, (2, 10, 24, 3))
    pred = true + rng.normal(0, 0.05, true.shape)
    table = per_joint_table(pred, true)
    paper_rows = list(load_table(4)["body_part"])
    assert list(table.index[: len(paper_rows)]) == paper_rows
    assert (table["group"] == "arms").sum() == 8
    per_joint = mpjpe(pred, true)
    assert table.loc["Global", "mpjpe_cm"] == pytest.approx(per_joint[skeleton.indices(skeleton.REPORTED)].mean())
    assert table.loc["Upper Body", "mpjae_deg"] == pytest.approx(
        table.loc[["Neck", "Spine 2", "Spine 1", "Spine", "Hips"], "mpjae_deg"].mean())
    # batches and single sequences agree
    np.testing.assert_allclose(mpjpe(pred[0], true[0]), mpjpe(pred[:1], true[:1]))


def test_instability_is_std_over_time_averaged_over_sequences():
    true = np.zeros((2, 4, 24, 3))
    pred = true.copy()
    pred[0, :, :, 0] = np.array([0.0, 0.02, 0.0, 0.02])[:, None]  # error 0, 2, 0, 2 cm → std 1 cm
    np.testing.assert_allclose(instability(pred, true), 0.5)  # (1 + 0) / 2 sequences


def test_fold_mean_and_std():
    a, b = (per_joint_table(np.full((1, 2, 24, 3), v), np.zeros((1, 2, 24, 3))) for v in (0.01, 0.03))
    out = mean_std_over_folds([a, b])
    assert out.loc["Head", "mpjpe_cm_mean"] == pytest.approx(np.sqrt(3) * 2)
    assert out.loc["Head", "mpjpe_cm_std"] == pytest.approx(np.std([np.sqrt(3), 3 * np.sqrt(3)], ddof=1))
    assert isinstance(out, pd.DataFrame) and "instability_cm_std" in out


def test_shape_errors_are_explained():
    with pytest.raises(ValueError, match="same shape"):
        mpjpe(np.zeros((2, 24, 3)), np.zeros((3, 24, 3)))
    with pytest.raises(ValueError, match="24, 3"):
        mpjpe(np.zeros((2, 23, 3)), np.zeros((2, 23, 3)))


def test_frame_errors_tabulate_any_subset_exactly_as_per_joint_table():
    rng = np.random.default_rng(3)
    true = rng.normal(0, 0.3, (7, 10, 24, 3)).astype(np.float32)
    pred = true + rng.normal(0, 0.05, true.shape).astype(np.float32)
    errors = FrameErrors(pred, true)
    rows = np.array([True, False, True, True, False, False, True])
    pd.testing.assert_frame_equal(errors.table(), per_joint_table(pred, true), check_exact=True)
    pd.testing.assert_frame_equal(errors.table(rows), per_joint_table(pred[rows], true[rows]), check_exact=True)
    other = FrameErrors(pred * 2, true, angles=errors.angles)  # another frame's angles are taken as given
    np.testing.assert_array_equal(other.table()["mpjae_deg"], errors.table()["mpjae_deg"])
