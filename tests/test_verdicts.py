"""The one verdict rule: intervals, Holm's correction and the three statuses, on hand-made numbers."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from humaps.verdicts import (
    DOES_NOT_HOLD,
    HOLDS,
    MIN_UNITS,
    NOT_DISTINGUISHABLE,
    Effect,
    bootstrap,
    decide,
    decide_family,
    holm,
    paired_mean,
    spread_ratio,
    status_of,
    welch,
)


def _effect(value, lo, hi, p=0.001, n=32, scale="cm", method="bootstrap") -> Effect:
    return Effect(value, lo, hi, p, n, "subjects", method, scale)


def test_holds_needs_the_interval_above_zero_and_the_threshold():
    assert status_of(_effect(0.5, 0.3, 0.7), 0.001) == HOLDS
    assert status_of(_effect(0.1, 0.05, 0.15), 0.001) == NOT_DISTINGUISHABLE  # real, below 0.2 cm
    assert status_of(_effect(0.5, -0.1, 1.1, p=0.2), 0.2) == NOT_DISTINGUISHABLE


def test_does_not_hold_when_the_interval_lies_on_the_other_side():
    assert status_of(_effect(-0.5, -0.7, -0.3), 0.001) == DOES_NOT_HOLD


def test_the_correction_can_undo_a_decision():
    e = _effect(0.5, 0.1, 0.9, p=0.03)
    assert status_of(e, 0.03) == HOLDS and status_of(e, 0.09) == NOT_DISTINGUISHABLE


def test_too_few_resampled_units_decide_nothing():
    assert status_of(_effect(5.0, 4.0, 6.0, n=MIN_UNITS - 1), 0.001) == NOT_DISTINGUISHABLE
    assert status_of(_effect(5.0, 4.0, 6.0, n=4, method="welch"), 0.001) == HOLDS  # t intervals are exact for n = 4


def test_holm_matches_the_step_down_by_hand():
    # sorted 0.01, 0.02, 0.04 → 3·0.01, max(0.03, 2·0.02), max(0.04, 1·0.04)
    np.testing.assert_allclose(holm([0.04, 0.01, 0.02]), [0.04, 0.03, 0.04])
    assert np.isnan(holm([np.nan, 0.01])[0]) and holm([np.nan, 0.01])[1] == pytest.approx(0.01)


def test_a_family_is_corrected_together():
    e = _effect(0.5, 0.1, 0.9, p=0.03)
    alone = decide("a claim", e)
    together = decide_family({k: ("a claim", e) for k in "abc"}, family="three claims")
    assert alone.status == HOLDS and all(v.status == NOT_DISTINGUISHABLE for v in together.values())
    assert together["a"].p_adjusted == pytest.approx(0.09) and "over the 3 claims of three claims" in together["a"].evidence


def test_bootstrap_interval_of_a_mean_is_close_to_the_t_interval():
    d = np.random.default_rng(1).normal(1.0, 2.0, 400)
    e = paired_mean(d, np.zeros_like(d), scale="cm")
    half = stats.t.ppf(0.975, 399) * d.std(ddof=1) / np.sqrt(400)
    assert e.value == pytest.approx(d.mean()) and e.n_units == 400
    assert e.ci_low == pytest.approx(d.mean() - half, abs=0.05) and e.ci_high == pytest.approx(d.mean() + half, abs=0.05)
    assert e.p < 1e-3


def test_bootstrap_is_seeded_and_its_p_matches_its_interval():
    d = np.random.default_rng(2).normal(0.15, 1.0, 60)
    a, b = (paired_mean(d, 0 * d, scale="cm") for _ in range(2))
    assert a == b
    assert (a.p < 0.05) == (a.ci_low > 0 or a.ci_high < 0)


def test_stratified_resamples_keep_every_position_in_its_stratum():
    strata = np.array([0] * 5 + [1] * 5)
    values = np.array([0.0] * 5 + [10.0] * 5)  # the strata differ; within a stratum nothing varies
    e = bootstrap(lambda x: x[:, 5:].mean(1) - x[:, :5].mean(1), values, scale="points", strata=strata, unit="classes")
    assert e.value == 10 and e.ci_low == 10 and e.ci_high == 10


def test_welch_from_printed_rows_matches_scipy():
    e = welch(41.7, 18.4, 13.3, 1.5, 4, scale="°")
    ref = stats.ttest_ind_from_stats(41.7, 18.4, 4, 13.3, 1.5, 4, equal_var=False)
    assert e.value == pytest.approx(28.4) and e.p == pytest.approx(ref.pvalue)


def test_spread_ratio_interval_contains_the_ratio():
    e = spread_ratio(3.5, 0.8, 4)
    assert e.value == pytest.approx(3.5 / 0.8 - 1) and e.ci_low < e.value < e.ci_high
    assert spread_ratio(1.0, 1.0, 4).p == pytest.approx(1.0)
