"""Tables 4–6 in words and units, and the effects that decide the section-6 claims.

On this run every comparison is **paired by test subject**: each subject is tested exactly once,
in the same fold by every method, so the per-subject differences are the units a verdict
resamples (:func:`humaps.verdicts.bootstrap`). The paper's tables print one mean ± sd over 4 folds
per row, so its own claims get Welch intervals (an F interval for spreads), unpaired. Whether an
effect makes its claim hold is decided by the one rule of :mod:`humaps.verdicts`, over the family of
claims of a section (:mod:`humaps.book.claims`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from humaps.experiments.pose_cv import PoseCV
from humaps.formatting import mean_pm_std
from humaps.verdicts import (
    Effect,
    Verdict,
    bootstrap,
    decide_family,
    paired_mean,
    spread_ratio,
    undecided,
    verdict,
    welch,
)

METRICS: dict[str, str] = {"mpjpe_cm": "MPJPE (cm)", "instability_cm": "Instability (cm)", "mpjae_deg": "MPJAE (°)"}
UNITS = {"mpjpe_cm": "cm", "instability_cm": "cm", "mpjae_deg": "°"}
PAPER_FOLDS = 4  # the paper's ± is over its 4 folds
LEARNS_RATIO = 0.6  # "the model learns": its MPJPE at most this fraction of the mean training pose's
CONVERGED = 0.03  # "converged": the validation MPJPE moves by less than this across the last quarter


def global_table(methods: dict[str, PoseCV], frame: str = "heading") -> pd.DataFrame:
    """One row per method: the Global metrics as "mean ± sd over folds", headed in words and units."""
    rows = {}
    for label, cv in methods.items():
        g = cv.table(frame).loc["Global"]
        rows[label] = {METRICS[m]: mean_pm_std(g[f"{m}_mean"], g[f"{m}_std"], 2) for m in METRICS}
    return pd.DataFrame(rows).T.rename_axis("method (mean ± sd over folds)")


def global_rows(methods: dict[str, PoseCV], frame: str = "heading") -> pd.DataFrame:
    """Numeric Global ``<metric>_mean`` / ``_std`` per method (the layout of the paper's Tables 5–6)."""
    return pd.DataFrame({label: cv.table(frame).loc["Global"].drop("group") for label, cv in methods.items()}).T


def per_fold_table(methods: dict[str, PoseCV], frame: str = "heading", metric: str = "mpjpe_cm") -> pd.DataFrame:
    """Rows fold, columns method: the Global ``metric`` of each fold."""
    return pd.DataFrame({label: cv.per_fold(frame, metric) for label, cv in methods.items()}).rename_axis("fold")


def per_subject_table(methods: dict[str, PoseCV], frame: str = "heading", metric: str = "mpjpe_cm") -> pd.DataFrame:
    """Rows test subject, columns method: the Global ``metric`` of each subject (the verdicts' units)."""
    return pd.DataFrame({label: cv.per_subject(frame, metric) for label, cv in methods.items()})


# --------------------------------------------------------------------------- effects on this run

def lower_than(a: PoseCV, b: PoseCV, frame: str = "heading", metric: str = "mpjpe_cm") -> Effect:
    """Effect of "a has the lower ``metric``": b − a per test subject, bootstrapped over subjects."""
    sa, sb = a.per_subject(frame, metric), b.per_subject(frame, metric)
    sb = sb.reindex(sa.index)
    unit = UNITS[metric]
    return paired_mean(sb.to_numpy(), sa.to_numpy(), scale=unit,
                       compared=f"{sa.mean():.2f} vs {sb.mean():.2f} {unit} (mean over {len(sa)} subjects)")


def upper_vs_lower(cv: PoseCV, frame: str = "heading") -> Effect:
    """C1: Lower-body minus upper-body MPJPE of each test subject (cm)."""
    up, low = cv.per_subject(frame, "upper_mpjpe_cm"), cv.per_subject(frame, "lower_mpjpe_cm")
    return paired_mean(low.to_numpy(), up.to_numpy(), scale="cm",
                       compared=f"upper body {up.mean():.2f} vs lower body {low.mean():.2f} cm")


def spread_smaller(with_: PoseCV, without: PoseCV, frame: str = "heading") -> Effect:
    """C4: sd over test subjects of the MPJPE without the MPJAE loss ÷ with it, − 1 (> 0: less spread
    with it), bootstrapped over subjects (each resample keeps a subject's pair together)."""
    a, b = with_.per_subject(frame), without.per_subject(frame).reindex(with_.per_subject(frame).index)
    pairs = np.stack([a.to_numpy(), b.to_numpy()], axis=1)  # (subjects, [with, without])
    ratio = lambda x: x[..., 1].std(axis=-1, ddof=1) / x[..., 0].std(axis=-1, ddof=1) - 1
    return bootstrap(ratio, pairs, scale="ratio",
                     compared=f"sd over subjects {a.std(ddof=1):.2f} vs {b.std(ddof=1):.2f} cm")


def run_effects(full: PoseCV, no_mpjae: PoseCV, no_cycle: PoseCV, frame: str) -> dict[str, Effect]:
    """The effects of C1–C5 on this run, in ``frame`` (signs: > 0 is the paper's claim)."""
    return {"C1": upper_vs_lower(full, frame),
            "C2": lower_than(full, no_mpjae, frame, "mpjae_deg"),
            "C3": lower_than(full, no_mpjae, frame, "mpjpe_cm"),
            "C4": spread_smaller(full, no_mpjae, frame),
            "C5": lower_than(no_cycle, full, frame, "mpjpe_cm")}  # the cycle networks raise it


# --------------------------------------------------------------------------- effects on the paper's tables

def _welch(a: pd.Series, b: pd.Series, metric: str, label_a: str, label_b: str) -> Effect:
    """Effect a − b of ``metric`` from two printed rows (mean ± sd over the paper's 4 folds)."""
    ma, sa, mb, sb = a[f"{metric}_mean"], a[f"{metric}_std"], b[f"{metric}_mean"], b[f"{metric}_std"]
    unit = UNITS[metric]
    return welch(ma, sa, mb, sb, PAPER_FOLDS, scale=unit,
                 compared=f"{label_a} {ma:.1f} ± {sa:.1f} vs {label_b} {mb:.1f} ± {sb:.1f} {unit}")


def paper_effects(t4: pd.DataFrame, t5: pd.DataFrame, t6: pd.DataFrame) -> dict[str, Effect]:
    """The effects of C1–C5 on the paper's Tables 4–6 (indexed by body part / ablation row)."""
    w, wo, yes, no = t5.loc["w/"], t5.loc["w/o"], t6.loc["Yes"], t6.loc["No"]
    return {"C1": _welch(t4.loc["Lower Body"], t4.loc["Upper Body"], "mpjpe_cm", "lower body", "upper body"),
            "C2": _welch(wo, w, "mpjae_deg", "without", "with"),
            "C3": _welch(wo, w, "mpjpe_cm", "without", "with"),
            "C4": spread_ratio(wo["mpjpe_cm_std"], w["mpjpe_cm_std"], PAPER_FOLDS,
                               compared=f"sd over folds {w['mpjpe_cm_std']:.1f} vs {wo['mpjpe_cm_std']:.1f} cm"),
            "C5": _welch(yes, no, "mpjpe_cm", "with", "without")}


# --------------------------------------------------------------------------- the model against its references

def learns(model: PoseCV, mean_pose: PoseCV) -> Verdict:
    """The model's Global MPJPE (heading-normalised) is at most :data:`LEARNS_RATIO` × the mean pose's."""
    m, b = model.mean("heading"), mean_pose.mean("heading")
    return verdict(f"The full model learns: its Global MPJPE (heading-normalised) is at most {LEARNS_RATIO:g} × the "
                   "mean training pose's", m <= LEARNS_RATIO * b, f"{m:.2f} vs {b:.2f} cm, ratio {m / b:.2f}")


def beats_baselines(model: PoseCV, baselines: dict[str, PoseCV], frame: str = "heading") -> dict[str, Verdict]:
    """"The model is more accurate than <baseline>", per baseline, paired by subject; Holm over them."""
    return decide_family({name: (f"The full model is more accurate than the {name} (Global MPJPE, per test "
                                 "subject, heading-normalised)", lower_than(model, cv, frame))
                          for name, cv in baselines.items()}, family="the model against its baselines")


def converged(cv: PoseCV, *, tolerance: float = CONVERGED) -> Verdict:
    """Training has converged: across the epochs of the last quarter (the last 3 of 12, say), the
    validation MPJPE spreads by less than ``tolerance`` of its lowest value — (max − min) / min — in
    every fold. A curve still falling, or jumping, inside that quarter fails."""
    n = len(cv.folds[0].curves)
    quarter = max(2, n // 4)  # at least two epochs, or there is no change to see
    claim = (f"Training has converged: the validation MPJPE varies by less than {tolerance:.0%} across the last "
             f"quarter of the epochs (epochs {n - quarter + 1}–{n} of {n}), in every fold")
    if n < quarter + 1:
        return undecided(claim, f"only {n} epoch(s): nothing to compare")
    last = np.array([[row["valid_mpjpe_cm"] for row in f.curves][-quarter:] for f in cv.folds])  # (folds, quarter)
    change = (last.max(axis=1) - last.min(axis=1)) / last.min(axis=1)
    return verdict(claim, (change < tolerance).all(), ", ".join(f"fold {f.job.fold}: {100 * c:.1f} %"
                                                               for f, c in zip(cv.folds, change)))
