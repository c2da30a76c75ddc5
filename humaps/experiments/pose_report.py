"""Tables 4–6 in words and units, and the section-6 claims as verdicts decided fold by fold.

A comparison between two methods on the same folds is decided by the *paired*
per-fold differences: the claim holds when every fold's difference has the
claimed sign, does not hold when every fold's difference has the opposite
sign, and is "not distinguishable" otherwise (a difference smaller than the
fold-to-fold spread). A claim about spread (the paper's "more stable") is
decided by the Pitman–Morgan test for paired variances at the 5 % level.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from humaps.experiments.pose_cv import PoseCV
from humaps.report import Verdict, not_distinguishable, verdict

METRICS: dict[str, str] = {"mpjpe_cm": "MPJPE (cm)", "instability_cm": "Instability (cm)", "mpjae_deg": "MPJAE (°)"}
UNITS = {"mpjpe_cm": "cm", "instability_cm": "cm", "mpjae_deg": "°"}


def pm(mean: float, std: float, digits: int = 2) -> str:
    return "–" if np.isnan(mean) else f"{mean:.{digits}f} ± {std:.{digits}f}"


def global_table(methods: dict[str, PoseCV], frame: str = "heading") -> pd.DataFrame:
    """One row per method: the Global metrics as "mean ± sd over folds", headed in words and units."""
    rows = {}
    for label, cv in methods.items():
        g = cv.table(frame).loc["Global"]
        rows[label] = {METRICS[m]: pm(g[f"{m}_mean"], g[f"{m}_std"]) for m in METRICS}
    return pd.DataFrame(rows).T.rename_axis("method (mean ± sd over folds)")


def global_rows(methods: dict[str, PoseCV], frame: str = "heading") -> pd.DataFrame:
    """Numeric Global ``<metric>_mean`` / ``_std`` per method (the layout of the paper's Tables 5–6)."""
    return pd.DataFrame({label: cv.table(frame).loc["Global"].drop("group") for label, cv in methods.items()}).T


def per_fold_table(methods: dict[str, PoseCV], frame: str = "heading", metric: str = "mpjpe_cm") -> pd.DataFrame:
    """Rows fold, columns method: the Global ``metric`` of each fold."""
    return pd.DataFrame({label: cv.per_fold(frame, metric) for label, cv in methods.items()}).rename_axis("fold")


def paired(claim: str, a: np.ndarray, b: np.ndarray, *, unit: str, lower: bool = True) -> Verdict:
    """"a is lower than b" (``lower``) or higher, decided by the signs of the per-fold differences a − b."""
    d = np.asarray(a, float) - np.asarray(b, float)
    favour = d < 0 if lower else d > 0
    against = d > 0 if lower else d < 0
    evidence = (f"{np.mean(a):.2f} vs {np.mean(b):.2f} {unit} (mean over folds); per-fold differences "
                + ", ".join(f"{x:+.2f}" for x in d))
    if favour.all():
        return verdict(claim, True, evidence + ": same sign in every fold")
    if against.all():
        return verdict(claim, False, evidence + ": the opposite sign in every fold")
    return not_distinguishable(claim, evidence + ": signs differ between folds")


def smaller_spread(claim: str, a: np.ndarray, b: np.ndarray, *, unit: str) -> Verdict:
    """"a varies less over folds than b", by the Pitman–Morgan test of paired variances (5 %)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    sa, sb = a.std(ddof=1), b.std(ddof=1)
    r = np.corrcoef(a + b, a - b)[0, 1] if len(a) > 2 and np.std(a + b) > 0 and np.std(a - b) > 0 else 0.0
    df = len(a) - 2
    t = r * np.sqrt(df / max(1e-12, 1 - r * r)) if df > 0 else 0.0
    p = float(2 * stats.t.sf(abs(t), df)) if df > 0 else 1.0
    evidence = f"sd over folds {sa:.2f} vs {sb:.2f} {unit}; Pitman–Morgan p = {p:.2f} ({len(a)} folds)"
    if p >= 0.05:
        return not_distinguishable(claim, evidence)
    return verdict(claim, sa < sb, evidence)


def converged(cv: PoseCV, *, tolerance: float = 0.03) -> Verdict:
    """Training has converged: across the epochs of the last quarter (the last 3 of 12, say), the
    test-fold MPJPE spreads by less than ``tolerance`` of its lowest value — (max − min) / min — in
    every fold. A curve still falling, or jumping, inside that quarter fails."""
    n = len(cv.folds[0].curves)
    quarter = max(2, n // 4)  # at least two epochs, or there is no change to see
    claim = (f"Training has converged: the test-fold MPJPE varies by less than {tolerance:.0%} across the last "
             f"quarter of the epochs (epochs {n - quarter + 1}–{n} of {n}), in every fold")
    if n < quarter + 1:
        return not_distinguishable(claim, f"only {n} epoch(s): nothing to compare")
    last = np.array([[row["valid_mpjpe_cm"] for row in f.curves][-quarter:] for f in cv.folds])  # (folds, quarter)
    change = (last.max(axis=1) - last.min(axis=1)) / last.min(axis=1)
    return verdict(claim, (change < tolerance).all(), ", ".join(f"fold {k}: {100 * c:.1f} %" for k, c in enumerate(change)))


def upper_vs_lower(cv: PoseCV, frame: str = "heading") -> Verdict:
    """C1 (section 6.7): upper-body joints are estimated more accurately than lower-body joints (MPJPE)."""
    up = np.array([f.tables[frame].loc["Upper Body", "mpjpe_cm"] for f in cv.folds])
    low = np.array([f.tables[frame].loc["Lower Body", "mpjpe_cm"] for f in cv.folds])
    return paired("Upper-body joints are estimated more accurately than lower-body joints (MPJPE)", up, low, unit="cm")


def mpjae_ablation(with_: PoseCV, without: PoseCV, frame: str = "heading") -> list[Verdict]:
    """C2–C4 (section 6.8.1): the MPJAE loss lowers the MPJAE and the MPJPE and makes runs more stable."""
    f = lambda cv, m: cv.per_fold(frame, m)
    return [
        paired("Training with the MPJAE loss lowers the MPJAE", f(with_, "mpjae_deg"), f(without, "mpjae_deg"), unit="°"),
        paired("Training with the MPJAE loss lowers the MPJPE", f(with_, "mpjpe_cm"), f(without, "mpjpe_cm"), unit="cm"),
        smaller_spread("Training with the MPJAE loss makes the MPJPE vary less over folds",
                       f(with_, "mpjpe_cm"), f(without, "mpjpe_cm"), unit="cm"),
    ]


def cycle_ablation(with_: PoseCV, without: PoseCV, frame: str = "heading") -> list[Verdict]:
    """C5 (section 6.8.2): adding PressNet/AccelNet to the model that has a pose encoder makes it worse."""
    f = lambda cv, m: cv.per_fold(frame, m)
    return [
        paired("Adding PressNet/AccelNet to the model with a pose encoder raises the MPJPE",
               f(with_, "mpjpe_cm"), f(without, "mpjpe_cm"), unit="cm", lower=False),
        paired("Adding PressNet/AccelNet to the model with a pose encoder raises the MPJAE",
               f(with_, "mpjae_deg"), f(without, "mpjae_deg"), unit="°", lower=False),
    ]


# --------------------------------------------------------------------------- the paper's own tables
# The paper prints one mean ± std per row: no folds to pair, so its own tables can only be read
# directly, and a difference smaller than the two rows' stds is "not distinguishable".

def _direct(claim: str, a: float, sa: float, b: float, sb: float, *, unit: str, lower: bool = True) -> Verdict:
    gap = (b - a) if lower else (a - b)
    evidence = f"{a:.1f} ± {sa:.1f} vs {b:.1f} ± {sb:.1f} {unit}"
    if abs(gap) <= max(sa, sb):
        return not_distinguishable(claim, evidence + ": the difference is within the larger std")
    return verdict(claim, gap > 0, evidence)


def paper_upper_vs_lower(t4: pd.DataFrame) -> Verdict:
    u, lo = t4.loc["Upper Body"], t4.loc["Lower Body"]
    return _direct("Upper-body joints are estimated more accurately than lower-body joints (MPJPE)",
                   u["mpjpe_cm_mean"], u["mpjpe_cm_std"], lo["mpjpe_cm_mean"], lo["mpjpe_cm_std"], unit="cm")


def paper_mpjae_ablation(t5: pd.DataFrame) -> list[Verdict]:
    w, wo = t5.loc["w/"], t5.loc["w/o"]
    return [
        _direct("Training with the MPJAE loss lowers the MPJAE", w["mpjae_deg_mean"], w["mpjae_deg_std"],
                wo["mpjae_deg_mean"], wo["mpjae_deg_std"], unit="°"),
        _direct("Training with the MPJAE loss lowers the MPJPE", w["mpjpe_cm_mean"], w["mpjpe_cm_std"],
                wo["mpjpe_cm_mean"], wo["mpjpe_cm_std"], unit="cm"),
        verdict("Training with the MPJAE loss makes the MPJPE vary less over folds",
                w["mpjpe_cm_std"] < wo["mpjpe_cm_std"],
                f"sd {w['mpjpe_cm_std']:.1f} vs {wo['mpjpe_cm_std']:.1f} cm (no per-fold values to test)"),
    ]


def paper_cycle_ablation(t6: pd.DataFrame) -> list[Verdict]:
    w, wo = t6.loc["Yes"], t6.loc["No"]
    return [
        _direct("Adding PressNet/AccelNet to the model with a pose encoder raises the MPJPE", w["mpjpe_cm_mean"],
                w["mpjpe_cm_std"], wo["mpjpe_cm_mean"], wo["mpjpe_cm_std"], unit="cm", lower=False),
        _direct("Adding PressNet/AccelNet to the model with a pose encoder raises the MPJAE", w["mpjae_deg_mean"],
                w["mpjae_deg_std"], wo["mpjae_deg_mean"], wo["mpjae_deg_std"], unit="°", lower=False),
    ]
